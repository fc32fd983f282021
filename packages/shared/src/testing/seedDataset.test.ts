/**
 * Seeding and stratified sampling on a real database: every state is present, the states are ones
 * the engine could reach (no step ahead of an unfinished parent), the same seed picks the same
 * sample, and strata without members are reported rather than dropped.
 */
import { useTestDatabase } from '@tasker/bench-kit';
import { describe, expect, test } from 'vitest';
import { type SeededDataset, seedDataset } from './seedDataset.ts';
import { describeSample, stratifiedSample } from './stratifiedSample.ts';

const db = useTestDatabase();
const TASKS = 2_000;

describe('seedDataset + stratifiedSample', () => {
  let dataset: SeededDataset;

  test('seeds N tasks over every template, with steps in every state and a share finished', async () => {
    dataset = await seedDataset(db.pool, { tasks: TASKS, seed: 11 });
    expect(dataset.tasks).toBe(TASKS);
    expect(dataset.templates.map((template) => template.name).sort()).toEqual([
      'complex_dag',
      'diamond_pattern',
      'hierarchical_tree',
      'mathematical_sequence',
    ]);
    for (const state of ['pending', 'enqueued', 'in_progress', 'complete', 'error', 'waiting_for_retry']) {
      expect(dataset.stepStates[state], `steps in ${state}`).toBeGreaterThan(0);
    }
    expect(dataset.taskStates.complete ?? 0).toBeGreaterThan(TASKS * 0.2);
    expect(dataset.taskStates.complete ?? 0).toBeLessThan(TASKS * 0.4);
    // one edge per dependency of every step of every task
    const { rows } = await db.pool.query<{ n: number }>(
      'select count(*)::int as n from tasker.workflow_step_edges',
    );
    expect(rows[0]?.n).toBe(dataset.edges);
    expect(dataset.edges).toBeGreaterThan(dataset.tasks);
  });

  test('no step has started while one of its parents is unfinished', async () => {
    const { rows } = await db.pool.query<{ n: number }>(
      `select count(*)::int as n
       from tasker.workflow_step_edges e
       join tasker.workflow_steps parent on parent.workflow_step_uuid = e.from_step_uuid
       join tasker.workflow_steps child on child.workflow_step_uuid = e.to_step_uuid
       where parent.current_state <> 'complete' and child.current_state not in ('pending', 'cancelled')`,
    );
    expect(rows[0]?.n).toBe(0);
  });

  test('ready_at is what the engine would maintain: tasker._task_ready_at agrees for every task', async () => {
    const { rows } = await db.pool.query<{ differ: number; with_work: number }>(
      `select count(*) filter (where ready_at is distinct from
                 tasker._task_ready_at(task_uuid, current_state, requested_at))::int as differ,
              count(ready_at)::int as with_work
       from tasker.tasks`,
    );
    expect(rows[0]?.differ).toBe(0);
    expect(rows[0]?.with_work).toBeGreaterThan(0);
  });

  test('the same seed picks the same sample; another seed picks another', async () => {
    const first = await stratifiedSample(db.pool, dataset, { perStratum: 3, seed: 5 });
    const again = await stratifiedSample(db.pool, dataset, { perStratum: 3, seed: 5 });
    const other = await stratifiedSample(db.pool, dataset, { perStratum: 3, seed: 6 });
    expect(again.tasks).toEqual(first.tasks);
    expect(again.steps).toEqual(first.steps);
    expect(other.tasks).not.toEqual(first.tasks);
  });

  test('every stratum gives at most K members, all templates and depths are represented', async () => {
    const sample = await stratifiedSample(db.pool, dataset, { perStratum: 2, seed: 5 });
    for (const stratum of [...sample.taskStrata, ...sample.stepStrata]) {
      expect(stratum.picked).toBeLessThanOrEqual(2);
      expect(stratum.picked).toBeLessThanOrEqual(stratum.available);
    }
    expect(new Set(sample.tasks.map((task) => task.template)).size).toBe(4);
    expect(new Set(sample.steps.map((step) => step.depth))).toEqual(new Set([0, 1, 2, 3]));
    expect(sample.tasks.length).toBeGreaterThanOrEqual(5);
    expect(sample.steps.length).toBeGreaterThanOrEqual(10);
  });

  test('strata with no members are listed as empty, not dropped', async () => {
    const sample = await stratifiedSample(db.pool, dataset, { perStratum: 2, seed: 5 });
    // the grid names every template × task state, whether or not the dataset has members there
    const empty = sample.taskStrata.filter((stratum) => stratum.picked === 0);
    expect(sample.taskStrata.length).toBe(4 * Object.keys(dataset.taskStates).length);
    expect(describeSample(sample)).toMatch(new RegExp(`\\(${empty.length} empty\\)`));
  });
});
