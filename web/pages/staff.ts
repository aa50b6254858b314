// Pages for signed-in staff and the embedded mode: my page (roles, what waits for me), the outbox, the home page.
import { html, type SafeHtml } from '../html.js';
import { localeNames, locales, type Messages } from '../i18n/index.js';
import { label, when } from './format.js';

export interface TaskItem {
  caseId: string;
  title: string;
  type: string;
  institution: { code: string; name: string };
  status: string;
  currentStage: string | null;
  dueAt: string | null;
  steps: { id: string; name: string; dueAt: string | null }[];
  resubmit: boolean;
}

export function mePage(
  m: Messages,
  me: { name: string; email: string; roles: { role: string; institution: string }[]; csrfToken?: string; canSubmitStrategy?: boolean; locale?: string; saved?: boolean },
  { items: tasks, total }: { items: TaskItem[]; total: number },
): SafeHtml {
  return html`${me.saved ? html`<div class="notice ok" role="status"><p>${m['me.languageSaved']}</p></div>` : ''}<p>${m['me.signedInAs'](me.name, me.email)}</p>
<section><h2>${m['me.roles']}</h2>
${me.roles.length ? html`<ul class="plain">${me.roles.map((r) => html`<li>${label(m, `role.${r.role}`, r.role)} · ${r.institution}</li>`)}</ul>` : html`<p class="muted">${m['me.noRoles']}</p>`}
</section>
<p class="actions">${me.canSubmitStrategy ? html`<a class="button primary" href="/strategies/new">${m['me.newStrategy']}</a> ` : ''}<a class="button secondary" href="/cases">${m['me.allCases']}</a>${[...new Set(me.roles.map((r) => r.institution))].filter((c) => c !== 'MOEYS').map((c) => html` <a class="button secondary" href="/institutions/${c}/strategies">${m['me.strategiesOf'](c)}</a>`)}</p>
<section><h2>${m['me.tasks']}</h2>
${
  tasks.length
    ? html`<ul class="plain" id="tasks">${tasks.map(
        (t) => html`<li><strong>${t.title}</strong><br><span class="muted">${t.institution.name} · ${label(m, `type.${t.type}`, t.type)} · ${label(m, `status.${t.status}`, t.status)}</span>
${t.steps.map((s) => html`<br>${m['common.step']}: ${s.name}${s.dueAt ? html` · ${m['common.due']} ${when(s.dueAt)}` : ''}`)}
<br><a href="/cases/${encodeURIComponent(t.caseId)}">${m['me.openCase']}</a></li>`,
      )}</ul>${
        total > tasks.length
          ? html`<p class="muted" id="tasks-more">${m['me.tasksMore'](tasks.length, total)} <a href="/cases?assignee=${encodeURIComponent(me.email)}">${m['me.tasksAll']}</a></p>`
          : ''
      }`
    : html`<p class="muted">${m['me.noTasks']}</p>`
}
</section>
${
  // A session's forms (an API key has no CSRF token and no session to end).
  me.csrfToken
    ? html`<section><form method="post" action="/me/preferences"><input type="hidden" name="_csrf" value="${me.csrfToken}">
<label for="locale">${m['me.language']}</label><select id="locale" name="locale">${locales.map((l) => html`<option value="${l}" lang="${l}"${l === me.locale ? html` selected` : ''}>${localeNames[l]}</option>`)}</select>
<div class="actions"><button class="secondary" type="submit">${m['me.languageSave']}</button></div></form></section>
<form method="post" action="/sign-out"><input type="hidden" name="_csrf" value="${me.csrfToken}"><div class="actions"><button class="secondary" type="submit">${m['signin.signOut']}</button></div></form>`
    : ''
}`;
}

export interface OutboxItem {
  id: string;
  to: string;
  subject: string;
  text: string;
  kind: string;
  caseId: string | null;
  links: { label: string; url: string }[];
  createdAt: string;
  sentAt: string | null;
}

export function outboxPage(m: Messages, items: OutboxItem[]): SafeHtml {
  return html`<p>${m['outbox.intro']}</p>
<p><a class="button secondary" href="/outbox">${m['outbox.refresh']}</a></p>
${
  items.length
    ? items.map(
        (e) => html`<section class="mail" id="mail-${e.id}">
<dl><dt>${m['outbox.to']}</dt><dd>${e.to}</dd><dt>${m['outbox.subject']}</dt><dd>${e.subject}</dd><dt>${m['outbox.sent']}</dt><dd>${when(e.sentAt ?? e.createdAt)}</dd></dl>
${e.links.length ? html`<p>${e.links.map((l) => html`<a class="button secondary" href="${l.url}">${l.label}</a> `)}</p>` : ''}
<pre>${e.text}</pre>
</section>`,
      )
    : html`<p class="muted">${m['outbox.empty']}</p>`
}`;
}

export function homePage(m: Messages, embedded: boolean): SafeHtml {
  return html`<p>${m['home.intro']}</p>
<ul class="plain">
<li><a href="/sign-in">${m['home.signIn']}</a></li>
<li><a href="/me">${m['home.me']}</a></li>
<li><a href="/cases">${m['cases.title']}</a></li>
<li><a href="/strategies/new">${m['me.newStrategy']}</a></li>
<li><a href="/l/new">${m['home.newLink']}</a></li>
${embedded ? html`<li><a href="/outbox">${m['home.outbox']}</a></li>` : ''}
<li><a href="/docs">${m['home.api']}</a></li>
</ul>`;
}
