/** The typed error of template validation: every problem found, each naming its step(s). */
import { TaskerError } from '../errors.ts';

export type TemplateIssueKind =
  | 'empty'
  | 'invalid_namespace'
  | 'invalid_name'
  | 'invalid_version'
  | 'invalid_step'
  | 'duplicate_step'
  | 'unknown_dependency'
  | 'cycle';

export type TemplateIssue = {
  kind: TemplateIssueKind;
  /** the offending steps (for a cycle, in cycle order); empty for template-level issues */
  steps: string[];
  message: string;
};

/** A workflow template is not usable; `issues` lists every problem found. */
export class TemplateValidationError extends TaskerError {
  readonly template: string;
  readonly issues: readonly TemplateIssue[];
  constructor(template: string, issues: readonly TemplateIssue[]) {
    super(
      'TASKER_INVALID_TEMPLATE',
      `template ${template} is invalid: ${issues.map((issue) => issue.message).join('; ')}`,
    );
    this.template = template;
    this.issues = issues;
  }

  /** The kinds of the issues, for matching in tests and callers. */
  get kinds(): TemplateIssueKind[] {
    return this.issues.map((issue) => issue.kind);
  }
}
