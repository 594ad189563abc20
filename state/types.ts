// What the in-memory store hands to persistence, and the hook persistence
// implements. Kept apart so store.ts knows nothing about files.
import type { KubeObject } from '../src/api/meta.js';

/** Everything needed to restore the store: its objects and the rv counter. */
export interface StoreSnapshot {
  resourceVersion: string;
  objects: readonly KubeObject[];
}

/** One mutation, as the journal records it: the object's new state at `resourceVersion`, or null when it is gone. */
export interface StoreChange {
  resourceVersion: string;
  kind: string;
  /** As the store keys it: '' for cluster-scoped kinds. */
  namespace: string;
  name: string;
  object: KubeObject | null;
}

/**
 * Durability for MemoryStore. The store changes memory first, then calls
 * commit(); the mutation is acknowledged when the returned promise resolves,
 * i.e. when a write containing it has reached the disk.
 */
export interface Persistence {
  /**
   * `snapshot` is called when a whole snapshot is written, so one write covers
   * every mutation before it. `change` is what this mutation did (appended to
   * the journal); without it the next write is a whole snapshot.
   */
  commit(snapshot: () => StoreSnapshot, change?: StoreChange): Promise<void>;
  /** Resolves once everything committed so far is durable (used by no-op writes). */
  idle(): Promise<void>;
}
