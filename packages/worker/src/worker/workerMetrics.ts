/**
 * The worker's counters and timings, as a snapshot for embedding code and as Prometheus text for
 * `/metrics`. Plain numbers: updating them costs nothing on the hot path.
 */

export interface WorkerMetricsSnapshot {
  /** steps claimed (enqueued → in_progress) */
  claimed: number;
  /** expired claims taken over */
  reclaimed: number;
  /** messages that ran nothing, by outcome */
  skipped: Record<'duplicate' | 'lease_held' | 'finished' | 'invalid', number>;
  completed: number;
  failed: number;
  /** submit outcomes */
  submitted: number;
  fenced: number;
  stale: number;
  /** claim / submit round trips and errors of either */
  claimCalls: number;
  /** completion round trips of the inline hand-off (one per batch of successes) */
  completionCalls: number;
  dbErrors: number;
  inFlight: number;
  /** summed durations, ms (divide by the counts for means) */
  claimMs: number;
  handlerMs: number;
  submitMs: number;
}

export function emptyMetrics(): WorkerMetricsSnapshot {
  return {
    claimed: 0,
    reclaimed: 0,
    skipped: { duplicate: 0, lease_held: 0, finished: 0, invalid: 0 },
    completed: 0,
    failed: 0,
    submitted: 0,
    fenced: 0,
    stale: 0,
    claimCalls: 0,
    completionCalls: 0,
    dbErrors: 0,
    inFlight: 0,
    claimMs: 0,
    handlerMs: 0,
    submitMs: 0,
  };
}

/** Prometheus text exposition (format 0.0.4) of a snapshot. */
export function formatPrometheus(m: WorkerMetricsSnapshot, labels: { worker_id: string }): string {
  const l = `worker_id="${labels.worker_id.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
  const lines: string[] = [];
  const counter = (name: string, help: string, value: number, extra = '') => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} counter`, `${name}{${l}${extra}} ${value}`);
  };
  counter('tasker_worker_steps_claimed_total', 'Steps claimed (enqueued to in_progress).', m.claimed);
  counter('tasker_worker_steps_reclaimed_total', 'Expired claims taken over.', m.reclaimed);
  lines.push('# HELP tasker_worker_messages_skipped_total Messages that ran nothing, by outcome.');
  lines.push('# TYPE tasker_worker_messages_skipped_total counter');
  for (const [outcome, value] of Object.entries(m.skipped))
    lines.push(`tasker_worker_messages_skipped_total{${l},outcome="${outcome}"} ${value}`);
  counter('tasker_worker_steps_completed_total', 'Handlers that returned.', m.completed);
  counter('tasker_worker_steps_failed_total', 'Handlers that threw or timed out.', m.failed);
  lines.push('# HELP tasker_worker_submits_total Result submissions, by outcome.');
  lines.push('# TYPE tasker_worker_submits_total counter');
  for (const [status, value] of [
    ['submitted', m.submitted],
    ['fenced', m.fenced],
    ['stale', m.stale],
  ] as const)
    lines.push(`tasker_worker_submits_total{${l},status="${status}"} ${value}`);
  counter('tasker_worker_claim_calls_total', 'Claim round trips.', m.claimCalls);
  counter(
    'tasker_worker_completion_calls_total',
    'Completion round trips of the inline hand-off (one per batch of successes).',
    m.completionCalls,
  );
  counter('tasker_worker_db_errors_total', 'Failed claim or submit round trips.', m.dbErrors);
  counter('tasker_worker_claim_seconds_total', 'Time in claim round trips.', m.claimMs / 1000);
  counter('tasker_worker_handler_seconds_total', 'Time in handlers.', m.handlerMs / 1000);
  counter('tasker_worker_submit_seconds_total', 'Time in submit round trips.', m.submitMs / 1000);
  lines.push(
    '# HELP tasker_worker_in_flight Steps being executed now.',
    '# TYPE tasker_worker_in_flight gauge',
  );
  lines.push(`tasker_worker_in_flight{${l}} ${m.inFlight}`);
  return `${lines.join('\n')}\n`;
}
