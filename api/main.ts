// Production entry point of the API (configured by env only; see README → Configuration).
import { apiEnv } from '../lib/env.js';
import { runService } from '../lib/service.js';

await runService({ name: 'chain-api', schema: apiEnv, worker: false, api: true });
