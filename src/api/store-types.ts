// The contract between the API door (src/api/api.ts) and the object store
// (state/). It lives here so that state/ depends only on src/api types and the
// API layer depends on no implementation.
import type { KubeObject } from './meta.js';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK';

export interface WatchEvent<T extends KubeObject = KubeObject> {
  type: WatchEventType;
  /** The object after the change (for DELETED: its last state). Frozen: never mutate. */
  object: T;
  /** For MODIFIED/DELETED: the object before the change, so handlers can diff. */
  oldObject?: T;
}

/** Filters for list and watch. Selectors are pre-parsed predicates so the store stays free of selector syntax. */
export interface ListOptions {
  namespace?: string;
  /** Return true to include the object. */
  filter?: (obj: KubeObject) => boolean;
}

export interface WatchOptions extends ListOptions {
  /**
   * Start after this resourceVersion: events newer than it are replayed from the
   * bounded log first. '' or undefined: only future events. '0': synthetic ADDED
   * for every current object first (as the Kubernetes API does for rv=0).
   * Throws StatusError 410 Expired when the version is older than the log.
   */
  resourceVersion?: string;
}

export interface ListResult<T extends KubeObject = KubeObject> {
  items: T[];
  resourceVersion: string;
}

export interface WatchHandle {
  stop(): void;
}

export interface DeleteOptions {
  preconditions?: { uid?: string; resourceVersion?: string };
  /**
   * Graceful deletion: when > 0 the object is only marked (deletionTimestamp +
   * deletionGracePeriodSeconds) and a later delete with 0 removes it (pods).
   */
  gracePeriodSeconds?: number;
}

export interface UpdateOptions {
  /** When false, skip the resourceVersion precondition even if the object carries one. */
  checkResourceVersion?: boolean;
}

/**
 * A consistent object store. Reads are synchronous (in memory); writes resolve
 * once durable (group commit). Every returned object is deeply frozen.
 *
 * The store owns: uid, resourceVersion (one global counter), generation (bumped
 * when anything but metadata/status changes), creationTimestamp,
 * deletionTimestamp, and removal once finalizers are gone.
 * It refuses: duplicates (AlreadyExists), stale resourceVersion (Conflict),
 * missing objects (NotFound).
 */
export interface ObjectStore {
  get<T extends KubeObject = KubeObject>(kind: string, namespace: string, name: string): T | undefined;
  list<T extends KubeObject = KubeObject>(kind: string, opts?: ListOptions): ListResult<T>;
  create<T extends KubeObject>(obj: T): Promise<T>;
  update<T extends KubeObject>(obj: T, opts?: UpdateOptions): Promise<T>;
  /** Marks or removes. Resolves to the marked object, or the removed object's last state. */
  delete(kind: string, namespace: string, name: string, opts?: DeleteOptions): Promise<KubeObject>;
  /** kind '*' watches every kind. The handler is called synchronously after each commit to memory. */
  watch(kind: string, opts: WatchOptions, handler: (ev: WatchEvent) => void): WatchHandle;
  resourceVersion(): string;
  /** Kinds currently holding at least one object. */
  kinds(): string[];
}
