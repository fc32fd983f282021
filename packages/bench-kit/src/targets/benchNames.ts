/**
 * The names under which benches report the figures the target registry (registry.ts) holds, for the
 * figures whose name a bench builds from its parameters: the bench calls the builder, the registry
 * builds its keys with the same builder, so a renamed figure is one edit here and cannot leave its
 * target behind. A figure a bench names with a plain string literal needs no builder: the registry
 * spells the literal, and resolveTargets.ts checks that every registry entry is reported — by the
 * literal or by a builder call in its suite's bench file (`<SUITE>_NAMES.<builder>(`).
 *
 * Each builder keeps its template (`{hole}` for each parameter), which is how the check matches a
 * registry name to the builder that made it.
 */

/** A figure name with holes: `name({ batch: 10 })` fills `{batch}` in its template. */
export interface FigureName<Hole extends string> {
  readonly template: string;
  (values: Readonly<Record<Hole, string | number>>): string;
}

export function figureName<Hole extends string>(template: string): FigureName<Hole> {
  const fill = (values: Readonly<Record<Hole, string | number>>) =>
    template.replace(/\{(\w+)\}/g, (hole, key: string) => {
      const value = (values as Record<string, string | number | undefined>)[key];
      if (value === undefined) throw new Error(`figure name "${template}": no value for ${hole}`);
      return String(value);
    });
  return Object.assign(fill, { template });
}

/** The names of one suite's figures, by builder. */
export type SuiteNames = Readonly<Record<string, FigureName<string>>>;

export const SQL_FUNCTIONS_NAMES = {
  nextReadyTasks: figureName<'batch'>('get_next_ready_tasks (batch {batch})'),
} satisfies SuiteNames;

export const SCALING_NAMES = {
  growth: figureName<'fn' | 'from' | 'to'>('{fn} growth {from} → {to}'),
} satisfies SuiteNames;

export const EVENT_PROPAGATION_NAMES = {
  fanOut: figureName<'listeners'>('fan-out to {listeners} listeners'),
} satisfies SuiteNames;

export const PGMQ_NAMES = {
  /** `send (single)`, `read + archive (batch 100)`: msgs/s on one connection */
  throughput: figureName<'op' | 'batch'>('{op} ({batch})'),
} satisfies SuiteNames;

/** `single` for one message a call, else `batch <n>` */
export function pgmqBatchLabel(size: number): string {
  return size === 1 ? 'single' : `batch ${size}`;
}

export const TASK_INITIALIZATION_NAMES = {
  /** POST /v1/tasks of a template, named after the template */
  createTask: figureName<'template'>('{template}'),
} satisfies SuiteNames;

export const E2E_LATENCY_NAMES = {
  /** POST → complete in-process, named after the template */
  inProcess: figureName<'template'>('{template}'),
} satisfies SuiteNames;

export const THROUGHPUT_NAMES = {
  linearTasks: figureName<'setting'>('linear tasks ({setting})'),
  linearSteps: figureName<'setting'>('linear steps ({setting})'),
} satisfies SuiteNames;

export const PEERS_NAMES = {
  ratio: figureName<'over' | 'under' | 'figure'>('ratio {over}/{under}: {figure}'),
  /** a figure of one peer, e.g. `tasker: idle statements per second` */
  peerFigure: figureName<'peer' | 'figure'>('{peer}: {figure}'),
} satisfies SuiteNames;

export const STEP_COST_NAMES = {
  ratio: figureName<'over' | 'under' | 'figure'>('ratio {over}/{under}: {figure}'),
} satisfies SuiteNames;

/**
 * What recordCost (cost/recordCost.ts) names its figures, `<subject>: <what> per <unit>`: benches
 * that record a cost (peers, step_cost) report these through recordCost, which uses this builder.
 */
export const COST_NAMES = {
  perUnit: figureName<'subject' | 'what' | 'unit'>('{subject}: {what} per {unit}'),
} satisfies SuiteNames;

/** Every suite's builders by suite (the bench file's name without `.bench.ts`); costs apply to any suite. */
export const BENCH_NAMES: Readonly<Record<string, SuiteNames>> = {
  sql_functions: SQL_FUNCTIONS_NAMES,
  scaling: SCALING_NAMES,
  event_propagation: EVENT_PROPAGATION_NAMES,
  pgmq: PGMQ_NAMES,
  task_initialization: TASK_INITIALIZATION_NAMES,
  e2e_latency: E2E_LATENCY_NAMES,
  throughput: THROUGHPUT_NAMES,
  peers: PEERS_NAMES,
  step_cost: STEP_COST_NAMES,
};
