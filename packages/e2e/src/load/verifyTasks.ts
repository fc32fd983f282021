/**
 * What a bench checks after it timed workflows: that the work it timed was done right. Reads, in one
 * query, every task of a template (or of the given tasks) with its steps, and compares them with
 * what the template's arithmetic predicts from each task's own context (`expectedResults`): every
 * task complete, every step complete with the predicted result, and the template's worker queue
 * and the results queue empty. Returns what it found, problems named task by task.
 */
import { queueLength } from '@tasker/bench-kit';
import {
  type ArithmeticContext,
  expectedResults,
  ORCHESTRATION_STEP_RESULTS_QUEUE,
  type WorkflowTemplate,
  workerQueueName,
} from '@tasker/shared';
import type pg from 'pg';

export interface TaskVerification {
  /** tasks of the template found (of the given uuids, when there are any) */
  tasks: number;
  /** tasks complete with every step complete and its result as predicted */
  correct: number;
  /** messages left in the template's worker queue and in orchestration_step_results */
  queued: number;
  /** the first problems found, one line each (at most MAX_PROBLEMS) */
  problems: string[];
}

const MAX_PROBLEMS = 10;
/** how long queues may take to drain after the last completion event */
const QUEUE_SETTLE_MS = 5_000;

type Row = {
  task_uuid: string;
  task_state: string;
  context: ArithmeticContext;
  step: string;
  step_state: string;
  result: string | null;
};

export async function verifyTasks(
  pool: pg.Pool,
  template: WorkflowTemplate,
  taskUuids?: readonly string[],
): Promise<TaskVerification> {
  const { rows } = await pool.query<Row>(
    `select t.task_uuid, t.current_state as task_state, t.context, ns.name as step,
            s.current_state as step_state, s.results ->> 'result' as result
     from tasker.tasks t
     join tasker.named_tasks nt using (named_task_uuid)
     join tasker.task_namespaces n using (task_namespace_uuid)
     left join tasker.workflow_steps s on s.task_uuid = t.task_uuid
     left join tasker.named_steps ns on ns.named_step_uuid = s.named_step_uuid
     where n.name = $1 and nt.name = $2 and ($3::uuid[] is null or t.task_uuid = any($3::uuid[]))
     order by t.task_uuid`,
    [template.namespace, template.name, taskUuids ?? null],
  );
  const byTask = new Map<string, Row[]>();
  for (const row of rows) byTask.set(row.task_uuid, [...(byTask.get(row.task_uuid) ?? []), row]);
  const problems: string[] = [];
  const problem = (line: string) => {
    if (problems.length < MAX_PROBLEMS) problems.push(line);
  };
  let correct = 0;
  for (const [task, steps] of byTask) {
    const first = steps[0] as Row;
    if (first.task_state !== 'complete') {
      problem(`task ${task}: ${first.task_state}, not complete`);
      continue;
    }
    const expected = expectedResults(template, first.context);
    const wrong = steps.filter(
      (step) =>
        step.step_state !== 'complete' ||
        step.result === null ||
        BigInt(step.result) !== expected.get(step.step),
    );
    if (steps.length !== expected.size)
      problem(`task ${task}: ${steps.length} steps, expected ${expected.size}`);
    else if (wrong.length > 0)
      problem(
        `task ${task}: ${wrong.map((s) => `${s.step} ${s.step_state} result ${s.result} (expected ${expected.get(s.step)})`).join('; ')}`,
      );
    else correct++;
  }
  for (const uuid of taskUuids ?? []) if (!byTask.has(uuid)) problem(`task ${uuid}: not found`);
  // a task's completion event can reach the bench a moment before the commit that archives the
  // last result message is visible to this connection: wait a little for the queues to drain
  const queues = [workerQueueName(template.namespace), ORCHESTRATION_STEP_RESULTS_QUEUE];
  const deadline = performance.now() + QUEUE_SETTLE_MS;
  let queued = 0;
  for (;;) {
    queued = 0;
    for (const queue of queues) queued += await queueLength(pool, queue);
    if (queued === 0 || performance.now() > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  if (queued > 0) problem(`${queued} messages left in ${queues.join(' and ')} after ${QUEUE_SETTLE_MS} ms`);
  return { tasks: byTask.size, correct, queued, problems };
}
