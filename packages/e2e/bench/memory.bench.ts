/**
 * A sustained run in cluster mode (1 orchestrator, 2 workers; every child runs with --expose-gc and
 * answers memory queries over IPC): TASKS linear tasks in waves of WAVE. Memory of each process at
 * the start (after a warm-up wave and a forced GC), after every wave (no GC), and at the end (forced
 * GC). Growth of heapUsed after GC, end / start, of the process that grew most is the figure the
 * target checks (> 1.1 = a probable leak).
 */
import { activeProfile, record, benchTest as test } from '@tasker/bench-kit';
import { mathematicalSequence } from '@tasker/shared';
import { expect } from 'vitest';
import { createTasks, type ProcessMemory, startSystem, verifyTasks } from '../src/index.ts';

const TASKS = activeProfile() === 'full' ? 5_000 : 750;
const WAVE = 250;
const TIMEOUT_MS = 600_000;
const MB = 1024 * 1024;
/** 1 orchestrator and the workers: every snapshot must cover them all */
const WORKERS = 2;
const PROCESSES = 1 + WORKERS;

/** A snapshot's figures are byte counts of every process, each finite and above zero. */
function expectPlausible(snapshot: ProcessMemory[], when: string, gc: boolean) {
  expect(snapshot, when).toHaveLength(PROCESSES);
  for (const m of snapshot) {
    for (const [field, bytes] of Object.entries({ rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal }))
      expect(Number.isFinite(bytes) && bytes > 0, `${when}: ${m.role} ${field} = ${bytes}`).toBe(true);
    expect(m.heapUsed, `${when}: ${m.role} heapUsed within heapTotal`).toBeLessThanOrEqual(m.heapTotal);
    // every child runs with --expose-gc: a GC asked for was a GC done
    if (gc) expect(m.gcForced, `${when}: ${m.role} forced a GC`).toBe(true);
  }
}

test(`sustained run: ${TASKS} tasks`, { timeout: TIMEOUT_MS }, async ({ db, task }) => {
  const system = await startSystem({
    connectionString: db.connectionString,
    mode: 'cluster',
    workers: WORKERS,
  });
  let created = 0;
  const wave = async (n: number) => {
    const uuids = await createTasks(system, mathematicalSequence, n);
    created += uuids.length;
    await Promise.all(
      uuids.map((uuid) => system.nextClient().waitForCompletion(uuid, { timeoutMs: 120_000 })),
    );
  };
  try {
    await wave(WAVE);
    const start = await system.memory({ gc: true });
    expectPlausible(start, 'start', true);
    const during: ProcessMemory[][] = [];
    for (let done = 0; done < TASKS; done += WAVE) {
      await wave(Math.min(WAVE, TASKS - done));
      const snapshot = await system.memory();
      expectPlausible(snapshot, `after ${done + WAVE} tasks`, false);
      during.push(snapshot);
    }
    const end = await system.memory({ gc: true });
    expectPlausible(end, 'end', true);
    // the work the memory was measured over was done right: every task (warm-up wave included)
    const verified = await verifyTasks(db.pool, mathematicalSequence);
    expect(verified.problems).toEqual([]);
    expect(verified.correct).toBe(created);
    expect(created).toBe(WAVE + TASKS);
    let worst = { role: '', ratio: 0 };
    for (const after of end) {
      const before = start.find((m) => m.role === after.role);
      if (!before) throw new Error(`no start snapshot of ${after.role}`);
      const peakRss = Math.max(
        ...during.map((snapshot) => snapshot.find((m) => m.role === after.role)?.rss ?? 0),
      );
      const ratio = after.heapUsed / before.heapUsed;
      if (ratio > worst.ratio) worst = { role: after.role, ratio };
      await record(task, `${after.role}: heap after GC`, {
        kind: 'growth',
        ratio,
        from: `start ${(before.heapUsed / MB).toFixed(1)} MB heap, ${(before.rss / MB).toFixed(1)} MB RSS`,
        to: `end ${(after.heapUsed / MB).toFixed(1)} MB heap, ${(after.rss / MB).toFixed(1)} MB RSS (peak RSS during ${(peakRss / MB).toFixed(1)} MB)`,
        note: `pid ${after.pid}; GC forced: ${after.gcForced}`,
      });
    }
    expect(worst.ratio, 'largest heap growth').toBeGreaterThan(0);
    await record(task, 'heap growth after GC', {
      kind: 'growth',
      ratio: worst.ratio,
      from: `start of a ${TASKS}-task run (after a ${WAVE}-task warm-up)`,
      to: `end (largest growth: ${worst.role})`,
      note:
        worst.ratio > 1.1
          ? `probable leak in ${worst.role}: heap after GC grew ${((worst.ratio - 1) * 100).toFixed(1)}%`
          : 'within 10%',
    });
  } finally {
    await system.stop();
  }
});
