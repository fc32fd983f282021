/**
 * Clients creating tasks over HTTP until stopped (POST /v1/tasks, every `batchEvery`-th request of
 * a client POST /v1/tasks/batch), each with a request of its own in flight at a time, and every answer
 * kept: the tasks answered 201 (what the API promised), and the requests that were not (the status,
 * 0 when no answer came). Plain fetch, no retries, so a test sees exactly what the server answered.
 */
import { sleep } from './audit.ts';

export interface TaskLoadOptions {
  baseUrl: string;
  namespace: string;
  name: string;
  clients: number;
  /** pause of each client between two answers */
  pauseMs: number;
  /** every n-th request of a client is a batch (0: never) */
  batchEvery: number;
  batchSize: number;
}

export interface Refusal {
  status: number;
  /** the error when no answer came, or the answer's body */
  reason: string;
}

export interface TaskLoad {
  /** task uuids answered 201, in answer order (a batch's together) */
  accepted: string[];
  /** of `accepted`, those created through the batch route */
  acceptedInBatches: number;
  refused: Refusal[];
  /** stops every client after its request in flight; resolves when all have stopped */
  stop(): Promise<void>;
}

const REQUEST_TIMEOUT_MS = 10_000;

export function startTaskLoad(options: TaskLoadOptions): TaskLoad {
  let stopping = false;
  const load: Omit<TaskLoad, 'stop'> = { accepted: [], acceptedInBatches: 0, refused: [] };
  const post = async (path: string, body: unknown): Promise<unknown> => {
    let response: Response;
    try {
      response = await fetch(`${options.baseUrl}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (error) {
      load.refused.push({ status: 0, reason: String(error) });
      return undefined;
    }
    const text = await response.text().catch((error: unknown) => String(error));
    if (response.status !== 201) {
      load.refused.push({ status: response.status, reason: text });
      return undefined;
    }
    return JSON.parse(text);
  };
  const client = async (id: number) => {
    for (let n = 1; !stopping; n++) {
      const task = (i: number) => ({
        namespace: options.namespace,
        name: options.name,
        context: { client: id, n, i },
      });
      if (options.batchEvery > 0 && n % options.batchEvery === 0) {
        const tasks = Array.from({ length: options.batchSize }, (_, i) => task(i));
        const answer = (await post('/v1/tasks/batch', { tasks })) as
          | { tasks: Array<{ task: { task_uuid: string } }> }
          | undefined;
        for (const created of answer?.tasks ?? []) load.accepted.push(created.task.task_uuid);
        load.acceptedInBatches += answer?.tasks.length ?? 0;
      } else {
        const answer = (await post('/v1/tasks', task(0))) as { task: { task_uuid: string } } | undefined;
        if (answer) load.accepted.push(answer.task.task_uuid);
      }
      await sleep(options.pauseMs);
    }
  };
  const running = Array.from({ length: options.clients }, (_, id) => client(id));
  return Object.assign(load, {
    async stop() {
      stopping = true;
      await Promise.all(running);
    },
  });
}
