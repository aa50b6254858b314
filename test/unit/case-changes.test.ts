// The registry that wakes reads waiting for a case to change (lib/case-changes.ts).
import { describe, expect, it } from 'vitest';
import { CaseChanges } from '../../lib/case-changes.js';
import type { EngineState } from '../../domain/approval/index.js';

describe('CaseChanges', () => {
  it('wakes the watches of the announced case only, and forgets them once stopped', async () => {
    const changes = new CaseChanges();
    const a = changes.watch('case-a')!;
    const b = changes.watch('case-b')!;
    expect(changes.size).toBe(2);
    const waitingA = a.changed(5_000);
    const waitingB = b.changed(50);
    changes.announce('case-a');
    expect(await waitingA).toBe(true);
    expect(await waitingB).toBe(false);
    a.stop();
    b.stop();
    b.stop();
    expect(changes.size).toBe(0);
  });

  it('keeps an announcement made between the watch and the wait (the read in between must not miss it)', async () => {
    const changes = new CaseChanges();
    const w = changes.watch('case-a')!;
    changes.announce('case-a');
    const t0 = performance.now();
    expect(await w.changed(5_000)).toBe(true);
    expect(performance.now() - t0).toBeLessThan(1_000);
    w.stop();
  });

  it('gives up when the time is over or the client goes away', async () => {
    const changes = new CaseChanges();
    const w = changes.watch('case-a')!;
    const t0 = performance.now();
    expect(await w.changed(30)).toBe(false);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(25);
    const gone = new AbortController();
    const waiting = w.changed(5_000, gone.signal);
    gone.abort();
    expect(await waiting).toBe(false);
    w.stop();
    // Stopped: an announcement finds nobody.
    changes.announce('case-a');
    expect(changes.size).toBe(0);
  });

  it("hands a woken read the state its worker announced; a later notice without one (another process's) takes it back", async () => {
    const changes = new CaseChanges();
    const state = { caseId: 'case-a', status: 'in_progress' } as unknown as EngineState;
    // Announced before the watch began: not this read's news.
    changes.announce('case-a', '1.1', state);
    const w = changes.watch('case-a')!;
    expect(w.told()).toBeUndefined();
    changes.announce('case-b', '1.2', state);
    expect(w.told()).toBeUndefined();
    changes.announce('case-a', '1.2', state);
    expect(await w.changed(5_000)).toBe(true);
    expect(w.told()).toEqual({ version: '1.2', state });
    expect(changes.lastVersion('case-a')).toBe('1.2');
    // Another process's worker moved it on (NOTIFY carries the version only): the read must ask the workflow.
    changes.announce('case-a', '1.3');
    expect(w.told()).toBeUndefined();
    expect(changes.lastVersion('case-a')).toBe('1.3');
    w.stop();
  });

  it('waits for the first announced state that a caller accepts; gives up on a notice without a state, on time, or when stopped', async () => {
    const changes = new CaseChanges();
    const resolving = { caseId: 'case-a', pending: { requestId: 'r1', purpose: 'open', stepIds: ['iro_check'] } } as unknown as EngineState;
    const open = { caseId: 'case-a' } as unknown as EngineState;
    const first = changes.first('case-a', (told) => !told.state.pending);
    const waiting = first.state(5_000);
    changes.announce('case-a', '1.0', resolving);
    changes.announce('case-b', '1.1', open);
    changes.announce('case-a', '1.1', open);
    changes.announce('case-a', '1.2', open);
    expect(await waiting).toEqual({ version: '1.1', state: open });
    first.stop();
    // Nothing acceptable in time.
    const late = changes.first('case-a', () => false);
    const t0 = performance.now();
    expect(await late.state(30)).toBeUndefined();
    expect(performance.now() - t0).toBeGreaterThanOrEqual(25);
    late.stop();
    // Another process's notice (no state): the caller asks the workflow instead.
    const elsewhere = changes.first('case-a', () => true);
    const asked = elsewhere.state(5_000);
    changes.announce('case-a', '1.3');
    expect(await asked).toBeUndefined();
    elsewhere.stop();
    // Stopped, or the process stopping: at once.
    const stopped = changes.first('case-a', () => true);
    const pending = stopped.state(5_000);
    stopped.stop();
    expect(await pending).toBeUndefined();
    const closing = changes.first('case-a', () => true);
    const atClose = closing.state(5_000);
    changes.close();
    expect(await atClose).toBeUndefined();
    closing.stop();
    expect(changes.size).toBe(0);
  });

  it('refuses watches beyond its limit, and takes them again once others stop', () => {
    const changes = new CaseChanges(2);
    const one = changes.watch('x')!;
    const two = changes.watch('x')!;
    expect(changes.watch('y')).toBeUndefined();
    one.stop();
    const three = changes.watch('y');
    expect(three).toBeDefined();
    two.stop();
    three!.stop();
    expect(changes.size).toBe(0);
  });
});

describe('CaseChanges: the last version heard', () => {
  it('remembers the last version announced per case, for the newest cases up to its bound', () => {
    const changes = new CaseChanges(10, 2);
    changes.announce('a', '1.1');
    changes.announce('a', '1.2');
    changes.announce('b', '1.1');
    expect(changes.lastVersion('a')).toBe('1.2');
    // An announcement without a version: known to have moved on, to an unknown version.
    changes.announce('b');
    expect(changes.lastVersion('b')).toBeUndefined();
    changes.announce('c', '2.0');
    changes.announce('d', '1.5');
    // Bound 2: the case heard of longest ago is forgotten first.
    expect(changes.lastVersion('a')).toBeUndefined();
    expect([changes.lastVersion('c'), changes.lastVersion('d')]).toEqual(['2.0', '1.5']);
  });
});

describe('CaseChanges: stopping', () => {
  it('wakes every waiting read at close and lets no new one wait', async () => {
    const changes = new CaseChanges();
    const a = changes.watch('a')!;
    const b = changes.watch('b')!;
    const waiting = Promise.all([a.changed(5_000), b.changed(5_000)]);
    changes.close();
    expect(await waiting).toEqual([true, true]);
    a.stop();
    b.stop();
    expect(changes.watch('a')).toBeUndefined();
    expect(changes.size).toBe(0);
  });
});
