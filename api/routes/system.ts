import { Router } from 'express';
import { z } from 'zod';
import { openApiDocument, route } from '../http/routes.js';
import type { AppDeps } from '../app.js';

export function systemRoutes(deps: AppDeps): Router {
  const r = Router();
  route(r, { method: 'get', path: '/health', summary: 'Liveness: the process answers.', tag: 'system', auth: false, responses: { 200: { description: 'alive', schema: z.object({ status: z.literal('ok') }) } } }, () => ({ status: 'ok' as const }));

  route(
    r,
    {
      method: 'get',
      path: '/ready',
      summary: 'Readiness: Temporal and the database are reachable (503 names the one that is not).',
      tag: 'system',
      auth: false,
      responses: { 200: { description: 'ready' }, 503: { description: 'a dependency is unreachable' } },
    },
    async (_input, req, res) => {
      // Public: the answer says which dependency is down and whether it timed out, never its error (hosts, ports,
      // credentials in a connection string); that goes to the log.
      const check = async (name: string, fn: () => Promise<unknown>) => {
        let timer: NodeJS.Timeout | undefined;
        try {
          await Promise.race([fn(), new Promise((_, reject) => (timer = setTimeout(() => reject(new ReadyTimeout()), 3000)))]);
          return { ok: true as const };
        } catch (err) {
          req.log?.warn({ dependency: name, err: String((err as Error)?.message ?? err) }, 'readiness check failed');
          return { ok: false as const, error: err instanceof ReadyTimeout ? ('timeout' as const) : ('unreachable' as const) };
        } finally {
          clearTimeout(timer);
        }
      };
      const [database, temporal] = await Promise.all([
        check('database', () => deps.db.$queryRaw`SELECT 1`),
        check('temporal', () => deps.temporal.workflowService.getSystemInfo({})),
      ]);
      const ok = database.ok && temporal.ok;
      const body = { status: ok ? 'ready' : 'unavailable', checks: { database, temporal } };
      if (!ok) {
        res.status(503).type('application/problem+json').send(
          JSON.stringify({
            type: 'https://chain.localhost/problems/dependency_unavailable',
            title: `Not ready: ${[!database.ok && 'database', !temporal.ok && 'temporal'].filter(Boolean).join(' and ')} unreachable.`,
            status: 503,
            code: 'dependency_unavailable',
            state: body.status,
            checks: body.checks,
          }),
        );
        return;
      }
      return body;
    },
  );

  const doc = () => openApiDocument({ title: 'CHAIn approvals API', version: '0.1.0', serverUrl: deps.publicUrl });
  r.get('/openapi.json', (_req, res) => {
    res.json(doc());
  });
  r.get('/docs', (_req, res) => {
    res.type('html').send(docsPage(doc()));
  });
  return r;
}

class ReadyTimeout extends Error {
  constructor() {
    super('no answer within 3 s');
  }
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A dependency-free API reference rendered on the server from the OpenAPI document (no CDN, no JavaScript). */
function docsPage(doc: ReturnType<typeof openApiDocument>): string {
  const ops = Object.entries(doc.paths).flatMap(([p, methods]) =>
    Object.entries(methods).map(([m, op]) => {
      const o = op as { summary?: string; requestBody?: { content: { 'application/json': { schema: unknown } } }; parameters?: { name: string; in: string; required: boolean }[]; responses: Record<string, { description: string }> };
      const params = (o.parameters ?? []).map((x) => `<code>${esc(x.name)}</code> (${x.in}${x.required ? ', required' : ''})`).join(', ');
      const body = o.requestBody ? `<details><summary>Request body</summary><pre>${esc(JSON.stringify(o.requestBody.content['application/json'].schema, null, 2))}</pre></details>` : '';
      const responses = Object.entries(o.responses).map(([code, r]) => `<li><code>${code}</code> ${esc(r.description)}</li>`).join('');
      return `<section class="op"><h2><span class="m ${m}">${m}</span><code>${esc(p)}</code></h2><p>${esc(o.summary ?? '')}</p>${params ? `<p>Parameters: ${params}</p>` : ''}${body}<ul>${responses}</ul></section>`;
    }),
  );
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>CHAIn approvals API</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1b1f24}
code,pre{background:#f3f4f6;border-radius:4px;padding:.1rem .3rem}pre{padding:.6rem;overflow:auto;font-size:13px}
.op{border:1px solid #d0d7de;border-radius:6px;margin:.6rem 0;padding:.2rem .8rem}.op h2{font-size:1rem}.m{text-transform:uppercase;margin-right:.5rem}
.get{color:#0969da}.post{color:#1a7f37}.put,.patch{color:#9a6700}.delete{color:#cf222e}</style></head><body>
<h1>CHAIn approvals API</h1>
<p>Authenticate with <code>Authorization: Bearer &lt;api key&gt;</code> (in the embedded mode the key is in <code>data/dev-api-key</code>).
Errors are <code>application/problem+json</code> with a stable <code>code</code>. The machine-readable description is at <a href="/openapi.json">/openapi.json</a>.</p>
${ops.join('\n')}
</body></html>`;
}
