/** The API's request and response shapes (snake_case, as the orchestration service sends them). */

export type IdentityStrategy = 'strict' | 'caller_provided' | 'always_unique';

export type CreateTaskRequest = {
  namespace: string;
  name: string;
  version?: string;
  context?: Record<string, unknown>;
  initiator?: string;
  source_system?: string;
  reason?: string;
  tags?: string[];
  priority?: number;
  correlation_id?: string;
  identity_strategy?: IdentityStrategy;
  identity_key?: string;
};

export type Task = {
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
};

export type StepSummary = {
  step_uuid: string;
  name: string;
  handler: string;
  state: string;
  attempts: number;
  max_attempts: number;
};

export type CreatedTask = {
  task: Task;
  steps: StepSummary[];
  execution_context: {
    total_steps: number;
    enqueued_steps: number;
    pending_steps: number;
    execution_status: string;
  };
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

export type TaskDetail = Task & { context: Record<string, unknown>; execution_context: ExecutionContext };

export type TaskPage = { tasks: Task[]; pagination: { page: number; per_page: number; has_more: boolean } };

export type ListTasksOptions = { namespace?: string; state?: string; page?: number; perPage?: number };

export type WorkflowStep = StepSummary & {
  retryable: boolean;
  ready_for_execution: boolean;
  dependencies_satisfied: boolean;
  total_parents: number;
  completed_parents: number;
  next_retry_at: string | null;
  last_attempted_at: string | null;
  processed_at: string | null;
  results: unknown;
};

export type CancelledTask = { task_uuid: string; state: 'cancelled'; steps_cancelled: number };

export type WaitResult = {
  task_uuid: string;
  state: string;
  completed: boolean;
  timed_out: boolean;
  failed_step: { step_uuid: string; name: string; attempts: number } | null;
};

export type Health = { status: string };
