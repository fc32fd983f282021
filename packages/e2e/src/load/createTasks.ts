/**
 * Creates many unique tasks through the API: batches of BATCH tasks (POST /v1/tasks/batch, one
 * transaction each, the way a user enqueues a backlog and the way the job queues the benches compare
 * with add theirs), a bounded number of requests in flight.
 */
import type { TaskerSystem } from '../system/taskerSystem.ts';

export type TaskRef = { namespace: string; name: string };

/** tasks per request */
const BATCH = 100;

export async function createTasks(
  system: Pick<TaskerSystem, 'nextClient'>,
  template: TaskRef,
  count: number,
  options: { inFlight?: number; context?: (i: number) => Record<string, unknown> } = {},
): Promise<string[]> {
  const uuids = new Array<string>(count);
  let next = 0;
  const lane = async () => {
    for (let from = next; from < count; from = next) {
      next = Math.min(count, from + BATCH);
      const to = next;
      const created = await system.nextClient().createTasks(
        Array.from({ length: to - from }, (_, k) => ({
          namespace: template.namespace,
          name: template.name,
          context: options.context?.(from + k) ?? { even_number: 2 * (((from + k) % 50) + 1) },
          identity_strategy: 'always_unique' as const,
        })),
      );
      created.forEach((task, k) => {
        uuids[from + k] = task.task.task_uuid;
      });
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.inFlight ?? 4, Math.ceil(count / BATCH)) }, lane));
  return uuids;
}
