/**
 * What the global setup hands to every test and bench file through Vitest's provide/inject.
 */
import type { MachineFloor } from '../floor/measureFloor.ts';
import type { ProviderKind } from './databaseServer.ts';
import type { PgmqFlavor } from './runDatabases.ts';

export interface ProvisionedDatabase {
  provider: ProviderKind;
  description: string;
  /** the server's log file when it is readable from here (embedded server), else undefined */
  serverLog?: string;
  /** Admin connection string (contains the password: never print it; use redactConnectionString). */
  adminUrl: string;
  runId: string;
  templateDatabase: string;
  serverVersion: string;
  /** which PGMQ the template's preparation reported; undefined when the template has none */
  pgmq: PgmqFlavor | undefined;
  settings: Record<string, string>;
  /** the machine's floor on this server, measured once before any file runs (floor/measureFloor.ts) */
  floor: MachineFloor;
}

declare module 'vitest' {
  export interface ProvidedContext {
    tasker: ProvisionedDatabase;
  }
}
