/**
 * Seeds a benchmark database at scale with set-based SQL (`./sql/seed_dataset.sql`): N tasks over a
 * weighted mix of templates, steps spread over every state, a share finished. Deterministic: the
 * same seed gives the same logical dataset, so the stratified sample picks the same tasks.
 */
import { readFileSync } from 'node:fs';
import type pg from 'pg';
import { registerTemplate } from '../registry/registerTemplate.ts';
import {
  complexDag,
  diamondPattern,
  hierarchicalTree,
  mathematicalSequence,
} from '../templates/builtinTemplates.ts';
import { validateTemplate } from '../templates/validateTemplate.ts';
import type { WorkflowTemplate } from '../templates/workflowTemplate.ts';

const SEED_SQL = readFileSync(new URL('./sql/seed_dataset.sql', import.meta.url), 'utf8');
const SEED_TRANSITIONS_SQL = readFileSync(new URL('./sql/seed_transitions.sql', import.meta.url), 'utf8');

export interface TemplateShare {
  template: WorkflowTemplate;
  /** relative weight; weights are normalised to per mille */
  weight: number;
}

/** A realistic mix: mostly short linear and diamond workflows, fewer wide DAGs and trees. */
export const DEFAULT_TEMPLATE_MIX: readonly TemplateShare[] = [
  { template: mathematicalSequence, weight: 35 },
  { template: diamondPattern, weight: 30 },
  { template: complexDag, weight: 20 },
  { template: hierarchicalTree, weight: 15 },
];

export const DEFAULT_SEED = 20_261_123;

export interface SeedOptions {
  tasks: number;
  seed?: number;
  mix?: readonly TemplateShare[];
}

export interface SeededStep {
  name: string;
  namedStepUuid: string;
  depth: number;
}

export interface SeededTemplate {
  name: string;
  namedTaskUuid: string;
  steps: SeededStep[];
}

export interface SeededDataset {
  seed: number;
  tasks: number;
  steps: number;
  edges: number;
  /** wall-clock time of the seeding transaction, ms */
  seedMs: number;
  templates: SeededTemplate[];
  taskStates: Record<string, number>;
  stepStates: Record<string, number>;
}

