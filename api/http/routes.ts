// Routes are declared with their zod schemas once: the same declaration validates requests and feeds
// /openapi.json, so the documentation cannot drift from what the API accepts.
import type { Request, Response, Router } from 'express';
import { z } from 'zod';
import { AppError } from '../../lib/errors.js';
import { zodIssues } from './problem.js';
import { IDEMPOTENCY_KEY_HEADER, idempotencyKeySchema } from './idempotency.js';

export interface RouteSpec<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType> {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** Express path, e.g. /cases/:id */
  path: string;
  summary: string;
  tag: string;
  /** false for health, ready and docs. */
  auth?: boolean;
  params?: P;
  query?: Q;
  body?: B;
  /** Reads (and checks: 422 when malformed) the optional Idempotency-Key header into `idempotencyKey`. */
  idempotent?: boolean;
  /** Documented responses: status → description (+ optional schema). */
  responses: Record<number, { description: string; schema?: z.ZodType }>;
}

export interface Parsed<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType> {
  params: z.infer<P>;
  query: z.infer<Q>;
  body: z.infer<B>;
  /** The Idempotency-Key header, when the route is idempotent and the client sent one. */
  idempotencyKey?: string;
}

export const registry: RouteSpec<z.ZodType, z.ZodType, z.ZodType>[] = [];

function parsePart<S extends z.ZodType>(schema: S | undefined, value: unknown, where: string): z.infer<S> {
  if (!schema) return undefined as z.infer<S>;
  const r = schema.safeParse(value ?? {});
  if (!r.success) throw new AppError('validation_failed', `The request ${where} is not valid.`, { issues: zodIssues(r.error, where) });
  return r.data;
}

export function route<P extends z.ZodType = z.ZodUndefined, Q extends z.ZodType = z.ZodUndefined, B extends z.ZodType = z.ZodUndefined>(
  router: Router,
  spec: RouteSpec<P, Q, B>,
  handler: (input: Parsed<P, Q, B>, req: Request, res: Response) => Promise<unknown> | unknown,
): void {
  if (!registry.some((r) => r.method === spec.method && r.path === spec.path)) registry.push(spec as never);
  router[spec.method](spec.path, async (req, res) => {
    const input = {
      params: parsePart(spec.params, req.params, 'params'),
      query: parsePart(spec.query, req.query, 'query'),
      body: parsePart(spec.body, req.body, 'body'),
      idempotencyKey: spec.idempotent ? idempotencyKeyOf(req) : undefined,
    };
    const out = await handler(input, req, res);
    if (!res.headersSent) {
      if (out === undefined) res.status(204).end();
      else res.json(out);
    }
  });
}

function idempotencyKeyOf(req: Request): string | undefined {
  const value = req.get(IDEMPOTENCY_KEY_HEADER);
  if (value === undefined) return undefined;
  const r = idempotencyKeySchema.safeParse(value);
  if (!r.success) {
    throw new AppError('validation_failed', `The ${IDEMPOTENCY_KEY_HEADER} header is not valid.`, {
      issues: [{ path: `headers.${IDEMPOTENCY_KEY_HEADER.toLowerCase()}`, message: r.error.issues[0]?.message ?? 'not valid' }],
    });
  }
  return r.data;
}

const toJson = (s: z.ZodType) => z.toJSONSchema(s, { unrepresentable: 'any', io: 'input' }) as Record<string, unknown>;

export function openApiDocument(info: { title: string; version: string; serverUrl?: string }) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of registry) {
    const p = r.path.replace(/:(\w+)/g, '{$1}');
    const parameters: unknown[] = [];
    for (const [where, schema] of [['path', r.params], ['query', r.query]] as const) {
      if (!schema) continue;
      const js = toJson(schema) as { properties?: Record<string, unknown>; required?: string[] };
      for (const [name, s] of Object.entries(js.properties ?? {})) {
        parameters.push({ name, in: where, required: where === 'path' || (js.required ?? []).includes(name), schema: s });
      }
    }
    if (r.idempotent) parameters.push({ name: IDEMPOTENCY_KEY_HEADER, in: 'header', required: false, description: idempotencyKeySchema.description, schema: toJson(idempotencyKeySchema) });
    paths[p] ??= {};
    paths[p][r.method] = {
      summary: r.summary,
      tags: [r.tag],
      ...(r.auth === false ? { security: [] } : {}),
      ...(parameters.length ? { parameters } : {}),
      ...(r.body ? { requestBody: { required: true, content: { 'application/json': { schema: toJson(r.body) } } } } : {}),
      responses: Object.fromEntries(
        Object.entries(r.responses).map(([status, d]) => [
          status,
          {
            description: d.description,
            content: d.schema
              ? { 'application/json': { schema: toJson(d.schema) } }
              : Number(status) >= 400
                ? { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } }
                : undefined,
          },
        ]),
      ),
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: info.title, version: info.version },
    ...(info.serverUrl ? { servers: [{ url: info.serverUrl }] } : {}),
    security: [{ bearer: [] }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'An API key (see README: data/dev-api-key in embedded mode).' } },
      schemas: {
        Problem: {
          type: 'object',
          properties: {
            type: { type: 'string' },
            title: { type: 'string' },
            status: { type: 'integer' },
            code: { type: 'string' },
            issues: { type: 'array', items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' } } } },
          },
        },
      },
    },
    paths,
  };
}
