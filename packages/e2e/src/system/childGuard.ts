/**
 * Preloaded into every cluster-mode child (`node --import childGuard.ts …/cli.ts`), beside the real
 * CLI, over the IPC channel the runner opens:
 * - the runner gone (IPC disconnect, also after SIGKILL of the runner) → SIGTERM to itself, so the
 *   CLI shuts down gracefully; still alive 10 s later → exit(1). No orphan outlives its runner.
 * - `{ type: 'tasker:memory', gc }` → `{ type: 'tasker:memory', id, rss, heapUsed, heapTotal, external }`,
 *   after a full GC when asked (the child runs with --expose-gc).
 */
import type { MemoryReply, MemoryRequest } from './memoryProtocol.ts';

if (process.send) {
  process.on('disconnect', () => {
    process.kill(process.pid, 'SIGTERM');
    setTimeout(() => process.exit(1), 10_000).unref();
  });
  process.on('message', (message: MemoryRequest) => {
    if (message?.type !== 'tasker:memory') return;
    const gc = (globalThis as { gc?: () => void }).gc;
    if (message.gc && gc) {
      gc();
      gc();
    }
    const usage = process.memoryUsage();
    const reply: MemoryReply = {
      type: 'tasker:memory',
      id: message.id,
      gcForced: Boolean(message.gc && gc),
      rss: usage.rss,
      heapUsed: usage.heapUsed,
      heapTotal: usage.heapTotal,
      external: usage.external,
    };
    process.send?.(reply);
  });
  // the IPC channel must not keep the CLI alive once it has shut down
  process.channel?.unref();
}
