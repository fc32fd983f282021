/**
 * What a running tasker looks like to a bench or test, whichever way it was started:
 *   in-process  orchestration(s) and workers inside this process (lowest latency, spans visible)
 *   cluster     each orchestrator and worker its own child process (the real CLIs)
 *   remote      an already-running deployment named by TASKER_TEST_* variables
 */
import type { TaskerClient } from '@tasker/client';
import type { ProcessedResult } from '@tasker/orchestration';
import type { NotifyMode, WorkflowTemplate } from '@tasker/shared';
import type { ResultHandoff, StepHandler } from '@tasker/worker';
import type { OtlpReceiver } from '../tracing/otlpReceiver.ts';
import type { ProcessMemory } from './memoryProtocol.ts';

export type SystemMode = 'in-process' | 'cluster' | 'remote';

export type SystemOptions = {
  /** the file's database (from `db` / `useTestDatabase`); unused in remote mode */
  connectionString: string;
  /** default in-process; TASKER_TEST_ORCHESTRATION_URL(S) switch to remote whatever this says */
  mode?: 'in-process' | 'cluster';
  /** orchestration instances (default 1) */
  orchestrators?: number;
  /** workers started with the system (default 1; 0 = start them later with startWorkers) */
  workers?: number;
  /** steps in flight per worker (default 10) */
  workerConcurrency?: number;
  /** how workers hand results to orchestration (default 'inline'; see the worker's resultHandoff) */
  resultHandoff?: ResultHandoff;
  /** orchestrators' and workers' wake-ups: in the transaction (default) or after the commit */
  notify?: NotifyMode;
  /** registered besides the built-in templates; their namespaces are served too */
  templates?: readonly WorkflowTemplate[];
  /** extra handlers, e.g. @tasker/worker's TEST_HANDLERS (in-process only; cluster workers have the built-ins) */
  handlers?: Readonly<Record<string, StepHandler>>;
  /** in-process only: after each processed step result (counts, completions) */
  onResultProcessed?: (result: ProcessedResult) => void;
  /** keep-alive connections of each client (default 64: waits hold one each) */
  clientConnections?: number;
  /** background errors of in-process services (default: collected in `errors`) */
  onError?: (error: Error) => void;
  /** the environment remote mode is read from (default process.env) */
  env?: NodeJS.ProcessEnv;
  /**
   * what the services log in as: set by startSystem to users of the least-privilege roles
   * (12_access.sql: orchestration → tasker_orchestration, workers → tasker_worker); unset, both
   * use `connectionString`
   */
  services?: { orchestration: string; worker: string };
  /** the API key the orchestrators accept and the clients send: set by startSystem */
  credential?: SystemCredential;
  /**
   * receive the services' spans in this process (`system.traces`, an OTLP receiver): cluster mode
   * has every child export to it; remote mode listens where TASKER_TEST_OTLP_RECEIVER says, for a
   * deployment configured to export there; in-process ignores it (installSpanCollector sees them)
   */
  traces?: boolean;
};

/** The credential a system's clients send: an API key with every permission, made per system. */
export type SystemCredential = { token: string; keyLine: string };

/** What a group of workers differs in from the system's defaults. */
export type WorkerGroupOptions = {
  /** the namespaces the group serves (default: every namespace of the system's templates) */
  namespaces?: readonly string[];
  /** how its results reach orchestration (default: the system's resultHandoff, else 'inline') */
  resultHandoff?: ResultHandoff;
  /** when its wake-ups are sent (default: the system's notify, else 'in_transaction') */
  notify?: NotifyMode;
};

/** A worker group's settings: its own options, else the system's, else the services' defaults. */
export function workerGroupSettings(
  system: SystemOptions,
  group: WorkerGroupOptions,
  allNamespaces: readonly string[],
): { namespaces: readonly string[]; resultHandoff: ResultHandoff; notify: NotifyMode } {
  return {
    namespaces: group.namespaces ?? allNamespaces,
    resultHandoff: group.resultHandoff ?? system.resultHandoff ?? 'inline',
    notify: group.notify ?? system.notify ?? 'in_transaction',
  };
}

export type WorkerGroup = {
  readonly count: number;
  stop(): Promise<void>;
};

export interface TaskerSystem {
  readonly mode: SystemMode;
  readonly orchestrationUrls: readonly string[];
  /** a client of the first orchestrator */
  readonly client: TaskerClient;
  /** one client per orchestrator */
  readonly clients: readonly TaskerClient[];
  /** clients in turn, spreading load across the orchestrators */
  nextClient(): TaskerClient;
  /** background errors the in-process services reported */
  readonly errors: readonly Error[];
  /** starts `count` more workers (every namespace unless told); excluded from any timing by the caller */
  startWorkers(count: number, options?: WorkerGroupOptions): Promise<WorkerGroup>;
  /** memory of every process of the system (in-process: this process), after a full GC when asked */
  memory(options?: { gc?: boolean }): Promise<ProcessMemory[]>;
  /**
   * the API key the system's clients send (every permission), for a bench's or test's own
   * TaskerClient or request; remote: TASKER_TEST_API_TOKEN, if set
   */
  readonly apiToken: string | undefined;
  /** the database roles the services log in through ('owner': the file's own connection string) */
  readonly databaseRoles: 'least-privilege' | 'owner' | 'remote';
  /**
   * the services' spans, when asked for with `traces` and receivable: cluster, complete once stop()
   * has returned (the children flush theirs at SIGTERM); remote, as the deployment exports them.
   * Undefined in-process, when not asked for, or remote without TASKER_TEST_OTLP_RECEIVER
   */
  readonly traces?: OtlpReceiver | undefined;
  /** stops everything this system started (idempotent); a remote deployment is left running */
  stop(): Promise<void>;
}

export function namespacesOf(templates: readonly WorkflowTemplate[]): string[] {
  return [...new Set(templates.map((template) => template.namespace))].sort();
}
