// What the in-memory store hands to persistence, and the hook persistence
// implements. Kept apart so store.ts knows nothing about files.
import type { KubeObject } from '../src/api/meta.js';

/** Everything needed to restore the store: its objects and the rv counter. */
export interface StoreSnapshot {
  resourceVersion: string;
  objects: readonly KubeObject[];
}

/**
 * Durability for MemoryStore. The store changes memory first, then calls
 * commit(); the mutation is acknowledged when the returned promise resolves,
 * i.e. when a write containing it has reached the file.
 */
export interface Persistence {
  /** `snapshot` is called when the write actually happens, so one write covers every mutation before it. */
  commit(snapshot: () => StoreSnapshot): Promise<void>;
  /** Resolves once everything committed so far is durable (used by no-op writes). */
  idle(): Promise<void>;
}
