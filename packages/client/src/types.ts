/**
 * The client's own options; the API's request and response shapes are those of @tasker/shared/api,
 * the definitions the server validates and serializes with.
 */
import type { ListTasksQuery } from '@tasker/shared/api';

/** GET /v1/tasks filters and paging, in the client's camelCase (the server's defaults when absent). */
export type ListTasksOptions = {
  namespace?: ListTasksQuery['namespace'];
  state?: ListTasksQuery['state'];
  page?: number;
  perPage?: number;
};
