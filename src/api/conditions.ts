// Setting a status condition the way Kubernetes does (apimeta.SetStatusCondition
// and the per-kind variants built on it): the condition of the same type is
// replaced where it stands, or appended; lastTransitionTime moves only when
// the status changes. Kinds whose conditions carry lastProbeTime (Job, Pod) or
// lastUpdateTime (Deployment) stamp those on every write, and some writers
// leave an unchanged condition alone so that the stamp does not move either —
// both are options here rather than copies of this function.
import type { Condition } from './meta.js';
import { rfc3339 } from './time.js';

export interface SetConditionOptions {
  /**
   * Return the list itself, untouched, when the existing condition already has
   * this status, reason and message (Kubernetes' ensureJobConditionStatus, the
   * namespace and DisruptionTarget writers). Callers may compare the result
   * with `===` to know whether anything needs writing.
   */
  skipUnchanged?: boolean;
  /** With skipUnchanged: status and reason alone decide (SetDeploymentCondition ignores the message). */
  ignoreMessage?: boolean;
  /** Time fields set to `now` whenever the condition is written. */
  stamp?: readonly ('lastProbeTime' | 'lastUpdateTime')[];
  /** Take the condition out and append it at the end (SetDeploymentCondition's filterOutCondition + append) instead of replacing it where it stands. */
  moveToEnd?: boolean;
}

/**
 * Returns a new list with `next` set (or `conds` itself when skipUnchanged
 * applies). A `lastTransitionTime` on `next` is used when the status changes
 * or the condition is new; otherwise `now` is.
 */
export function setCondition<C extends Condition>(conds: readonly C[] | undefined, next: C, now: number, opts: SetConditionOptions = {}): C[] {
  const list = [...(conds ?? [])];
  const i = list.findIndex((c) => c.type === next.type);
  const old = i >= 0 ? list[i] : undefined;
  if (old && opts.skipUnchanged && old.status === next.status && old.reason === next.reason && (opts.ignoreMessage || old.message === next.message)) {
    return conds as C[];
  }
  const t = rfc3339(now);
  const stamped: C = { ...next };
  for (const f of opts.stamp ?? []) stamped[f] = t;
  stamped.lastTransitionTime = old && old.status === next.status ? old.lastTransitionTime : (next.lastTransitionTime ?? t);
  if (stamped.lastTransitionTime === undefined) delete stamped.lastTransitionTime;
  if (i >= 0 && !opts.moveToEnd) list[i] = stamped;
  else {
    if (i >= 0) list.splice(i, 1);
    list.push(stamped);
  }
  return list;
}

