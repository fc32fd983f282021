/** A page of tasks, newest first, optionally filtered by namespace and state. */

import { type Queryable, queryRows } from '@tasker/shared';
import type { ListTasksQuery, Task, TaskPage } from '@tasker/shared/api';
import { TASK_VIEW_COLUMNS, TASK_VIEW_FROM } from './getTask.ts';

const LIST_SQL = `select ${TASK_VIEW_COLUMNS}
  from ${TASK_VIEW_FROM}
  where ($1::text is null or tn.name = $1) and ($2::text is null or t.current_state = $2)
  order by t.task_uuid desc
  limit $3 offset $4`;

export async function listTasks(db: Queryable, query: ListTasksQuery): Promise<TaskPage> {
  const rows = await queryRows<Task>(db, {
    name: 'tasker_list_tasks',
    text: LIST_SQL,
    values: [
      query.namespace ?? null,
      query.state ?? null,
      query.per_page + 1,
      (query.page - 1) * query.per_page,
    ],
  });
  const hasMore = rows.length > query.per_page;
  return {
    tasks: hasMore ? rows.slice(0, query.per_page) : rows,
    pagination: { page: query.page, per_page: query.per_page, has_more: hasMore },
  };
}
