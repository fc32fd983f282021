/**
 * What follows the commit of new tasks (POST /v1/tasks, POST /v1/tasks/batch): the workers of each
 * namespace a task enqueued steps in are woken, when the notifier does that after the commit, and
 * the creation is counted.
 */
import { messageReadyChannel } from '@tasker/shared';
import type { TaskRoutesOptions } from './taskRoutes.ts';

/** `started`: performance.now() before the creation; `created`: each task's namespace and steps enqueued. */
export function recordCreations(
  { notifier, metrics }: TaskRoutesOptions,
  started: number,
  created: ReadonlyArray<{ namespace: string; enqueued: number }>,
): void {
  const enqueuedIn = new Set<string>();
  let enqueued = 0;
  for (const task of created) {
    enqueued += task.enqueued;
    if (task.enqueued > 0) enqueuedIn.add(task.namespace);
    metrics.tasksCreated.inc({ namespace: task.namespace });
  }
  for (const namespace of enqueuedIn) notifier?.notify(messageReadyChannel(namespace));
  metrics.taskCreateSeconds.observe((performance.now() - started) / 1000);
  metrics.stepsEnqueued.inc({}, enqueued);
}
