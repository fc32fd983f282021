/**
 * A small Prometheus registry: counters and histograms with labels, rendered in the text exposition
 * format 0.0.4 (`# HELP`, `# TYPE`, one sample per line, histogram buckets cumulative with `le`).
 */

type Labels = Readonly<Record<string, string>>;

const escapeLabel = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');

function labelText(labels: Labels, extra?: [string, string]): string {
  const pairs = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`);
  if (extra) pairs.push(`${extra[0]}="${escapeLabel(extra[1])}"`);
  return pairs.length === 0 ? '' : `{${pairs.join(',')}}`;
}

/**
 * The series key of a label set: its names in order with their values, so the order a caller lists
 * them in does not matter. Runs several times per request; built by concatenation because
 * `JSON.stringify(Object.entries(labels).sort())` cost 2x as much with three labels and 5x with none
 * (the common case), measured in a loop on Node 26. Each name and value is JSON-quoted, so no two
 * label sets share a key.
 */
function keyOf(labels: Labels): string {
  const names = Object.keys(labels);
  if (names.length === 0) return '';
  if (names.length > 1) names.sort();
  let key = '';
  for (const name of names) key += `${JSON.stringify(name)}:${JSON.stringify(labels[name])},`;
  return key;
}

const formatNumber = (n: number) => (Number.isFinite(n) ? String(n) : n > 0 ? '+Inf' : '-Inf');

interface Metric {
  render(): string;
}

export class Counter implements Metric {
  readonly #name: string;
  readonly #help: string;
  readonly #values = new Map<string, { labels: Labels; value: number }>();
  constructor(name: string, help: string) {
    this.#name = name;
    this.#help = help;
  }
  inc(labels: Labels = {}, by = 1): void {
    const key = keyOf(labels);
    const entry = this.#values.get(key);
    if (entry) entry.value += by;
    else this.#values.set(key, { labels, value: by });
  }
  get(labels: Labels = {}): number {
    return this.#values.get(keyOf(labels))?.value ?? 0;
  }
  render(): string {
    const lines = [`# HELP ${this.#name} ${this.#help}`, `# TYPE ${this.#name} counter`];
    for (const { labels, value } of this.#values.values())
      lines.push(`${this.#name}${labelText(labels)} ${formatNumber(value)}`);
    return lines.join('\n');
  }
}

/** Latency buckets in seconds: 0.5 ms to 10 s. */
export const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10];

export class Histogram implements Metric {
  readonly #name: string;
  readonly #help: string;
  readonly #buckets: readonly number[];
  readonly #series = new Map<string, { labels: Labels; counts: number[]; sum: number; count: number }>();
  constructor(name: string, help: string, buckets: readonly number[] = LATENCY_BUCKETS) {
    this.#name = name;
    this.#help = help;
    this.#buckets = buckets;
  }
  observe(value: number, labels: Labels = {}): void {
    const key = keyOf(labels);
    let series = this.#series.get(key);
    if (!series) {
      series = { labels, counts: this.#buckets.map(() => 0), sum: 0, count: 0 };
      this.#series.set(key, series);
    }
    for (let i = 0; i < this.#buckets.length; i++)
      if (value <= (this.#buckets[i] ?? 0)) series.counts[i] = (series.counts[i] ?? 0) + 1;
    series.sum += value;
    series.count++;
  }
  render(): string {
    const lines = [`# HELP ${this.#name} ${this.#help}`, `# TYPE ${this.#name} histogram`];
    for (const { labels, counts, sum, count } of this.#series.values()) {
      this.#buckets.forEach((le, i) => {
        lines.push(`${this.#name}_bucket${labelText(labels, ['le', formatNumber(le)])} ${counts[i] ?? 0}`);
      });
      lines.push(`${this.#name}_bucket${labelText(labels, ['le', '+Inf'])} ${count}`);
      lines.push(`${this.#name}_sum${labelText(labels)} ${sum}`);
      lines.push(`${this.#name}_count${labelText(labels)} ${count}`);
    }
    return lines.join('\n');
  }
}

/** The orchestration service's metrics. */
export class OrchestrationMetrics {
  readonly tasksCreated = new Counter('tasker_tasks_created_total', 'Tasks created through the API.');
  readonly stepsEnqueued = new Counter('tasker_steps_enqueued_total', 'Steps enqueued to worker queues.');
  readonly resultsProcessed = new Counter(
    'tasker_step_results_processed_total',
    'Step results processed, by outcome (completed, retrying, failed, stale, unknown_step).',
  );
  readonly tasksFinished = new Counter('tasker_tasks_finished_total', 'Tasks finalized, by final state.');
  readonly taskCreateSeconds = new Histogram(
    'tasker_task_create_seconds',
    'Task creation latency (database part).',
  );
  readonly resultProcessSeconds = new Histogram(
    'tasker_result_process_seconds',
    'Latency of processing one step result, enqueueing and finalization included.',
  );
  readonly httpSeconds = new Histogram(
    'tasker_http_request_seconds',
    'HTTP request latency by route and status.',
  );

  render(): string {
    const metrics: Metric[] = [
      this.tasksCreated,
      this.stepsEnqueued,
      this.resultsProcessed,
      this.tasksFinished,
      this.taskCreateSeconds,
      this.resultProcessSeconds,
      this.httpSeconds,
    ];
    return `${metrics.map((m) => m.render()).join('\n')}\n`;
  }
}
