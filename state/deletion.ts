// What a delete does to an object, as the apiserver's graceful deletion
// decides it (BeforeDelete): mark it (deletionTimestamp +
// deletionGracePeriodSeconds) while finalizers or a grace period remain,
// remove it otherwise, or change nothing when it is already marked and the
// request does not shorten the grace period. Pure: the store applies the plan.
import { conflict } from '../src/api/errors.js';
import { rfc3339 } from '../src/api/time.js';
import type { KubeObject, ObjectMeta } from '../src/api/meta.js';
import type { DeleteOptions } from '../src/api/store-types.js';

export type DeletePlan = { action: 'mark'; meta: Partial<ObjectMeta> } | { action: 'remove' } | { action: 'none' };

/** RFC 3339 with second precision, as Kubernetes writes metav1.Time. */
export { rfc3339 };

export function planDelete(old: KubeObject, opts: DeleteOptions, now: number): DeletePlan {
  const o = old.metadata;
  const grace = opts.gracePeriodSeconds === undefined ? undefined : Math.max(0, opts.gracePeriodSeconds);
  const hasFinalizers = (o.finalizers?.length ?? 0) > 0;

  if (!o.deletionTimestamp) {
    if (!hasFinalizers && !(grace! > 0)) return { action: 'remove' };
    // deletionTimestamp is when it should be gone: now + grace, as Kubernetes sets it.
    const g = grace ?? 0;
    return {
      action: 'mark',
      meta: { deletionTimestamp: rfc3339(now + g * 1000), deletionGracePeriodSeconds: g, generation: (o.generation ?? 1) + 1 },
    };
  }
  if (grace !== undefined && grace < (o.deletionGracePeriodSeconds ?? Infinity)) {
    // A later delete may only shorten the grace period; at 0 with no finalizers it goes now.
    if (!hasFinalizers && grace === 0) return { action: 'remove' };
    const by = Math.min(now + grace * 1000, Date.parse(o.deletionTimestamp));
    return { action: 'mark', meta: { deletionTimestamp: rfc3339(by), deletionGracePeriodSeconds: grace } };
  }
  if (hasFinalizers || (o.deletionGracePeriodSeconds ?? 0) > 0) return { action: 'none' };
  return { action: 'remove' };
}

/** Marked, no finalizers left, no grace pending: an update leaving an object so removes it. */
export function isFinished(m: ObjectMeta): boolean {
  return !!m.deletionTimestamp && !m.finalizers?.length && !(m.deletionGracePeriodSeconds! > 0);
}

/** DeleteOptions.preconditions, refused in the apiserver's words. */
export function checkPreconditions(kind: string, name: string, obj: KubeObject, pre: DeleteOptions['preconditions']): void {
  if (!pre) return;
  if (pre.uid !== undefined && pre.uid !== obj.metadata.uid) {
    throw conflict(kind, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${obj.metadata.uid ?? ''}`);
  }
  if (pre.resourceVersion !== undefined && pre.resourceVersion !== obj.metadata.resourceVersion) {
    throw conflict(
      kind,
      name,
      `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${obj.metadata.resourceVersion ?? ''}`,
    );
  }
}
