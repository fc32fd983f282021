/**
 * What the global setup hands to every test and bench file through Vitest's provide/inject.
 */
import type { PgmqFlavor } from '@tasker/shared';
import type { ProviderKind } from './databaseServer.ts';

export interface ProvisionedDatabase {
  provider: ProviderKind;
  description: string;
  /** Admin connection string (contains the password: never print it; use redactConnectionString). */
  adminUrl: string;
  runId: string;
  templateDatabase: string;
  serverVersion: string;
  pgmq: PgmqFlavor;
  settings: Record<string, string>;
}

declare module 'vitest' {
  export interface ProvidedContext {
    tasker: ProvisionedDatabase;
  }
}
