/**
 * The result hand-off, queue against inline, on one in-process system and one database: a linear
 * workflow (mathematical_sequence) whose results travel through orchestration_step_results (the
 * default), beside a copy of it in a namespace of its own served by a worker with
 * resultHandoff: 'inline' (the submit applies the result; 11_worker_claim_submit.sql). The two alternate call
 * by call (sampleInterleaved: A B, B A, …), so drift hits both alike; each sample is POST →
 * completion event. Records both latency distributions and the ratio of medians (inline / queue);
 * afterwards every task of both must be complete with the predicted results.
 */
import { activeProfile, median, record, sampleInterleaved, benchTest as test } from '@tasker/bench-kit';
import { mathematicalSequence, type WorkflowTemplate } from '@tasker/shared';
import { expect } from 'vitest';
import { startSystem, verifyTasks } from '../src/index.ts';

const ROUNDS = activeProfile() === 'full' ? 300 : 60;
const WARMUP_ROUNDS = 5;
const TIMEOUT_MS = 600_000;
const inlineSequence: WorkflowTemplate = { ...mathematicalSequence, namespace: 'linear_inline_handoff' };

test('result hand-off: queue vs inline (linear, in-process)', { timeout: TIMEOUT_MS }, async ({
  db,
  task,
}) => {
  const system = await startSystem({
    connectionString: db.connectionString,
    templates: [inlineSequence],
    workers: 0,
  });
  try {
    await system.startWorkers(1, { namespaces: [mathematicalSequence.namespace], resultHandoff: 'queue' });
    await system.startWorkers(1, { namespaces: [inlineSequence.namespace], resultHandoff: 'inline' });
    const created = new Map<WorkflowTemplate, string[]>([
      [mathematicalSequence, []],
      [inlineSequence, []],
    ]);
    const runOnce = async (template: WorkflowTemplate) => {
      const { task: createdTask } = await system.client.createTask({
        namespace: template.namespace,
        name: template.name,
        context: { even_number: 6 },
        identity_strategy: 'always_unique',
      });
      created.get(template)?.push(createdTask.task_uuid);
      await system.client.waitForCompletion(createdTask.task_uuid, { timeoutMs: 30_000 });
    };
    const samples = await sampleInterleaved(
      { queue: () => runOnce(mathematicalSequence), inline: () => runOnce(inlineSequence) },
      { rounds: ROUNDS, warmupRounds: WARMUP_ROUNDS },
    );
    const queue = samples.get('queue') ?? [];
    const inline = samples.get('inline') ?? [];
    for (const [template, uuids] of created) {
      const verified = await verifyTasks(db.pool, template, uuids);
      expect(verified.problems, template.namespace).toEqual([]);
      expect(verified.correct).toBe(WARMUP_ROUNDS + ROUNDS);
    }
    const note = `${ROUNDS} rounds alternating queue/inline call by call after ${WARMUP_ROUNDS} warm-up rounds; POST → completion event; 1 worker each (concurrency 10), 1 orchestrator, in-process`;
    await record(task, 'linear: queue hand-off', { kind: 'latency', samplesMs: queue, note });
    await record(task, 'linear: inline hand-off', { kind: 'latency', samplesMs: inline, note });
    const ratio = median(inline) / median(queue);
    await record(task, 'inline / queue: linear p50', {
      kind: 'value',
      value: ratio,
      unit: 'x',
      note: `median inline ${median(inline).toFixed(2)} ms, queue ${median(queue).toFixed(2)} ms (< 1: inline is faster)`,
    });
    expect(Number.isFinite(ratio) && ratio > 0, `inline / queue = ${ratio}`).toBe(true);
    expect(system.errors).toEqual([]);
  } finally {
    await system.stop();
  }
});
