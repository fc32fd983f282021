/** The API's authentication and configuration errors (codes stable, as every OrchestrationError's). */
import { OrchestrationError } from '../../errors.ts';

/** No credential, or one that does not verify: 401, with `WWW-Authenticate: Bearer`. */
export class UnauthorizedError extends OrchestrationError {
  constructor(reason: string) {
    super('unauthorized', 401, `authentication required: ${reason}`);
  }
}

/** A valid credential without the route's permission: 403. */
export class ForbiddenError extends OrchestrationError {
  readonly permission: string;
  constructor(permission: string) {
    super('forbidden', 403, `this credential lacks the "${permission}" permission this route needs`);
    this.permission = permission;
  }
  override details(): Record<string, unknown> {
    return { permission: this.permission };
  }
}

/** The service cannot start as configured (a bad key line, an unreadable key file, auth off on a public address). */
export class OrchestrationConfigError extends OrchestrationError {
  constructor(message: string) {
    super('orchestration_config', 500, message);
  }
}
