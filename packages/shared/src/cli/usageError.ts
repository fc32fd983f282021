/** The typed error of the service command lines. */
import { TaskerError } from '../errors.ts';

/** The exit code of a command-line usage error, for every tasker service (the sysexits/getopt convention). */
export const USAGE_EXIT_CODE = 2;

/**
 * A command line or environment the service cannot run with. `source` names where the bad value came
 * from, as a user would write it: a flag (`--pool-size`) or an environment variable (`PORT`).
 */
export class UsageError extends TaskerError {
  readonly source: string;
  constructor(source: string, message: string, options?: ErrorOptions) {
    super('TASKER_USAGE', message, options);
    this.source = source;
  }
}
