/** Creates many unique tasks through the API with a bounded number of requests in flight. */
import type { TaskerSystem } from '../system/taskerSystem.ts';

export type TaskRef = { namespace: string; name: string };

export async function createTasks(
  system: Pick<TaskerSystem, 'nextClient'>,
  template: TaskRef,
  count: number,
  options: { inFlight?: number; context?: (i: number) => Record<string, unknown> } = {},
): Promise<string[]> {
  const uuids = new Array<string>(count);
  let next = 0;
  const lane = async () => {
    for (let i = next++; i < count; i = next++) {
      const created = await system.nextClient().createTask({
        namespace: template.namespace,
        name: template.name,
        context: options.context?.(i) ?? { even_number: 2 * ((i % 50) + 1) },
        identity_strategy: 'always_unique',
      });
      uuids[i] = created.task.task_uuid;
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.inFlight ?? 16, count) }, lane));
  return uuids;
}
