/**
 * PgEventListener when its connection goes silent, not reset: routed through a TCP proxy that stops
 * forwarding an open connection (a black hole: no FIN, no RST, as when a host or NAT drops packets),
 * the listener notices within its liveness deadline, reconnects (new connections pass) and receives
 * again; without the liveness query it would not notice. A channel added while a new connection is
 * being set up is LISTENed on that connection.
 */
import { once } from 'node:events';
import { type AddressInfo, createServer, type Server, type Socket, connect as tcpConnect } from 'node:net';
import { useTestDatabase } from '@tasker/bench-kit';
import { afterEach, expect, test } from 'vitest';
import { ListenerLivenessError } from './listenerErrors.ts';
import { type ListenerOptions, PgEventListener } from './pgEventListener.ts';

const db = useTestDatabase();
const open: Array<{ close(): Promise<void> }> = [];

afterEach(async () => {
  // listeners first, then the proxies they connect through
  for (const item of open.splice(0).reverse()) await item.close();
});

type Link = { client: Socket; server: Socket; forwarding: boolean };

/**
 * A TCP proxy to the test database. blackHole() stops forwarding on every open link, both ways,
 * while keeping the sockets open; links made afterwards forward. `onClientData` sees what clients send.
 */
class SilenceableProxy {
  readonly #links = new Set<Link>();
  readonly #server: Server;
  onClientData: ((chunk: Buffer) => void) | undefined;

  private constructor(server: Server) {
    this.#server = server;
  }

  static async start(target: { host: string; port: number }): Promise<SilenceableProxy> {
    const server = createServer();
    const proxy = new SilenceableProxy(server);
    server.on('connection', (client: Socket) => proxy.#link(client, target));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return proxy;
  }

  get port(): number {
    return (this.#server.address() as AddressInfo).port;
  }

  blackHole(): void {
    for (const link of this.#links) link.forwarding = false;
  }

  async close(): Promise<void> {
    for (const link of this.#links) {
      link.client.destroy();
      link.server.destroy();
    }
    this.#links.clear();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #link(client: Socket, target: { host: string; port: number }): void {
    const server = tcpConnect(target.port, target.host);
    const link: Link = { client, server, forwarding: true };
    this.#links.add(link);
    client.on('data', (chunk: Buffer) => {
      this.onClientData?.(chunk);
      if (link.forwarding) server.write(chunk);
    });
    server.on('data', (chunk: Buffer) => {
      if (link.forwarding) client.write(chunk);
    });
    // a black hole passes no close either; close() ends what is left
    const end = () => {
      if (!link.forwarding) return;
      client.destroy();
      server.destroy();
      this.#links.delete(link);
    };
    client.on('close', end).on('error', () => undefined);
    server.on('close', end).on('error', () => undefined);
  }
}

async function proxied(): Promise<{ proxy: SilenceableProxy; connectionString: string }> {
  const url = new URL(db.connectionString);
  const proxy = await SilenceableProxy.start({ host: url.hostname, port: Number(url.port || 5432) });
  open.push(proxy);
  url.hostname = '127.0.0.1';
  url.port = String(proxy.port);
  return { proxy, connectionString: url.toString() };
}

function track<T>(options: ListenerOptions<T>): PgEventListener<T> {
  const listener = new PgEventListener<T>(options);
  open.push(listener);
  return listener;
}

async function notify(channel: string, payload: string): Promise<void> {
  await db.pool.query('select pg_notify($1, $2)', [channel, payload]);
}

/** Whether backend `pid` still has a session (a black-holed connection keeps its backend). */
async function backendAlive(pid: number | undefined): Promise<boolean> {
  const { rows } = await db.pool.query('select 1 from pg_stat_activity where pid = $1', [pid]);
  return rows.length === 1;
}

test('a black-holed connection is noticed within the liveness deadline, replaced, and receives again', async () => {
  const { proxy, connectionString } = await proxied();
  const errors: Error[] = [];
  const listener = track({
    connection: connectionString,
    channels: ['silent_chan'],
    livenessIntervalMs: 200,
    livenessTimeoutMs: 500,
    reconnect: { initialDelayMs: 20, maxDelayMs: 100 },
    onError: (error) => errors.push(error),
  });
  await listener.start();
  const firstPid = listener.pid;
  const silenced = performance.now();
  proxy.blackHole();
  await listener.waitForState('reconnecting', { timeoutMs: 3_000 });
  // interval + timeout is 700 ms; the bound leaves room for a loaded machine
  expect(performance.now() - silenced).toBeLessThan(3_000);
  await listener.waitForState('connected', { timeoutMs: 3_000 });
  expect(listener.pid).not.toBe(firstPid);
  expect(listener.stats).toMatchObject({ disconnects: 1, reconnects: 1, livenessFailures: 1 });
  expect(errors.find((error) => error instanceof ListenerLivenessError)?.message).toMatch(
    /did not answer a liveness query within 500 ms/,
  );
  const waiting = listener.waitFor((event) => event.channel === 'silent_chan', { timeoutMs: 2_000 });
  await notify('silent_chan', '"after the silence"');
  expect((await waiting).data).toBe('after the silence');
  // the old session is still there on the server: the silence, not a reset, was noticed
  expect(await backendAlive(firstPid)).toBe(true);
});

test('without the liveness query, a black-holed connection still looks connected', async () => {
  const { proxy, connectionString } = await proxied();
  const listener = track({
    connection: connectionString,
    channels: ['unnoticed_chan'],
    livenessIntervalMs: 0,
  });
  await listener.start();
  proxy.blackHole();
  const lost = listener.waitFor(() => true, { timeoutMs: 1_000 });
  await notify('unnoticed_chan', '"never arrives"');
  await expect(lost).rejects.toThrow(/timed out/);
  expect(listener.state).toBe('connected');
  expect(listener.stats.disconnects).toBe(0);
});

test('a channel added while a new connection is being set up is LISTENed on it', async () => {
  const { proxy, connectionString } = await proxied();
  const listener = track({
    connection: connectionString,
    channels: ['setup_first'],
    livenessIntervalMs: 0,
    reconnect: { initialDelayMs: 20, maxDelayMs: 100 },
  });
  await listener.start();
  const firstPid = listener.pid;
  // the moment the new connection sends its LISTEN (its channel list already taken), add a channel
  let added: Promise<void> | undefined;
  proxy.onClientData = (chunk) => {
    if (added || listener.state !== 'reconnecting' || !chunk.includes('LISTEN')) return;
    added = listener.listen('setup_late');
  };
  await db.pool.query('select pg_terminate_backend($1)', [firstPid]);
  await listener.waitForState('reconnecting', { timeoutMs: 2_000 });
  await listener.waitForState('connected', { timeoutMs: 3_000 });
  expect(added).toBeDefined();
  await added;
  expect(listener.channels).toEqual(['setup_first', 'setup_late']);
  for (const channel of ['setup_first', 'setup_late']) {
    const waiting = listener.waitFor((event) => event.channel === channel, { timeoutMs: 2_000 });
    await notify(channel, `"on ${channel}"`);
    expect((await waiting).data).toBe(`on ${channel}`);
  }
});
