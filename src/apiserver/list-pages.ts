// List pagination (`limit` and `continue`) with the Kubernetes API's
// guarantee: the pages of one list are a consistent snapshot — nothing
// created, changed or deleted after the first page shows up in later ones.
//
// The store's objects are frozen and a list is an array of references to
// them, so a snapshot costs one array: the first page keeps the whole sorted
// list (before selectors) at its resourceVersion, and each continue token
// names that version and the last key served. A snapshot lives for
// SNAPSHOT_TTL_MS after its last use (the apiserver's tokens last until etcd
// compacts their revision, every 5 minutes by default); a token whose
// snapshot is gone gets 410 Expired with an "inconsistent" token that
// continues from the current state, exactly as the apiserver answers a
// continue token older than etcd's compaction.
import type { Api } from '../api/api.js';
import { badRequest, StatusError, type Status } from '../api/errors.js';
import type { KubeObject } from '../api/meta.js';
import type { ObjectStore } from '../api/store-types.js';

export const SNAPSHOT_TTL_MS = 5 * 60_000;
/** Snapshots kept per store at most (least recently used go first): each holds only references. */
const MAX_SNAPSHOTS = 64;

const EXPIRED_CONTINUE =
  'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, ' +
  'or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an ' +
  'inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.';

interface ContinueToken {
  /** The snapshot's resourceVersion; '-1' continues from the current state (after a 410). */
  rv: string;
  /** namespace/name of the last object served. */
  after: string;
}

interface Snapshot {
  items: readonly KubeObject[];
  lastUsed: number;
}

/** Snapshots per store, so every Api wrapper over one store shares them. */
const byStore = new WeakMap<ObjectStore, Map<string, Snapshot>>();

export function encodeContinue(t: ContinueToken): string {
  return Buffer.from(JSON.stringify(t)).toString('base64url');
}

function decodeContinue(s: string): ContinueToken {
  try {
    const t = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as ContinueToken;
    if (typeof t.after !== 'string' || typeof t.rv !== 'string' || !/^(-1|\d+)$/.test(t.rv)) throw new Error('bad');
    return t;
  } catch {
    throw badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  }
}

const keyOf = (o: KubeObject) => `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`;

/** First index whose key sorts after `after` (the store lists by namespace, then name). */
function indexAfter(items: readonly KubeObject[], after: string): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (keyOf(items[mid]) <= after) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export interface ListPage {
  items: KubeObject[];
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

export interface PageRequest {
  kind: string;
  namespace?: string;
  filter?: (o: KubeObject) => boolean;
  /** 0: no limit (everything from the start or the continue point). */
  limit: number;
  continueToken?: string;
  now: number;
}

/** One page of a list, from a fresh read or from the snapshot its continue token names. Throws 400/410 StatusErrors. */
export function listPage(api: Api, p: PageRequest): ListPage {
  const snapshots = snapshotsOf(api.store, p.now);
  const scope = `${p.kind}\0${p.namespace ?? ''}\0`;
  let all: readonly KubeObject[];
  let rv: string;
  let start = 0;
  if (p.continueToken) {
    const t = decodeContinue(p.continueToken);
    if (t.rv === '-1') {
      const fresh = api.list(p.kind, { namespace: p.namespace });
      all = fresh.items;
      rv = fresh.resourceVersion;
    } else {
      const snap = snapshots.get(scope + t.rv);
      if (!snap) throw expiredContinue(t.after);
      snap.lastUsed = p.now;
      all = snap.items;
      rv = t.rv;
    }
    start = indexAfter(all, t.after);
  } else {
    const fresh = api.list(p.kind, { namespace: p.namespace });
    all = fresh.items;
    rv = fresh.resourceVersion;
  }
  const items: KubeObject[] = [];
  let i = start;
  // As etcd3's list: read on until `limit` objects match, so a page may hold fewer (even none) and still continue.
  for (; i < all.length && (p.limit <= 0 || items.length < p.limit); i++) {
    if (!p.filter || p.filter(all[i])) items.push(all[i]);
  }
  const page: ListPage = { items, resourceVersion: rv };
  if (i < all.length) {
    page.continue = encodeContinue({ rv, after: keyOf(all[i - 1]) });
    // As the apiserver: counted only when no selector makes the count a guess.
    if (!p.filter) page.remainingItemCount = all.length - i;
    if (rv !== '-1' && !snapshots.has(scope + rv)) remember(snapshots, scope + rv, { items: all, lastUsed: p.now });
  }
  return page;
}

/** 410 Expired whose Status carries, in metadata.continue, a token that continues from the current state (Kubernetes' rv -1). */
export class ExpiredContinue extends StatusError {
  constructor(readonly continueToken: string) {
    super(410, 'Expired', EXPIRED_CONTINUE);
  }

  override toStatus(): Status {
    return { ...super.toStatus(), metadata: { continue: this.continueToken } as unknown as Status['metadata'] };
  }
}

function expiredContinue(after: string): StatusError {
  return new ExpiredContinue(encodeContinue({ rv: '-1', after }));
}

function snapshotsOf(store: ObjectStore, now: number): Map<string, Snapshot> {
  let m = byStore.get(store);
  if (!m) byStore.set(store, (m = new Map()));
  for (const [k, s] of m) if (now - s.lastUsed > SNAPSHOT_TTL_MS) m.delete(k);
  return m;
}

function remember(m: Map<string, Snapshot>, key: string, s: Snapshot): void {
  m.set(key, s);
  if (m.size <= MAX_SNAPSHOTS) return;
  let oldest: string | undefined;
  let at = Infinity;
  for (const [k, v] of m) {
    if (v.lastUsed < at) {
      oldest = k;
      at = v.lastUsed;
    }
  }
  if (oldest !== undefined) m.delete(oldest);
}
