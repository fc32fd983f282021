import { expect, test } from 'vitest';
import { parseProcStat, readProcessTimes } from './procStat.ts';

// a /proc/<pid>/stat line whose command name holds a space and a parenthesis (proc(5) fields 1–22)
const LINE =
  '4242 (post (gres) x) S 17 4242 4242 0 -1 4194560 300 0 0 0 125 37 9 4 20 0 1 0 8800 1000000 500';

test('fields are counted from the last parenthesis, so any command name parses', () => {
  expect(parseProcStat(LINE)).toEqual({
    pid: 4242,
    ppid: 17,
    command: 'post (gres) x',
    utimeTicks: 125,
    stimeTicks: 37,
    cutimeTicks: 9,
    cstimeTicks: 4,
    startTicks: 8800,
  });
  expect(parseProcStat('not a stat line')).toBeUndefined();
});

test('this process reads as itself; a pid that does not exist reads as undefined', () => {
  expect(readProcessTimes('self')?.pid).toBe(process.pid);
  expect(readProcessTimes(process.pid)?.ppid).toBe(process.ppid);
  expect(readProcessTimes(2 ** 30)).toBeUndefined();
});
