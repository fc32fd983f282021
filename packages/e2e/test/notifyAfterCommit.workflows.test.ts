/**
 * Wake-ups sent after the commit (notify: 'after_commit', 03_messaging.sql) for orchestration and
 * workers, with either result hand-off: every built-in template completes with the predicted
 * results, and 40 concurrent diamonds execute each step exactly once.
 */
import { useTestDatabase } from '@tasker/bench-kit';
import { BUILTIN_TEMPLATES } from '@tasker/shared';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTasks, startSystem, type TaskerSystem } from '../src/index.ts';
import { claimsPerStep, expectPredictedResults } from './helpers.ts';

const db = useTestDatabase();

describe.each(['queue', 'inline'] as const)('%s hand-off', (resultHandoff) => {
  let system: TaskerSystem;
  beforeAll(async () => {
    system = await startSystem({
      connectionString: db.connectionString,
      workers: 2,
      resultHandoff,
      notify: 'after_commit',
    });
  });
  afterAll(async () => {
    await system?.stop();
  });

  test('every template completes with the expected results', async () => {
    for (const template of BUILTIN_TEMPLATES)
      await expectPredictedResults(system, template, { even_number: 2 });
  });

  test('40 concurrent diamonds: every step executed exactly once', async () => {
    const diamond = BUILTIN_TEMPLATES.find((template) => template.name === 'diamond_pattern');
    if (!diamond) throw new Error('no diamond_pattern template');
    const uuids = await createTasks(system, diamond, 40);
    await Promise.all(uuids.map((uuid) => system.client.waitForCompletion(uuid, { timeoutMs: 30_000 })));
    expect(await claimsPerStep(db.pool, uuids)).toEqual([
      { runs: 1, n: uuids.length * diamond.steps.length },
    ]);
    expect(system.errors).toEqual([]);
  });
});
