/** One TaskerClient per orchestrator URL, handed out in turn. */
import { TaskerClient } from '@tasker/client';

export type ClientPool = {
  clients: TaskerClient[];
  next(): TaskerClient;
  close(): Promise<void>;
};

/** `token`: the credential every client sends (the system's API key), if the API needs one. */
export function createClientPool(urls: readonly string[], connections: number, token?: string): ClientPool {
  const clients = urls.map((url) => new TaskerClient(url, { connections, ...(token ? { token } : {}) }));
  let turn = 0;
  return {
    clients,
    next() {
      const client = clients[turn % clients.length];
      turn++;
      if (!client) throw new Error('no orchestrator to send to');
      return client;
    },
    async close() {
      await Promise.all(clients.map((client) => client.close()));
    },
  };
}
