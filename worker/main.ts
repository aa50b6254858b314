// Production entry point of a worker (run as many as you like; configured by env only; see README).
import { workerEnv } from '../lib/env.js';
import { runService } from '../lib/service.js';

await runService({ name: 'chain-worker', schema: workerEnv, worker: true, api: false });
