/**
 * The two service CLIs as child processes: the script to run and the line each prints once it
 * serves — its one home for the cluster system, the reliability tests' processes and
 * scripts/measure-cli-chain.ts. Spread one into a ChildSpec: `{ role, ...WORKER_CLI, args }`.
 */
import { fileURLToPath } from 'node:url';

/** tasker-orchestration: ready at "listening on http://host:port" (the URL is handed back). */
export const ORCHESTRATION_CLI = {
  script: fileURLToPath(new URL('../../../orchestration/src/cli.ts', import.meta.url)),
  ready: /listening on (http:\/\/\S+)/,
} as const;

/** tasker-worker: ready at its JSON "started" event (the health port is handed back). */
export const WORKER_CLI = {
  script: fileURLToPath(new URL('../../../worker/src/cli.ts', import.meta.url)),
  ready: /"event":"started".*"port":(\d+)/,
} as const;
