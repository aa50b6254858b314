// Reads that wait for a case to change (GET /cases/:id?changedSince=<version>&wait=<seconds>): instead of polling,
// a client holds one request open and gets its answer as soon as the case's state moves on. The approval workflow
// says when through a Temporal sink (workflows/approval/messages.ts, CaseSinks), which its worker runs outside
// history after each workflow task, with the state it moved to; this registry hands both on to the reads waiting in
// the same process. A read whose process has no worker (the API run on its own) is told by the workers' NOTIFY
// (the version only, lib/case-changes-pg.ts) or not at all: it looks again every `recheckMs`.
import type { EngineState } from '../domain/approval/index.js';

export interface CaseWatch {
  /**
   * Resolves true once the case was announced since the watch began (at once when it already was), false when
   * `ms` pass first or `signal` aborts.
   */
  changed(ms: number, signal?: AbortSignal): Promise<boolean>;
  /**
   * The case's state as its workflow announced it, when the last announcement since the watch began came from this
   * process's worker (which hands it over): a read may answer with it instead of asking the workflow again.
   */
  told(): Announced | undefined;
  /** Stops watching (idempotent). */
  stop(): void;
}

/** A state announced by the workflow, at its version (less the case fields, which no view shows). */
export interface Announced {
  version: string;
  state: EngineState;
}

export class CaseChanges {
  private readonly watches = new Map<string, Set<{ fire(told?: Announced): void }>>();
  private watching = 0;
  /** The last version announced per case, oldest first (at most `maxVersions`). */
  private readonly versions = new Map<string, string>();
  private closed = false;

  /**
   * @param maxWatches Reads that may wait at once; beyond it a read answers at once (a client then asks again).
   * @param maxVersions Cases whose last announced version is remembered.
   */
  constructor(
    readonly maxWatches = 2000,
    readonly maxVersions = 10_000,
  ) {}

  /**
   * The process is stopping: every waiting read is woken (and answers with what it reads then), and no new one
   * waits, so that the HTTP server can close without waiting out anyone's `wait`.
   */
  close(): void {
    this.closed = true;
    for (const set of [...this.watches.values()]) for (const w of [...set]) w.fire();
  }

  /** Reads waiting now. */
  get size(): number {
    return this.watching;
  }

  /** The case's state moved on, to `version` when told (its workflow's sink). */
  announce(caseId: string, version?: string, state?: EngineState): void {
    this.versions.delete(caseId);
    if (version !== undefined) {
      this.versions.set(caseId, version);
      if (this.versions.size > this.maxVersions) this.versions.delete(this.versions.keys().next().value!);
    }
    const set = this.watches.get(caseId);
    const told = version !== undefined && state ? { version, state } : undefined;
    if (set) for (const w of [...set]) w.fire(told);
  }

  /**
   * The version the case was last announced at, if this process heard it. A hint only: a change handled by a worker
   * in another process, or a notification lost, leaves it behind (a waiting read looks again every so often).
   */
  lastVersion(caseId: string): string | undefined {
    return this.versions.get(caseId);
  }

  /** Calls `fire` with each announcement of the case (with its state when told one) until the returned function is called. */
  private listen(caseId: string, fire: (told?: Announced) => void): () => void {
    const set = this.watches.get(caseId) ?? new Set();
    this.watches.set(caseId, set);
    const entry = { fire };
    set.add(entry);
    return () => {
      set.delete(entry);
      if (set.size === 0 && this.watches.get(caseId) === set) this.watches.delete(caseId);
    };
  }

  /**
   * Starts listening for the first state of a case announced by this process's worker that `accept`s, before the
   * case's workflow starts: `state(ms)` resolves with it, or undefined when `ms` pass first (or a notice without a
   * state comes, or the process stops). Not counted against maxWatches: its caller answers a request it already holds.
   */
  first(caseId: string, accept: (told: Announced) => boolean): { state(ms: number): Promise<Announced | undefined>; stop(): void } {
    let found: Announced | undefined;
    let gaveUp = this.closed;
    let wake: (() => void) | undefined;
    const unlisten = this.listen(caseId, (told) => {
      if (found || gaveUp) return;
      if (told && !accept(told)) return;
      if (told) found = told;
      else gaveUp = true;
      wake?.();
    });
    const stop = () => {
      unlisten();
      gaveUp = true;
      wake?.();
    };
    return {
      stop,
      state: (ms) =>
        found || gaveUp
          ? Promise.resolve(found)
          : new Promise<Announced | undefined>((resolve) => {
              const timer = setTimeout(() => done(), Math.max(0, ms));
              function done() {
                clearTimeout(timer);
                wake = undefined;
                resolve(found);
              }
              wake = done;
            }),
    };
  }

  /**
   * Starts watching a case before its state is read, so that a change between the read and the wait is not
   * missed. Undefined when maxWatches reads already wait.
   */
  watch(caseId: string): CaseWatch | undefined {
    if (this.closed || this.watching >= this.maxWatches) return undefined;
    this.watching++;
    let fired = false;
    let told: Announced | undefined;
    let wake: ((changed: boolean) => void) | undefined;
    const unlisten = this.listen(caseId, (announced) => {
      fired = true;
      told = announced;
      wake?.(true);
    });
    let stopped = false;
    const stop = () => {
      if (stopped) return;
      stopped = true;
      this.watching--;
      unlisten();
      wake?.(false);
    };
    return {
      stop,
      told: () => told,
      changed: (ms, signal) => {
        if (fired) return Promise.resolve(true);
        if (stopped || signal?.aborted) return Promise.resolve(false);
        return new Promise<boolean>((resolve) => {
          const timer = setTimeout(() => done(false), Math.max(0, ms));
          const onAbort = () => done(false);
          function done(changed: boolean) {
            clearTimeout(timer);
            signal?.removeEventListener('abort', onAbort);
            wake = undefined;
            resolve(changed);
          }
          wake = done;
          signal?.addEventListener('abort', onAbort, { once: true });
        });
      },
    };
  }
}
