// One place that turns the environment into a Temporal connection (plain, mTLS, or Temporal Cloud API key). Both the
// API's client and the worker go through the SDK's native (Rust) connection: its gRPC runs on the core's own
// threads, where `@temporalio/client`'s own Connection (grpc-js) would encode, frame and parse on the event loop.
import { Client } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { readFileSync } from 'node:fs';
import type { CommonEnv } from './env.js';

export function connectionOptions(env: CommonEnv, address: string) {
  const tls =
    env.TEMPORAL_TLS_CERT_PATH && env.TEMPORAL_TLS_KEY_PATH
      ? { clientCertPair: { crt: readFileSync(env.TEMPORAL_TLS_CERT_PATH), key: readFileSync(env.TEMPORAL_TLS_KEY_PATH) } }
      : env.TEMPORAL_API_KEY
        ? true
        : undefined;
  return { address, tls, apiKey: env.TEMPORAL_API_KEY };
}

/**
 * The process's one connection: its API client and its worker share it (lib/runtime.ts). Sharing is what lets a
 * case's first workflow task go straight from the start request to the worker beside it (eager workflow start).
 */
export async function connectTemporal(env: CommonEnv, address = env.TEMPORAL_ADDRESS ?? 'localhost:7233'): Promise<NativeConnection> {
  return NativeConnection.connect(connectionOptions(env, address));
}

export const clientOn = (connection: NativeConnection, env: CommonEnv): Client => new Client({ connection, namespace: env.TEMPORAL_NAMESPACE });
