// Pages for signed-in staff over the same operations as the JSON API: submit a strategy (form + PDF upload),
// the case page (state, decisions, timeline, versions), deciding / delegating / withdrawing from it, resubmitting
// after a send back, the case list, and downloading a document version (also for API clients).
// Every state change goes through the same functions as the API (createCase, runCommand, resubmitCase), so the
// engine's validators and the one authorisation module decide; forms carry the session's CSRF token and a fresh
// request id, so a double click records one decision.
import { randomUUID } from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { AppDeps } from '../app.js';
import { requireIdentity } from '../auth/authenticate.js';
import { AppError, isAppError } from '../../lib/errors.js';
import type { Identity } from '../../lib/identity.js';
import { canCreateCase } from '../../lib/authz.js';
import { diffFields } from '../../domain/strategy/changes.js';
import { stateQuery, type CaseView, type EngineCommand } from '../../workflows/approval/messages.js';
import { page, pageContext, sendPage } from '../../web/http.js';
import { readForm, type UploadedFile } from '../../web/form.js';
import { parseStrategyForm, strategyToForm, type FormErrors, type FormValues } from '../../web/strategy-form.js';
import { strategyFormPage } from '../../web/pages/strategy.js';
import { kpiRows, readActuals, reportFormPage } from '../../web/pages/report.js';
import { strategyFieldsSchema } from '../../domain/strategy/fields.js';
import { reportPoints } from '../../domain/strategy/report-fields.js';
import { casePage, type CasePageData } from '../../web/pages/case.js';
import { casesPage, strategiesPage } from '../../web/pages/cases.js';
import { listStrategies } from '../strategies/list-strategies.js';
import { label } from '../../web/pages/format.js';
import { caseIdParams, listCasesQuery } from '../cases/schemas.js';
import { withdrawBody } from '../cases/command-schemas.js';
import { createCase } from '../cases/create-case.js';
import { loadReadableCase } from '../cases/get-case.js';
import { listCases } from '../cases/list-cases.js';
import { runCommand } from '../cases/run-command.js';
import { resubmitCase } from '../cases/resubmit-case.js';
import { toViewer } from '../cases/viewer.js';
import { linkCommand, linkFormSchema } from '../links/commands.js';
import { toAppError } from '../http/problem.js';

const wantsPage = (req: Request) => /\btext\/html\b/.test(req.get('accept') ?? '');

/** Pages need a signed-in person; browsers without one are sent to sign in, and come back here afterwards. */
function signedIn(req: Request, res: Response): Identity | undefined {
  if (!req.identity) {
    res.redirect(303, `/sign-in?next=${encodeURIComponent(req.originalUrl)}`);
    return undefined;
  }
  return requireIdentity(req);
}

const csrfOf = (req: Request) => req.session?.csrfToken ?? '';

/** A PDF upload checked by type and by its first bytes (browsers send what the file name suggests). */
function checkPdf(file: UploadedFile | undefined, errors: FormErrors, m: { notPdf: string; tooLarge: string }) {
  if (!file) return undefined;
  if (file.tooLarge) {
    errors.document = m.tooLarge;
    return undefined;
  }
  const looksPdf = file.bytes.subarray(0, 5).toString('latin1') === '%PDF-';
  if (!looksPdf || !/\.pdf$/i.test(file.fileName) || !['application/pdf', 'application/x-pdf', 'application/octet-stream'].includes(file.mimeType)) {
    errors.document = m.notPdf;
    return undefined;
  }
  return { fileName: file.fileName.replace(/^.*[\\/]/, '').slice(0, 200), mimeType: 'application/pdf' as const, contentBase64: file.bytes.toString('base64') };
}

const ACT_ACTIONS = ['approve', 'reject', 'send_back', 'delegate', 'withdraw'] as const;

