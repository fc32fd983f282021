/**
 * `tasker-worker` as a child process for tests: `node src/cli.ts` on the Node running the tests,
 * started through shared's spawnService (its own process group, output read line by line, ready at
 * the CLI's JSON "started" line, killed if the test process goes). The caller kills it afterwards.
 */
import { fileURLToPath } from 'node:url';
import { type ServiceProcess, spawnService } from '@tasker/shared/testing';

const CLI = fileURLToPath(new URL('../../src/cli.ts', import.meta.url));
/** the CLI's first line: `{"event":"started",…,"port":<health port>}` */
const STARTED_LINE = /"event":"started".*"port":(\d+)/;

export interface CliWorker extends ServiceProcess {
  /** its /health and /metrics port */
  port: number;
}

export async function startCliWorker(args: readonly string[]): Promise<CliWorker> {
  // the queue hand-off unless a test asks otherwise: these tests check the hand-back to orchestration
  const handoff = args.includes('--result-handoff') ? [] : ['--result-handoff', 'queue'];
  const worker = await spawnService({
    role: 'tasker-worker',
    script: CLI,
    args: [...args, ...handoff, '--port', '0'],
    ready: STARTED_LINE,
  });
  return Object.assign(worker, { port: Number(worker.readyValue) });
}
