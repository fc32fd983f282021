/** The shapes the API returns (snake_case, as stored); the client package declares the same. */

export type TaskView = {
  task_uuid: string;
  namespace: string;
  name: string;
  version: string;
  state: string;
  priority: number;
  tags: string[];
  correlation_id: string;
  initiator: string | null;
  source_system: string | null;
  reason: string | null;
  requested_at: string;
  completed_at: string | null;
  created_at: string;
  context?: unknown;
};

export type StepSummary = {
  step_uuid: string;
  name: string;
  handler: string;
  state: string;
  attempts: number;
  max_attempts: number;
};

export type ExecutionContext = {
  total_steps: number;
  pending_steps: number;
  in_progress_steps: number;
  completed_steps: number;
  failed_steps: number;
  waiting_for_retry_steps: number;
  cancelled_steps: number;
  ready_steps: number;
  execution_status: string;
  recommended_action: string;
  completion_percentage: number;
  next_retry_at: string | null;
};

export const TERMINAL_TASK_STATES: ReadonlySet<string> = new Set([
  'complete',
  'error',
  'cancelled',
  'resolved_manually',
]);
