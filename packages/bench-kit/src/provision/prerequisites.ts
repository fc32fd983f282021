/**
 * The prerequisites banner: ✅/❌ per prerequisite before any number is trusted, with what to do on ❌.
 */

export interface PrerequisiteLine {
  ok: boolean;
  name: string;
  detail: string;
}

export function formatPrerequisites(lines: PrerequisiteLine[]): string {
  const width = Math.max(...lines.map((line) => line.name.length));
  const body = lines.map((line) => `  ${line.ok ? '✅' : '❌'} ${line.name.padEnd(width)}  ${line.detail}`);
  return ['', '═══ tasker prerequisites ═══', ...body, ''].join('\n');
}
