/**
 * The workers a test file starts, each stopped after its test: in-process (start) or the CLI as a
 * process (startCli, cliProcess.ts), on the file's database. In-process workers get the queue
 * hand-off unless a test says otherwise: these tests check the hand-back to orchestration
 * (worker.inline.test.ts has the inline default).
 */
import type { TestDatabaseHandle } from '@tasker/bench-kit';
import { afterEach } from 'vitest';
import { startWorker, type Worker, type WorkerOptions } from '../../src/index.ts';
import { type CliWorker, startCliWorker } from './cliProcess.ts';

export type TestWorkerOptions = Omit<WorkerOptions, 'connectionString'>;

export function useWorkers(db: Pick<TestDatabaseHandle, 'connectionString'>) {
  const running: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((stop) => stop()));
  });
  return {
    async start(options: TestWorkerOptions): Promise<Worker> {
      const worker = await startWorker({
        connectionString: db.connectionString,
        resultHandoff: 'queue',
        ...options,
      });
      running.push(() => worker.close());
      return worker;
    },
    /** `args` besides --database-url (the file's database) */
    async startCli(args: readonly string[]): Promise<CliWorker> {
      const cli = await startCliWorker(['--database-url', db.connectionString, ...args]);
      running.push(() => cli.kill());
      return cli;
    },
  };
}
