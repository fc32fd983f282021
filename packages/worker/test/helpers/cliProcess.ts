/**
 * `tasker-worker` as a child process for tests: started with `node src/cli.ts` on the Node running
 * the tests (22+, which runs .ts natively), its first JSON line awaited, and always killed afterwards.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../../src/cli.ts', import.meta.url));

export interface CliWorker {
  child: ChildProcess;
  port: number;
  /** every stdout line so far */
  lines: string[];
  exited: Promise<number | null>;
}

export async function startCliWorker(args: string[]): Promise<CliWorker> {
  // the queue hand-off unless a test asks otherwise: these tests check the hand-back to orchestration
  const handoff = args.includes('--result-handoff') ? [] : ['--result-handoff', 'queue'];
  const child = spawn(process.execPath, [CLI, ...args, ...handoff, '--port', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  const started = new Promise<number>((resolve, reject) => {
    let buffer = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      for (let i = buffer.indexOf('\n'); i >= 0; i = buffer.indexOf('\n')) {
        const line = buffer.slice(0, i);
        buffer = buffer.slice(i + 1);
        lines.push(line);
        const event = JSON.parse(line) as { event: string; port?: number };
        if (event.event === 'started' && event.port !== undefined) resolve(event.port);
      }
    });
    void exited.then((code) =>
      reject(new Error(`tasker-worker exited with ${code} before starting: ${stderr}`)),
    );
    setTimeout(() => reject(new Error(`tasker-worker did not start within 15 s: ${stderr}`)), 15_000).unref();
  });
  try {
    return { child, port: await started, lines, exited };
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
}

/** Kills the process if it still runs and waits for it. */
export async function stopCliWorker(worker: CliWorker | undefined): Promise<void> {
  if (!worker || worker.child.exitCode !== null || worker.child.signalCode !== null) return;
  worker.child.kill('SIGKILL');
  await worker.exited;
}
