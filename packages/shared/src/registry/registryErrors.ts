/** Typed errors of the template registry (SQLSTATEs TKR01 / TKR02 of 08_registry.sql). */
import { TaskerError } from '../errors.ts';

/** The template's namespace/name/version is registered already with different steps. */
export class TemplateConflictError extends TaskerError {
  readonly template: string;
  constructor(template: string, options?: ErrorOptions) {
    super(
      'TASKER_TEMPLATE_CONFLICT',
      `template ${template} is already registered with different steps; a registered version is immutable: bump the version`,
      options,
    );
    this.template = template;
  }
}

/** Maps the registry's SQLSTATEs to typed errors; anything else is returned unchanged. */
export function toRegistryError(error: unknown, template: string): unknown {
  if (error instanceof Error && 'code' in error && error.code === 'TKR01')
    return new TemplateConflictError(template, { cause: error });
  return error;
}
