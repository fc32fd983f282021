/** The memory query between the runner and a cluster child (see childGuard.ts). */

export type MemoryRequest = { type: 'tasker:memory'; id: number; gc: boolean };

export type MemoryReply = {
  type: 'tasker:memory';
  id: number;
  gcForced: boolean;
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
};

/** One process's memory: a child of cluster mode, or the runner's own process in-process. */
export type ProcessMemory = {
  role: string;
  pid: number;
  gcForced: boolean;
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
};
