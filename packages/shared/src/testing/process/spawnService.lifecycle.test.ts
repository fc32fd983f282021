/**
 * The one spawner: lines are read whole across chunk boundaries (and UTF-8 characters split between
 * chunks); a service is ready at its ready line, with its output kept per stream; an exit before
 * ready, or no ready line in time, rejects naming the service and quoting its output — and in
 * every case nothing is left running. The services are stand-in scripts: no database needed.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ServiceUnavailableError } from '../../errors.ts';
import { liveChildPids } from './childGroups.ts';
import { readLines } from './readLines.ts';
import { spawnService } from './spawnService.ts';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tasker-spawn-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A stand-in service: `body` is its code (an .mjs file). */
function script(name: string, body: string): string {
  const path = join(dir, `${name}.mjs`);
  writeFileSync(path, body);
  return path;
}

describe('readLines', () => {
  test('a line split across chunks, and a last line without a newline, arrive whole', () => {
    const stream = new PassThrough();
    const lines: string[] = [];
    readLines(stream, (line) => lines.push(line));
    const e = Buffer.from('é');
    stream.write('a\nb');
    stream.write(Buffer.concat([Buffer.from('c'), e.subarray(0, 1)]));
    stream.write(Buffer.concat([e.subarray(1), Buffer.from('\nd')]));
    stream.end();
    return new Promise<void>((resolve) =>
      stream.on('end', () => {
        expect(lines).toEqual(['a', 'bcé', 'd']);
        resolve();
      }),
    );
  });
});

describe('spawnService', () => {
  test('ready at its ready line; stdout and stderr kept; a kill returns the exit code', async () => {
    const service = await spawnService({
      role: 'stand-in',
      script: script(
        'ready',
        [
          "process.on('SIGTERM', () => process.exit(0));",
          "console.error('warming up');",
          "setTimeout(() => console.log('listening on port 4242'), 20);",
          'setInterval(() => {}, 1000);',
        ].join('\n'),
      ),
      ready: /listening on port (\d+)/,
    });
    expect(service.readyValue).toBe('4242');
    expect(service.stdout).toEqual(['listening on port 4242']);
    expect(service.lines).toEqual(['warming up', 'listening on port 4242']);
    expect(liveChildPids()).toEqual([service.pid]);
    expect(service.hasExited).toBe(false);
    expect(await service.kill('SIGTERM')).toBe(0);
    expect(service.hasExited).toBe(true);
    expect(liveChildPids()).toEqual([]);
  });

  test('an exit before the ready line rejects with its code and last output', async () => {
    const start = spawnService({
      role: 'doomed',
      script: script('exits', "console.error('no database at that address'); process.exit(3);"),
      ready: /ready/,
    });
    await expect(start).rejects.toBeInstanceOf(ServiceUnavailableError);
    await expect(start).rejects.toThrow(
      /^doomed is unavailable: exited \(code 3, signal null\) before it was ready → its last output:\nno database at that address/,
    );
    expect(liveChildPids()).toEqual([]);
  });

  test('no ready line in time rejects, and the silent child is killed', async () => {
    const start = spawnService({
      role: 'silent',
      script: script('silent', 'setInterval(() => {}, 1000);'),
      ready: /ready/,
      readyTimeoutMs: 300,
    });
    await expect(start).rejects.toThrow(/^silent is unavailable: no ready line within 300 ms/);
    expect(liveChildPids()).toEqual([]);
  });
});
