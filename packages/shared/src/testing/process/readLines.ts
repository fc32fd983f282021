/**
 * Line reading of a child's output: a chunk may end inside a line (or inside a UTF-8 character), so
 * the unfinished tail is carried to the next chunk; what is left when the stream ends is a last line.
 */
import type { Readable } from 'node:stream';

/** Calls `onLine` with each line of `stream` (decoded as UTF-8, without its newline), in order. */
export function readLines(stream: Readable, onLine: (line: string) => void): void {
  let tail = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const lines = (tail + chunk).split('\n');
    tail = lines.pop() ?? '';
    for (const line of lines) onLine(line);
  });
  stream.on('end', () => {
    if (tail) onLine(tail);
    tail = '';
  });
}
