// Idempotency keys, held to one format wherever they arrive: the Idempotency-Key header (POST /cases and every
// case command) or a command body's requestId. A key is the client's own name for one request; the use cases
// combine it with the person (and the command), so that it never names someone else's request.
import { z } from 'zod';

export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';

export const idempotencyKeySchema = z
  .string()
  .regex(/^[\x20-\x7E]{8,200}$/, '8 to 200 printable ASCII characters')
  .describe('Idempotency key (8 to 200 printable ASCII characters): repeating the same request with it returns the first result.');
