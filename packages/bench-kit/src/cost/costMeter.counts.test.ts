import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { availableParallelism } from 'node:os';
import { expect, test } from 'vitest';
import { useTestDatabase } from '../provision/testDatabase.ts';
import { type CostCount, startCostMeter } from './costMeter.ts';
import { processCpuMs } from './procStat.ts';

const db = useTestDatabase('cost_meter');

const measured = (count: CostCount): number => {
  if (count.state !== 'measured') throw new Error(`not measured: ${count.reason}`);
  return count.value;
};

/** Source that spins until the process has used `ms` more CPU (not wall time: a loaded machine
 *  gives a wall-clock spin less CPU than its length). */
const spinSource = (ms: number) =>
  `{ const from = process.cpuUsage(); const used = () => { const u = process.cpuUsage(from); return (u.user + u.system) / 1000; }; while (used() < ${ms}); }`;
/** The same spin in this process. */
function spin(ms: number): void {
  const from = process.cpuUsage();
  const used = () => {
    const u = process.cpuUsage(from);
    return (u.user + u.system) / 1000;
  };
  while (used() < ms);
}

/** A child node process that spins for `ms` of CPU, then (when told) stays alive, idle. */
function spinningChild(ms: number, { stayAlive }: { stayAlive: boolean }) {
  const script = `${spinSource(ms)}; process.stdout.write('spun\\n');${
    stayAlive ? ' setInterval(() => {}, 1000);' : ''
  }`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const spun = once(child.stdout, 'data');
  return { child, spun, exited: once(child, 'exit') };
}

test('100 committed inserts: 100 statements, ≥ 100 commits, WAL written, PostgreSQL CPU > 0', async () => {
  await db.pool.query('create table cost_meter_rows (id int primary key, payload text)');
  const meter = await startCostMeter({ connectionString: db.connectionString });
  for (let i = 0; i < 100; i++)
    await db.pool.query('insert into cost_meter_rows values ($1, $2)', [i, 'x'.repeat(100)]);
  // a query that keeps a backend busy for a few hundred ms of CPU, so the server's CPU cannot
  // round to nothing at 10 ms a tick
  await db.pool.query('select count(*) from generate_series(1, 3000000)');
  const cost = await meter.stop();

  // statements are this database's alone: exactly the 101 the test ran (the meter's own is left out)
  expect(measured(cost.statements)).toBe(101);
  // ids are server-wide: other test files may add theirs, never fewer
  expect(measured(cost.commits)).toBeGreaterThanOrEqual(100);
  // 100 rows of ~130 bytes and their index entries, each insert with its commit record
  expect(cost.walBytes).toBeGreaterThan(100 * 130);
  expect(measured(cost.cpuMs.postgres)).toBeGreaterThan(50);
  // and no more than every core busy for the whole window: a reading of the wrong processes, or a
  // child counted twice, would break one bound or the other
  expect(measured(cost.cpuMs.postgres)).toBeLessThan(cost.durationMs * availableParallelism() + 20);
  expect(cost.durationMs).toBeGreaterThan(0);
});

test('read-only statements take no transaction id: a hundred selects add no commit of their own', async () => {
  const meter = await startCostMeter({ connectionString: db.connectionString });
  for (let i = 0; i < 100; i++) await db.pool.query('select $1::int', [i]);
  const cost = await meter.stop();
  expect(measured(cost.statements)).toBe(100);
  // other files on the server may commit meanwhile; these 100 selects alone would add nothing
  expect(measured(cost.commits)).toBeLessThan(100);
});

test("system CPU: this process's own, a child that exits in between, and a live child it is told of", async () => {
  const live = spinningChild(300, { stayAlive: true });
  try {
    const meter = await startCostMeter({
      connectionString: db.connectionString,
      pids: () => (live.child.pid === undefined ? [] : [live.child.pid]),
    });
    spin(150); // this process: 150 ms
    const exiting = spinningChild(300, { stayAlive: false });
    await exiting.exited; // its ~300 ms move into this process's cutime
    await live.spun; // the live child's ~300 ms, most of them after the first reading
    const cost = await meter.stop();
    // 150 (own) + 300 (exited child) at least; the live child's adds more
    expect(measured(cost.cpuMs.system)).toBeGreaterThan(420);
  } finally {
    live.child.kill();
    await live.exited;
  }
});

test('a live child the meter is not told of is not counted', async () => {
  const live = spinningChild(300, { stayAlive: true });
  try {
    await live.spun;
    const meter = await startCostMeter({ connectionString: db.connectionString });
    const cost = await meter.stop();
    // the spin came before the window, and the child is not named: none of it counts
    expect(measured(cost.cpuMs.system)).toBeLessThan(200);
  } finally {
    live.child.kill();
    await live.exited;
  }
});

test('a process started inside the window counts without its start-up, when the meter is told it', async () => {
  const startUps = new Map<number, number>();
  let booting: ReturnType<typeof spinningChild> | undefined;
  const meter = await startCostMeter({
    connectionString: db.connectionString,
    pids: () => (booting?.child.pid === undefined ? [] : [booting.child.pid]),
    startUpCpuMs: (pid) => startUps.get(pid),
  });
  booting = spinningChild(300, { stayAlive: true });
  try {
    await booting.spun; // its "start-up": ~300 ms of CPU until it says it is ready
    const pid = booting.child.pid ?? -1;
    startUps.set(pid, processCpuMs(pid) ?? Number.NaN);
    spin(100); // this process: 100 ms of work in the window
    const cost = await meter.stop();
    // 100 ms of this process's own; with the child's start-up counted it would be ≥ 400
    expect(measured(cost.cpuMs.system)).toBeGreaterThan(95);
    expect(measured(cost.cpuMs.system)).toBeLessThan(250);
  } finally {
    booting.child.kill();
    await booting.exited;
  }
});
