/**
 * Stratified sampling of a seeded dataset: a deterministic pick of K tasks per stratum (template ×
 * task state) and K steps per stratum (template × task state × step depth). The order inside a
 * stratum is md5(seed, identity_hash, step name): the same seed over the same logical dataset picks
 * the same tasks and steps. A stratum with fewer than K members gives what it has; an empty one is
 * listed as empty, so a reader sees what was (and was not) measured.
 */
import type pg from 'pg';
import type { SeededDataset } from './seedDataset.ts';

export interface SampleOptions {
  /** members per stratum */
  perStratum: number;
  seed: number;
}

export interface SampledTask {
  taskUuid: string;
  template: string;
  taskState: string;
}

export interface SampledStep extends SampledTask {
  stepUuid: string;
  stepName: string;
  stepState: string;
  depth: number;
}

export interface Stratum {
  key: string;
  available: number;
  picked: number;
}

export interface StratifiedSample {
  seed: number;
  perStratum: number;
  tasks: SampledTask[];
  steps: SampledStep[];
  taskStrata: Stratum[];
  stepStrata: Stratum[];
}

export async function stratifiedSample(
  client: pg.Pool | pg.PoolClient,
  dataset: SeededDataset,
  options: SampleOptions,
): Promise<StratifiedSample> {
  const templateNames = dataset.templates.map((template) => template.name);
  const namedTasks = dataset.templates.map((template) => template.namedTaskUuid);
  const namedSteps = dataset.templates.flatMap((template) =>
    template.steps.map((step) => step.namedStepUuid),
  );
  const depths = dataset.templates.flatMap((template) => template.steps.map((step) => step.depth));
  const stepNames = dataset.templates.flatMap((template) => template.steps.map((step) => step.name));

  const tasks = await client.query<SampledTask & { rn: number; available: number }>(
    `with ranked as (
       select t.task_uuid, nt.name as template, t.current_state,
              row_number() over w as rn, count(*) over (partition by t.named_task_uuid, t.current_state) as available
       from tasker.tasks t join tasker.named_tasks nt using (named_task_uuid)
       where t.named_task_uuid = any($1::uuid[])
       window w as (partition by t.named_task_uuid, t.current_state order by md5($2 || ':' || t.identity_hash))
     )
     select task_uuid as "taskUuid", template, current_state as "taskState", rn::int, available::int
     from ranked where rn <= $3 order by template, "taskState", rn`,
    [namedTasks, String(options.seed), options.perStratum],
  );
  const steps = await client.query<SampledStep & { rn: number; available: number }>(
    `with shape as (
       select * from unnest($1::uuid[], $2::int[], $3::text[]) as s(named_step_uuid, depth, step_name)
     ), ranked as (
       select s.workflow_step_uuid, s.task_uuid, nt.name as template, t.current_state as task_state,
              s.current_state as step_state, sh.step_name, sh.depth,
              row_number() over w as rn,
              count(*) over (partition by t.named_task_uuid, t.current_state, sh.depth) as available
       from tasker.workflow_steps s
       join shape sh using (named_step_uuid)
       join tasker.tasks t using (task_uuid)
       join tasker.named_tasks nt using (named_task_uuid)
       window w as (partition by t.named_task_uuid, t.current_state, sh.depth
                    order by md5($4 || ':' || t.identity_hash || ':' || sh.step_name))
     )
     select workflow_step_uuid as "stepUuid", task_uuid as "taskUuid", template, task_state as "taskState",
            step_state as "stepState", step_name as "stepName", depth, rn::int, available::int
     from ranked where rn <= $5 order by template, "taskState", depth, rn`,
    [namedSteps, depths, stepNames, String(options.seed), options.perStratum],
  );

  const taskStrata = strata(
    templateNames.flatMap((template) =>
      Object.keys(dataset.taskStates).map((state) => `${template} × ${state}`),
    ),
    tasks.rows.map((row) => ({ key: `${row.template} × ${row.taskState}`, available: row.available })),
  );
  const stepStrata = strata(
    dataset.templates.flatMap((template) => {
      const maxDepth = Math.max(...template.steps.map((step) => step.depth));
      return Object.keys(dataset.taskStates).flatMap((state) =>
        Array.from({ length: maxDepth + 1 }, (_, depth) => `${template.name} × ${state} × depth ${depth}`),
      );
    }),
    steps.rows.map((row) => ({
      key: `${row.template} × ${row.taskState} × depth ${row.depth}`,
      available: row.available,
    })),
  );
  return {
    seed: options.seed,
    perStratum: options.perStratum,
    tasks: tasks.rows.map(({ taskUuid, template, taskState }) => ({ taskUuid, template, taskState })),
    steps: steps.rows.map(({ stepUuid, taskUuid, template, taskState, stepState, stepName, depth }) => ({
      stepUuid,
      taskUuid,
      template,
      taskState,
      stepState,
      stepName,
      depth,
    })),
    taskStrata,
    stepStrata,
  };
}

/** Every possible stratum, with how many members it had and how many were picked (0 when empty). */
function strata(allKeys: string[], picked: { key: string; available: number }[]): Stratum[] {
  const byKey = new Map<string, Stratum>(allKeys.map((key) => [key, { key, available: 0, picked: 0 }]));
  for (const row of picked) {
    const stratum = byKey.get(row.key) ?? { key: row.key, available: 0, picked: 0 };
    stratum.available = row.available;
    stratum.picked++;
    byKey.set(row.key, stratum);
  }
  return [...byKey.values()];
}

/** A short printable account of the sample: what was measured and which strata were empty. */
export function describeSample(sample: StratifiedSample): string {
  const filled = (list: Stratum[]) => list.filter((stratum) => stratum.picked > 0);
  const empty = (list: Stratum[]) => list.length - filled(list).length;
  const lines = [
    `stratified sample (seed ${sample.seed}, up to ${sample.perStratum} per stratum): ` +
      `${sample.tasks.length} tasks from ${filled(sample.taskStrata).length} strata (${empty(sample.taskStrata)} empty), ` +
      `${sample.steps.length} steps from ${filled(sample.stepStrata).length} strata (${empty(sample.stepStrata)} empty)`,
    ...filled(sample.taskStrata).map(
      (stratum) => `  tasks ${stratum.key}: ${stratum.picked} of ${stratum.available}`,
    ),
  ];
  return lines.join('\n');
}