export function casePageRoutes(deps: AppDeps): Router {
  const r = Router();

  async function strategyInstitutions(id: Identity) {
    const rows = await deps.db.institution.findMany({ where: { kind: 'hei' }, select: { code: true, name: true }, orderBy: { name: 'asc' } });
    return rows.filter((i) => canCreateCase(id, i.code, 'strategy'));
  }

  // ------------------------------------------------------------------------------------- submit a strategy
  r.get(
    '/strategies/new',
    page(async (req, res) => {
      const id = signedIn(req, res);
      if (!id) return;
      const { m } = pageContext(req);
      const institutions = await strategyInstitutions(id);
      if (!institutions.length) throw new AppError('forbidden', m['strategyForm.noInstitution']);
      const values: FormValues = { formId: randomUUID() };
      if (typeof req.query.institution === 'string') values.institution = req.query.institution.toUpperCase();
      sendPage(req, res, 200, m['strategyForm.newTitle'], strategyFormPage(m, { action: '/strategies/new', csrf: csrfOf(req), mode: 'new', institutions, values, errors: {}, more: false }), id.name);
    }),
  );

  /**
   * The POST of a strategy form (new or resubmission): "More rows" re-renders; mistakes come back next to their
   * fields (422); a use case's refusal comes back with its reason; success redirects to the case.
   */
  async function strategyFormPost(
    req: Request,
    res: Response,
    o: {
      mode: 'new' | 'resubmit';
      title: string;
      action: string;
      institutions: { code: string; name: string }[];
      nonceField: 'formId' | 'requestId';
      submit: (x: { id: Identity; fields: Record<string, unknown>; title: string; institution: string; document: ReturnType<typeof checkPdf>; values: FormValues }) => Promise<string>;
    },
    form: Awaited<ReturnType<typeof readForm>>,
  ) {
    const id = requireIdentity(req);
    const { m } = pageContext(req);
    const values = form.fields;
    values[o.nonceField] = nonce(values[o.nonceField]);
    const render = (status: number, errors: FormErrors, more = false, problem?: string) =>
      sendPage(req, res, status, o.title, strategyFormPage(m, { action: o.action, csrf: csrfOf(req), mode: o.mode, institutions: o.institutions, values, errors, more, problem }), id.name);
    // More rows: the form comes back, and a chosen file cannot come with it — say so, or it would be lost silently.
    if (values.more) return render(200, form.files.some((f) => f.field === 'document') ? { document: m['strategyForm.fileAgain'] } : {}, true);
    const parsed = parseStrategyForm(values, { needTitle: o.mode === 'new' });
    const errors = { ...parsed.errors };
    if (o.mode === 'new' && !o.institutions.some((i) => i.code === parsed.institution)) errors.institution = m['strategyForm.noInstitution'];
    const document = checkPdf(form.files.find((f) => f.field === 'document'), errors, { notPdf: m['strategyForm.notPdf'], tooLarge: m['strategyForm.tooLarge'] });
    if (Object.keys(errors).length || !parsed.fields) return render(422, errors);
    await submitOr(render, issuesAsErrors, async () => {
      const to = await o.submit({ id, fields: parsed.fields as Record<string, unknown>, title: parsed.title, institution: parsed.institution, document, values });
      res.redirect(303, to);
    });
  }

  r.post(
    '/strategies/new',
    page(async (req, res) => {
      const form = await readForm(req);
      const id = requireIdentity(req);
      const { m } = pageContext(req);
      const institutions = await strategyInstitutions(id);
      if (!institutions.length) throw new AppError('forbidden', m['strategyForm.noInstitution']);
      await strategyFormPost(req, res, {
        mode: 'new',
        title: m['strategyForm.newTitle'],
        action: '/strategies/new',
        institutions,
        nonceField: 'formId',
        submit: async (x) => {
          const { caseId } = await createCase({
            db: deps.db,
            temporal: deps.temporal,
            taskQueue: deps.taskQueue,
            eagerStart: deps.eagerStart,
            identity: x.id,
            input: { type: 'strategy', institution: x.institution, title: x.title, fields: x.fields, document: x.document },
            // The form's own id: submitting it twice opens one case.
            idempotencyKey: `form-${x.values.formId}`,
          });
          return `/cases/${encodeURIComponent(caseId)}?done=submitted`;
        },
      }, form);
    }),
  );

  // ------------------------------------------------------------------------------------------ case list
  r.get('/cases', (req, res, next) => (wantsPage(req) ? listPage(req, res) : next()));
  const listPage = page(async (req, res) => {
      const id = signedIn(req, res);
      if (!id) return;
      const { m } = pageContext(req);
      // A bad filter (a hand-edited link) is dropped on its own; the other filters still apply — never all cases
      // instead of the ones asked for.
      let q = listCasesQuery.safeParse(req.query);
      if (!q.success) {
        const bad = new Set(q.error.issues.map((i) => String(i.path[0])));
        q = listCasesQuery.safeParse(Object.fromEntries(Object.entries(req.query).filter(([k]) => !bad.has(k))));
      }
      const query = q.success ? q.data : listCasesQuery.parse({});
      const result = await listCases({ db: deps.db, identity: id, query });
      sendPage(req, res, 200, m['cases.title'], casesPage(m, { items: result.items, nextCursor: result.nextCursor, query: q.success ? q.data : {}, canSubmit: (await strategyInstitutions(id)).length > 0 }), id.name);
  });

  // ------------------------------------------------------------------------- an institution's strategies
  const strategiesList = page(async (req, res) => {
    const id = signedIn(req, res);
    if (!id) return;
    const { m } = pageContext(req);
    const code = z.string().toUpperCase().regex(/^[A-Z0-9]{2,12}$/).safeParse(req.params.code);
    if (!code.success) throw new AppError('not_found', 'No such institution.');
    const list = await listStrategies({ db: deps.db, identity: id, institutionCode: code.data });
    sendPage(req, res, 200, m['strategies.title'](list.institution.name), strategiesPage(m, { ...list, canSubmit: canCreateCase(id, list.institution.code, 'strategy'), canReport: canCreateCase(id, list.institution.code, 'strategy_report') }), id.name);
  });
  r.get('/institutions/:code/strategies', (req, res, next) => (wantsPage(req) ? strategiesList(req, res) : next()));

  // ------------------------------------------------------------------ a progress report on a strategy
  /** The strategy a report form is for: readable, a strategy with valid fields, and the person may file reports. */
  async function reportTarget(req: Request, id: Identity) {
    const { m } = pageContext(req);
    const params = z.object({ id: caseIdParams.shape.id, point: z.enum(reportPoints) }).safeParse(req.params);
    if (!params.success) throw new AppError('not_found', 'No such report.');
    const row = await loadReadableCase(deps.db, id, params.data.id, deps.temporal);
    const fields = strategyFieldsSchema.safeParse(row.fields);
    if (row.type !== 'strategy' || !fields.success) throw new AppError('not_found', 'No such strategy.');
    if (!canCreateCase(id, row.institution.code, 'strategy_report')) throw new AppError('forbidden', `Progress reports are filed by the IRO or the leadership of ${row.institution.code}.`);
    const point = params.data.point;
    const pointLabel = label(m, `strategies.report.${point}`, point);
    return { row, fields: fields.data, point, pointLabel, action: `/strategies/${encodeURIComponent(row.id)}/reports/${point}/new` };
  }

  r.get(
    '/strategies/:id/reports/:point/new',
    page(async (req, res) => {
      const id = signedIn(req, res);
      if (!id) return;
      const { m } = pageContext(req);
      const t = await reportTarget(req, id);
      const values: FormValues = { formId: randomUUID(), title: m['reportForm.defaultTitle'](t.pointLabel, t.row.title) };
      sendPage(req, res, 200, m['reportForm.title'](t.pointLabel, t.row.title), reportFormPage(m, { action: t.action, csrf: csrfOf(req), strategy: { id: t.row.id, title: t.row.title, fields: t.fields }, pointLabel: t.pointLabel, values, errors: {} }), id.name);
    }),
  );

  r.post(
    '/strategies/:id/reports/:point/new',
    page(async (req, res) => {
      const form = await readForm(req);
      const id = requireIdentity(req);
      const { m } = pageContext(req);
      const t = await reportTarget(req, id);
      const values = form.fields;
      values.formId = nonce(values.formId);
      const render = (status: number, errors: FormErrors, _more = false, problem?: string) =>
        sendPage(req, res, status, m['reportForm.title'](t.pointLabel, t.row.title), reportFormPage(m, { action: t.action, csrf: csrfOf(req), strategy: { id: t.row.id, title: t.row.title, fields: t.fields }, pointLabel: t.pointLabel, values, errors, problem }), id.name);
      const errors: FormErrors = {};
      const title = (values.title ?? '').trim();
      if (title.length < 3) errors.title = 'Give the report a title (at least 3 characters).';
      const actuals = readActuals(t.fields, values, errors);
      const narrative = (values.narrative ?? '').trim();
      if (narrative.length < 50) errors.narrative = 'describe the progress in a few sentences (at least 50 characters)';
      const document = checkPdf(form.files.find((f) => f.field === 'document'), errors, { notPdf: m['strategyForm.notPdf'], tooLarge: m['strategyForm.tooLarge'] });
      if (Object.keys(errors).length) return render(422, errors);
      // Issues on actuals[i] belong to the i-th KPI row; others to their input, or to the notice on top.
      const rows = kpiRows(t.fields);
      const reportIssues = (e: AppError): FormErrors => {
        const mapped: FormErrors = {};
        for (const i of e.details.issues ?? []) {
          const a = /actuals\[(\d+)\]/.exec(i.path);
          const row = a ? rows[Number(a[1])] : undefined;
          const name = row ? `actual.${row.goal}.${row.kpi}` : /narrative$/.test(i.path) ? 'narrative' : /title$/.test(i.path) ? 'title' : undefined;
          if (name) mapped[name] ??= i.message;
        }
        return mapped;
      };
      await submitOr(render, reportIssues, async () => {
        const { caseId } = await createCase({
          db: deps.db,
          temporal: deps.temporal,
          taskQueue: deps.taskQueue,
          eagerStart: deps.eagerStart,
          identity: id,
          input: { type: 'strategy_report', institution: t.row.institution.code, title, fields: { strategyCaseId: t.row.id, point: t.point, actuals, narrative }, document },
          idempotencyKey: `form-${values.formId}`,
        });
        res.redirect(303, `/cases/${encodeURIComponent(caseId)}?done=reported`);
      });
    }),
  );

  // ------------------------------------------------------------------------------------------ case page
  async function renderCase(req: Request, res: Response, id: Identity, caseId: string, extra: { status?: number; notice?: string; failed?: CasePageData['failed'] } = {}) {
    const { m } = pageContext(req);
    const row = await loadReadableCase(deps.db, id, caseId, deps.temporal);
    let view: CaseView | null = null;
    try {
      view = await deps.temporal.workflow.getHandle(row.workflowId).query(stateQuery, toViewer(id));
    } catch (err) {
      req.log?.warn({ err: String(err) }, 'state query failed; showing the projection');
    }
    const [sealed, versions] = await Promise.all([
      deps.db.sealedDocument.findFirst({ where: { caseId: row.id }, orderBy: { createdAt: 'desc' }, select: { id: true, outcome: true } }),
      deps.db.documentVersion.findMany({ where: { caseId: row.id }, orderBy: { version: 'desc' }, take: 2, select: { version: true, sha256: true, fields: true } }),
    ]);
    const [to, from] = versions;
    const changes = to && from ? { from: from.version, to: to.version, documentChanged: from.sha256 !== to.sha256, changes: diffFields(from.fields, to.fields) } : null;
    const emails = new Set<string>();
    if (view) {
      emails.add(view.submitter.email.toLowerCase());
      for (const e of view.history) if (e.actor) emails.add(e.actor.toLowerCase());
      for (const s of view.stages) for (const st of s.steps) for (const a of st.assignees) emails.add(a.email.toLowerCase());
    }
    const people = await deps.db.person.findMany({ where: { email: { in: [...emails], mode: 'insensitive' } }, select: { email: true, name: true } });
    const names = Object.fromEntries(people.map((p) => [p.email.toLowerCase(), p.name]));
    for (const e of view?.history ?? []) if (e.actor && !names[e.actor.toLowerCase()]) {
      const a = view!.stages.flatMap((s) => s.steps.flatMap((st) => st.assignees)).find((x) => x.email.toLowerCase() === e.actor!.toLowerCase());
      if (a?.name) names[e.actor.toLowerCase()] = a.name;
    }
    // A progress report names its strategy (shown with the KPIs its values belong to, when the viewer may read it).
    const strategyId = row.type === 'strategy_report' ? (row.fields as { strategyCaseId?: unknown } | null)?.strategyCaseId : undefined;
    const reportOn = typeof strategyId === 'string' ? await loadReadableCase(deps.db, id, strategyId).then((s) => ({ id: s.id, title: s.title, fields: s.fields }), () => undefined) : undefined;
    const done = typeof req.query.done === 'string' ? req.query.done : undefined;
    const notice =
      extra.notice ??
      (done === 'submitted' ? m['case.submitted'] : done === 'reported' ? m['reportForm.submitted'] : done === 'resubmitted' ? m['case.resubmitted'] : done && (ACT_ACTIONS as readonly string[]).includes(done) ? m['case.done'](label(m, `action.${done}`, done === 'withdraw' ? m['case.withdraw'] : done)) : undefined);
    sendPage(
      req,
      res,
      extra.status ?? 200,
      row.title,
      casePage(m, {
        csrf: csrfOf(req),
        caseRow: { ...row, policy: { key: row.policyKey ?? '—', version: row.policyVersion ?? 0 } },
        view,
        names,
        sealed,
        changes,
        reportOn,
        notice,
        failed: extra.failed,
      }),
      id.name,
    );
  }

  const showCase = page(async (req, res) => {
    const id = signedIn(req, res);
    if (!id) return;
    const { id: caseId } = caseIdParams.parse(req.params);
    await renderCase(req, res, id, caseId);
  });
  // JSON clients (Accept: application/json, or nothing) get the API's answer from caseRoutes.
  r.get('/cases/:id', (req, res, next) => (wantsPage(req) ? showCase(req, res) : next()));

  // Decide, delegate or withdraw from the case page. Refusals re-render the page with the reason and the values.
  r.post(
    '/cases/:id/act',
    page(async (req, res) => {
      const form = await readForm(req);
      const id = requireIdentity(req);
      const { id: caseId } = caseIdParams.parse(req.params);
      const row = await loadReadableCase(deps.db, id, caseId, deps.temporal);
      const action = z.enum(ACT_ACTIONS).safeParse(form.fields.action);
      const stepId = typeof form.fields.stepId === 'string' && form.fields.stepId ? form.fields.stepId : undefined;
      const requestId = /^[0-9a-f-]{36}$/.test(form.fields.requestId ?? '') ? form.fields.requestId : undefined;
      try {
        if (!action.success) throw new AppError('validation_failed', 'Choose an action.', { issues: [{ path: 'action', message: 'unknown action' }] });
        let command: EngineCommand;
        if (action.data === 'withdraw') {
          // The API's rules for the comment (at most 5,000 characters), also for a form posted by hand.
          const w = withdrawBody.pick({ comment: true }).safeParse({ comment: form.fields.comment });
          if (!w.success) throw new AppError('validation_failed', 'Please check the form.', { issues: w.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) });
          command = { type: 'withdraw', comment: w.data.comment || undefined };
        } else {
          if (!stepId) throw new AppError('validation_failed', 'Which step?', { issues: [{ path: 'stepId', message: 'missing step' }] });
          const f = linkFormSchema.safeParse(form.fields);
          if (!f.success) throw new AppError('validation_failed', 'Please check the form.', { issues: f.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) });
          command = linkCommand(stepId, f.data);
        }
        await runCommand({ temporal: deps.temporal, workflowId: row.workflowId, identity: id, command, requestId });
        res.redirect(303, `/cases/${encodeURIComponent(caseId)}?done=${action.data}`);
      } catch (err) {
        const e = toAppError(err);
        if (e.status >= 500 || !isAppError(e)) throw err;
        await renderCase(req, res, id, caseId, {
          status: e.status,
          failed: { stepId: action.success && action.data === 'withdraw' ? 'withdraw' : stepId, message: e.message, issues: e.details.issues ?? [], previous: form.fields },
        });
      }
    }),
  );

  // ------------------------------------------------------------------------------------ resubmission form
  async function resubmittable(id: Identity, caseId: string) {
    const row = await loadReadableCase(deps.db, id, caseId, deps.temporal);
    if (row.type !== 'strategy') throw new AppError('conflict', 'Only strategies are resubmitted from a page; use POST /cases/:id/resubmit.');
    const view = await deps.temporal.workflow.getHandle(row.workflowId).query(stateQuery, toViewer(id)).catch(() => null);
    if (!view?.allowed.some((a) => a.actions.includes('resubmit'))) throw new AppError('conflict', 'This case is not waiting for changes from you.');
    return row;
  }

  const editTitle = (req: Request, title: string) => pageContext(req).m['strategyForm.resubmitTitle'](title);

  r.get(
    '/cases/:id/edit',
    page(async (req, res) => {
      const id = signedIn(req, res);
      if (!id) return;
      const { m } = pageContext(req);
      const { id: caseId } = caseIdParams.parse(req.params);
      const row = await resubmittable(id, caseId);
      const latest = await deps.db.documentVersion.findFirst({ where: { caseId }, orderBy: { version: 'desc' }, select: { fields: true } });
      const values = { ...strategyToForm(latest?.fields ?? row.fields), requestId: randomUUID() };
      sendPage(req, res, 200, editTitle(req, row.title), strategyFormPage(m, { action: `/cases/${encodeURIComponent(caseId)}/edit`, csrf: csrfOf(req), mode: 'resubmit', institutions: [], values, errors: {}, more: false }), id.name);
    }),
  );

  r.post(
    '/cases/:id/edit',
    page(async (req, res) => {
      const form = await readForm(req);
      const id = requireIdentity(req);
      const { id: caseId } = caseIdParams.parse(req.params);
      const row = await resubmittable(id, caseId);
      await strategyFormPost(req, res, {
        mode: 'resubmit',
        title: editTitle(req, row.title),
        action: `/cases/${encodeURIComponent(caseId)}/edit`,
        institutions: [],
        nonceField: 'requestId',
        submit: async (x) => {
          await resubmitCase({
            db: deps.db,
            temporal: deps.temporal,
            identity: x.id,
            caseRow: row,
            input: { fields: x.fields, document: x.document, comment: x.values.comment?.trim() || undefined },
            requestId: x.values.requestId,
          });
          return `/cases/${encodeURIComponent(caseId)}?done=resubmitted`;
        },
      }, form);
    }),
  );

  // ------------------------------------------------------------------------- a document version's bytes
  r.get(
    '/cases/:id/documents/:version',
    page(async (req, res) => {
      const id = requireIdentity(req);
      const { id: caseId } = caseIdParams.parse(req.params);
      const version = z.coerce.number().int().min(1).max(100_000).safeParse(req.params.version);
      if (!version.success) throw new AppError('not_found', 'No such version.');
      const row = await loadReadableCase(deps.db, id, caseId, deps.temporal);
      const doc = await deps.db.documentVersion.findUnique({ where: { caseId_version: { caseId: row.id, version: version.data } } });
      if (!doc?.content) throw new AppError('not_found', 'No such version, or it is kept outside the database.');
      res.set({
        'Content-Type': doc.mimeType,
        'Content-Disposition': `attachment; filename="${doc.fileName.replace(/[^\w.()\- ]+/g, '_')}"`,
        'X-Content-Type-Options': 'nosniff',
        'Cache-Control': 'private, no-store',
        'Content-Security-Policy': "default-src 'none'; sandbox",
        ETag: `"${doc.sha256}"`,
        'X-Document-SHA256': doc.sha256,
      });
      res.status(200).send(Buffer.from(doc.content));
    }),
  );

  return r;
}

function issuesAsErrors(e: AppError): FormErrors {
  const out: FormErrors = {};
  for (const i of e.details.issues ?? []) {
    const name = i.path.replace(/^body\.fields\./, '').replace(/\[(\d+)\]/g, '.$1');
    out[name === 'body.institution' ? 'institution' : name === 'body.title' ? 'title' : name] ??= i.message;
  }
  return out;
}

/** A form's id (kept across re-renders, so that a double submit is one request), or a fresh one. */
const nonce = (v: string | undefined) => (v && /^[0-9a-f-]{36}$/.test(v) ? v : randomUUID());

/** Runs a form's use case; a person's mistake or a refusal comes back as the form with the reason (5xx stay errors). */
async function submitOr(
  render: (status: number, errors: FormErrors, more: boolean, problem?: string) => void,
  issues: (e: AppError) => FormErrors,
  run: () => Promise<void>,
): Promise<void> {
  try {
    await run();
  } catch (err) {
    const e = toAppError(err);
    if (e.status >= 500) throw err;
    render(e.status, issues(e), false, e.message);
  }
}
