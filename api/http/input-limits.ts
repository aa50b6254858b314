// What the API accepts at its edge, before any route sees a request:
// - JSON bodies are small (64 kB) except where a document is uploaded inline (POST /cases, resubmit: 15 MB) and
//   for routing policies (256 kB). Everything a command carries ends up in a Temporal Update, whose payload limit
//   (2 MB) would otherwise be reached after the Update was admitted, breaking every later workflow task of the case.
// - No string anywhere (path, query, form or JSON body, keys included) may contain U+0000 or a lone surrogate:
//   PostgreSQL cannot store them in text or jsonb, so one accepted here fails later, in an activity that retries
//   forever.
// - Nesting is bounded, and checked without recursion, so that no later step (zod, canonical JSON, a hash, the
//   workflow's payload converter) can overflow the stack on a value crafted to be deep.
import express, { type RequestHandler } from 'express';
import { AppError, type FieldIssue } from '../../lib/errors.js';
import { issuePath } from '../../domain/routing/policy.js';

export const JSON_LIMITS = {
  /** POST /cases and POST /cases/:id/resubmit: an inline PDF (at most 10 MB, base64) and the fields. */
  documents: '15mb',
  /** POST /policies, POST /policies/validate. */
  policies: '256kb',
  /** Decisions, delegations, reassignments, withdrawals and everything else. */
  default: '64kb',
} as const;

const DOCUMENT_ROUTES = [/^\/cases\/?$/i, /^\/cases\/[^/]+\/resubmit\/?$/i];
const POLICY_ROUTES = [/^\/policies(\/validate)?\/?$/i];

/** express.json with the limit of the route the request is for (a larger body answers 413 payload_too_large). */
export function jsonBodies(): RequestHandler {
  const parsers = {
    documents: express.json({ limit: JSON_LIMITS.documents }),
    policies: express.json({ limit: JSON_LIMITS.policies }),
    default: express.json({ limit: JSON_LIMITS.default }),
  };
  return (req, res, next) => {
    const kind = DOCUMENT_ROUTES.some((p) => p.test(req.path)) ? 'documents' : POLICY_ROUTES.some((p) => p.test(req.path)) ? 'policies' : 'default';
    parsers[kind](req, res, next);
  };
}

export interface InputLimits {
  /** Levels of objects and arrays below the value checked. */
  maxDepth: number;
  maxStringLength?: number;
  /** Properties of one object. */
  maxKeys?: number;
  maxKeyLength?: number;
  /** Items of one array. */
  maxItems?: number;
}

const NUL = '\u0000';
/** With the u flag a paired surrogate is one code point: this matches only a lone half. */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;
const shown = (key: string) => key.replaceAll(NUL, '\\u0000');

/**
 * The first thing in a parsed value (JSON, form, query) that the limits do not allow, with its path (`body.fields.a[0]`),
 * or null. Walks with an explicit stack of objects and arrays only (strings are checked where they stand, other
 * values skipped), each remembering its parent, so that the path is built only for the one value at fault: a value
 * nested 100,000 deep, or a 15 MB array of numbers, is answered in milliseconds.
 */
export function findInputIssue(value: unknown, limits: InputLimits, root: (string | number)[] = []): FieldIssue | null {
  interface Node {
    value: object;
    parent: Node | null;
    key: string | number | null;
    depth: number;
  }
  const pathOf = (node: Node | null, last?: string | number): (string | number)[] => {
    const keys: (string | number)[] = last === undefined ? [] : [last];
    for (let n = node; n && n.key !== null; n = n.parent) keys.push(n.key);
    return [...root, ...keys.reverse()];
  };
  const at = (path: (string | number)[], message: string): FieldIssue => ({ path: issuePath(path.map((k) => (typeof k === 'string' ? shown(k) : k))), message });
  const stringIssue = (v: string): string | null => {
    if (v.includes(NUL)) return 'must not contain the NUL character (\\u0000)';
    // Half of a surrogate pair (text cut in the middle of an emoji): PostgreSQL refuses it in json, later, forever.
    if (LONE_SURROGATE.test(v)) return 'is not well-formed Unicode (a lone surrogate, e.g. half of an emoji)';
    if (limits.maxStringLength !== undefined && v.length > limits.maxStringLength) return `at most ${limits.maxStringLength} characters`;
    return null;
  };
  if (typeof value === 'string') {
    const issue = stringIssue(value);
    return issue ? at(root, issue) : null;
  }
  if (value === null || typeof value !== 'object' || ArrayBuffer.isView(value)) return null;
  const stack: Node[] = [{ value, parent: null, key: null, depth: 0 }];
  while (stack.length) {
    const node = stack.pop()!;
    if (node.depth >= limits.maxDepth) return at(pathOf(node), `nested too deeply (at most ${limits.maxDepth} levels)`);
    // Strings of this level in order; objects and arrays below it afterwards, first child first.
    const below: Node[] = [];
    const visit = (child: unknown, key: string | number): FieldIssue | null => {
      if (typeof child === 'string') {
        const issue = stringIssue(child);
        return issue ? at(pathOf(node, key), issue) : null;
      }
      if (child !== null && typeof child === 'object' && !ArrayBuffer.isView(child)) below.push({ value: child, parent: node, key, depth: node.depth + 1 });
      return null;
    };
    if (Array.isArray(node.value)) {
      const items = node.value as unknown[];
      if (limits.maxItems !== undefined && items.length > limits.maxItems) return at(pathOf(node), `at most ${limits.maxItems} items`);
      for (let i = 0; i < items.length; i++) {
        const issue = visit(items[i], i);
        if (issue) return issue;
      }
    } else {
      const keys = Object.keys(node.value);
      if (limits.maxKeys !== undefined && keys.length > limits.maxKeys) return at(pathOf(node), `at most ${limits.maxKeys} properties`);
      for (const k of keys) {
        if (k.includes(NUL)) return at(pathOf(node, k), 'a name must not contain the NUL character (\\u0000)');
        if (limits.maxKeyLength !== undefined && k.length > limits.maxKeyLength) return at(pathOf(node, k.slice(0, 40) + '…'), `a name of at most ${limits.maxKeyLength} characters`);
        const issue = visit((node.value as Record<string, unknown>)[k], k);
        if (issue) return issue;
      }
    }
    for (let i = below.length - 1; i >= 0; i--) stack.push(below[i]!);
  }
  return null;
}

/** What every request is held to; routes' own schemas and the case-field bounds are narrower. */
export const EDGE_LIMITS: InputLimits = { maxDepth: 32 };

/** The URL path's segments, decoded: a NUL (%00) in a path parameter is refused like one in a body. */
function pathIssue(path: string): FieldIssue | null {
  for (const segment of path.split('/')) {
    if (!segment.includes('%')) continue;
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      continue; // Malformed escapes: the router answers 400 bad_request when it decodes its parameters.
    }
    if (decoded.includes(NUL)) return { path: 'path', message: 'must not contain the NUL character (%00)' };
  }
  return null;
}

/** After the body parsers: 422 validation_failed, naming the path, for a NUL anywhere or a nesting too deep. */
export const rejectUnsafeInput: RequestHandler = (req, _res, next) => {
  const found: [string, FieldIssue | null][] = [
    ['path', pathIssue(req.path)],
    ['query', findInputIssue(req.query, EDGE_LIMITS, ['query'])],
    ['body', findInputIssue(req.body, EDGE_LIMITS, ['body'])],
  ];
  const hit = found.find(([, issue]) => issue);
  if (!hit) return next();
  next(new AppError('validation_failed', `The request ${hit[0]} is not valid.`, { issues: [hit[1]!] }));
};