export async function seedDataset(pool: pg.Pool, options: SeedOptions): Promise<SeededDataset> {
  const seed = options.seed ?? DEFAULT_SEED;
  const mix = options.mix ?? DEFAULT_TEMPLATE_MIX;
  if (!Number.isInteger(options.tasks) || options.tasks < 1)
    throw new Error(`seedDataset: tasks must be a positive integer, got ${options.tasks}`);
  const client = await pool.connect();
  try {
    const templates: SeededTemplate[] = [];
    for (const { template } of mix) {
      const graph = validateTemplate(template);
      const registered = await registerTemplate(client, template);
      const namedSteps = await client.query<{ name: string; uuid: string }>(
        'select name, named_step_uuid as uuid from tasker.named_steps where named_task_uuid = $1',
        [registered.namedTaskUuid],
      );
      const namedStepUuids = new Map(namedSteps.rows.map((row) => [row.name, row.uuid]));
      templates.push({
        name: template.name,
        namedTaskUuid: registered.namedTaskUuid,
        steps: graph.order.map((name) => ({
          name,
          namedStepUuid: stepUuid(namedStepUuids, name),
          depth: graph.depth.get(name) ?? 0,
        })),
      });
    }
    const started = performance.now();
    await client.query('begin');
    await createInputs(client, seed, options.tasks, mix, templates);
    // superusers skip per-row FK checks and triggers (see the header of sql/seed_dataset.sql)
    const fastPath =
      (await client.query<{ on: boolean }>("select current_setting('is_superuser') = 'on' as on")).rows[0]
        ?.on === true;
    if (fastPath) await client.query('set local session_replication_role = replica');
    await client.query(SEED_SQL);
    if (fastPath) await client.query(SEED_TRANSITIONS_SQL);
    await client.query('commit');
    const seedMs = performance.now() - started;
    // fresh statistics, so the measured functions are planned as in a long-running system
    await client.query(
      'analyze tasker.tasks, tasker.workflow_steps, tasker.workflow_step_edges, tasker.task_transitions, tasker.workflow_step_transitions',
    );
    return { seed, seedMs, templates, ...(await countDataset(client, templates)) };
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

function stepUuid(uuids: ReadonlyMap<string, string>, name: string): string {
  const uuid = uuids.get(name);
  if (!uuid) throw new Error(`seedDataset: the registered template has no step ${name}`);
  return uuid;
}

async function createInputs(
  client: pg.PoolClient,
  seed: number,
  tasks: number,
  mix: readonly TemplateShare[],
  templates: SeededTemplate[],
): Promise<void> {
  await client.query(`
    create temp table seed_params (n int, seed bigint) on commit drop;
    create temp table seed_mix (template_idx int, lo int, hi int, named_task_uuid uuid, step_count int) on commit drop;
    create temp table seed_shape (template_idx int, named_task_uuid uuid, step_ordinal int, named_step_uuid uuid,
                                  topo_position int, depth int, max_attempts int, retryable boolean) on commit drop;
    create temp table seed_shape_edges (template_idx int, from_ordinal int, to_ordinal int) on commit drop;`);
  await client.query('insert into seed_params values ($1, $2)', [tasks, seed]);

  const total = mix.reduce((sum, share) => sum + share.weight, 0);
  let lo = 0;
  const shape: unknown[][] = [[], [], [], [], [], [], [], []];
  const edges: number[][] = [[], [], []];
  for (const [idx, share] of mix.entries()) {
    const seeded = templates[idx] as SeededTemplate;
    const hi = idx === mix.length - 1 ? 1000 : lo + Math.round((1000 * share.weight) / total);
    await client.query('insert into seed_mix values ($1, $2, $3, $4, $5)', [
      idx,
      lo,
      hi,
      seeded.namedTaskUuid,
      seeded.steps.length,
    ]);
    lo = hi;
    // ordinal = topological position: templates are created parents-first
    const ordinal = new Map(seeded.steps.map((step, position) => [step.name, position]));
    for (const [position, step] of seeded.steps.entries()) {
      const definition = share.template.steps.find((candidate) => candidate.name === step.name);
      const row = [
        idx,
        seeded.namedTaskUuid,
        position,
        step.namedStepUuid,
        position,
        step.depth,
        definition?.retry.max_attempts ?? 3,
        definition?.retry.retryable ?? true,
      ];
      for (const [column, value] of row.entries()) shape[column]?.push(value);
      for (const parent of definition?.dependencies ?? []) {
        edges[0]?.push(idx);
        edges[1]?.push(ordinal.get(parent) ?? -1);
        edges[2]?.push(position);
      }
    }
  }
  await client.query(
    `insert into seed_shape select * from unnest($1::int[], $2::uuid[], $3::int[], $4::uuid[], $5::int[], $6::int[], $7::int[], $8::boolean[])`,
    shape,
  );
  await client.query(
    'insert into seed_shape_edges select * from unnest($1::int[], $2::int[], $3::int[])',
    edges,
  );
}

async function countDataset(
  client: pg.PoolClient,
  templates: SeededTemplate[],
): Promise<Pick<SeededDataset, 'tasks' | 'steps' | 'edges' | 'taskStates' | 'stepStates'>> {
  const namedTasks = templates.map((template) => template.namedTaskUuid);
  const taskRows = await client.query<{ state: string; n: number }>(
    'select current_state as state, count(*)::int as n from tasker.tasks where named_task_uuid = any($1) group by 1 order by 1',
    [namedTasks],
  );
  const stepRows = await client.query<{ state: string; n: number }>(
    `select s.current_state as state, count(*)::int as n
     from tasker.workflow_steps s join tasker.tasks t using (task_uuid)
     where t.named_task_uuid = any($1) group by 1 order by 1`,
    [namedTasks],
  );
  const edgeRows = await client.query<{ n: number }>(
    `select count(*)::int as n from tasker.workflow_step_edges e
     join tasker.workflow_steps s on s.workflow_step_uuid = e.to_step_uuid
     join tasker.tasks t using (task_uuid) where t.named_task_uuid = any($1)`,
    [namedTasks],
  );
  const taskStates = Object.fromEntries(taskRows.rows.map((row) => [row.state, row.n]));
  const stepStates = Object.fromEntries(stepRows.rows.map((row) => [row.state, row.n]));
  const sum = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);
  return {
    tasks: sum(taskStates),
    steps: sum(stepStates),
    edges: edgeRows.rows[0]?.n ?? 0,
    taskStates,
    stepStates,
  };
}
