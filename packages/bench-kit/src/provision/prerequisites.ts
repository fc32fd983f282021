/**
 * The prerequisites banner, printed before any number is trusted: ✅/❌ per prerequisite with what to
 * do on ❌, then the verdict line the seed format ends it with ("All prerequisites met", or which
 * are not). The same lines open each suite's log (`## Prerequisites`).
 */
import { formatFloor } from '../floor/floorUnits.ts';
import type { MachineFloor } from '../floor/measureFloor.ts';
import { pgmqLabel } from '../report/environment.ts';
import { bannerHeading } from '../report/format.ts';
import type { PgmqFlavor } from './runDatabases.ts';

export interface PrerequisiteLine {
  ok: boolean;
  name: string;
  detail: string;
}

export const PREREQUISITES_TITLE = 'VERIFYING PREREQUISITES';

export function prerequisitesVerdict(lines: readonly PrerequisiteLine[]): string {
  const failed = lines.filter((line) => !line.ok).map((line) => line.name);
  return failed.length === 0 ? 'All prerequisites met' : `Prerequisites not met: ${failed.join(', ')}`;
}

export function formatPrerequisites(lines: PrerequisiteLine[]): string {
  const width = Math.max(...lines.map((line) => line.name.length));
  const body = lines.map((line) => `  ${line.ok ? '✅' : '❌'} ${line.name.padEnd(width)}  ${line.detail}`);
  return ['', bannerHeading(PREREQUISITES_TITLE), ...body, prerequisitesVerdict(lines), ''].join('\n');
}

export interface ProvisionedFacts {
  /** the Node.js line's detail, e.g. "v26.10.0 (/path/to/node)" */
  node: string;
  postgresVersion: string;
  /** the server's description, without any password */
  description: string;
  /** which PGMQ the template's preparation reported; 'none' (or undefined): the template has none,
   *  so no PGMQ line; 'unknown': no database was provided (❌) */
  pgmq: PgmqFlavor | 'none' | 'unknown' | undefined;
  floor: MachineFloor | undefined;
}

/** The lines of a run whose database came up: Node, PostgreSQL, PGMQ (when the template has one), the machine's floor. */
export function provisionedPrerequisites(facts: ProvisionedFacts): PrerequisiteLine[] {
  return [
    { ok: true, name: 'Node.js', detail: facts.node },
    {
      ok: facts.postgresVersion !== 'unknown',
      name: 'PostgreSQL',
      detail: `${facts.postgresVersion} — ${facts.description}`,
    },
    ...(facts.pgmq === undefined || facts.pgmq === 'none'
      ? []
      : [
          {
            ok: facts.pgmq !== 'unknown',
            name: 'PGMQ',
            detail:
              facts.pgmq === 'compatible'
                ? `${pgmqLabel(facts.pgmq)} (no pgmq extension on this server)`
                : pgmqLabel(facts.pgmq),
          },
        ]),
    facts.floor
      ? { ok: true, name: 'Machine floor', detail: formatFloor(facts.floor) }
      : { ok: false, name: 'Machine floor', detail: 'not measured' },
  ];
}
