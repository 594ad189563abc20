// Keeps the default ClusterRoles and ClusterRoleBindings (./rbac-bootstrap-policy.ts)
// in place, as kube-apiserver's rbac/bootstrap-roles post-start hook reconciles
// them (pkg/registry/rbac/reconciliation), but level-based: every default is
// queued at start and again whenever an object of that name changes.
// - A missing default is created.
// - An existing one annotated `rbac.authorization.kubernetes.io/autoupdate: "false"`
//   is left alone (the user owns it).
// - Otherwise it is reconciled by union: the expected labels and annotations
//   are added where missing (the user's values win); a role gets the rules it
//   lacks appended (as the atomic rules Covers reports missing; the rules of
//   aggregated roles belong to the aggregation controller) and the aggregation
//   selectors it lacks; a binding gets the subjects it lacks, and one whose
//   roleRef differs is deleted and created again (roleRef is immutable).
// Nothing the user added is ever removed.
import type { Api } from '../api/api.js';
import { isStatusError } from '../api/errors.js';
import { covers } from '../api/rbac-covers.js';
import type { KubeObject } from '../api/meta.js';
import type { AggregationRule, ClusterRole, ClusterRoleBinding, RoleRef, Subject } from '../api/types/rbac.js';
import type { Clock } from '../util/clock.js';
import { Controller, type ReconcileResult } from './controller.js';
import type { KeyMapper } from './informer.js';
import { AUTOUPDATE_ANNOTATION, bootstrapClusterRoleBindings, bootstrapClusterRoles } from './rbac-bootstrap-policy.js';

export interface RbacBootstrapOptions {
  api: Api;
  clock: Clock;
  /** The defaults to keep; default: the bootstrap policy. Tests pass smaller sets. */
  roles?: () => ClusterRole[];
  bindings?: () => ClusterRoleBinding[];
}

const ROLE = 'ClusterRole';
const BINDING = 'ClusterRoleBinding';

/** Work-queue keys name the kind: a role and its binding share a name. */
export const roleKey = (name: string) => `${ROLE}/${name}`;
export const bindingKey = (name: string) => `${BINDING}/${name}`;

function mergeMissing(want: Record<string, string> | undefined, have: Record<string, string> | undefined): Record<string, string> | undefined {
  const missing = Object.entries(want ?? {}).filter(([k]) => !(have && k in have));
  if (missing.length === 0) return undefined;
  return { ...(have ?? {}), ...Object.fromEntries(missing) };
}

/** Labels and annotations of `want` that `cur` lacks are added; true when something changed. */
function reconcileMeta(cur: KubeObject, want: KubeObject): boolean {
  const labels = mergeMissing(want.metadata.labels, cur.metadata.labels);
  if (labels) cur.metadata.labels = labels;
  const annotations = mergeMissing(want.metadata.annotations, cur.metadata.annotations);
  if (annotations) cur.metadata.annotations = annotations;
  return labels !== undefined || annotations !== undefined;
}

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** computeReconciledRole: mutates the private copy `cur`; true when it must be written. */
export function reconcileRole(cur: ClusterRole, want: ClusterRole): boolean {
  let changed = reconcileMeta(cur, want);
  const { missing } = covers(cur.rules ?? [], want.rules ?? []);
  if (missing.length) {
    cur.rules = [...(cur.rules ?? []), ...missing];
    changed = true;
  }
  const wantAgg: AggregationRule | undefined = want.aggregationRule;
  if (!wantAgg && cur.aggregationRule) {
    delete cur.aggregationRule;
    changed = true;
  } else if (wantAgg) {
    const have = cur.aggregationRule?.clusterRoleSelectors ?? [];
    const add = (wantAgg.clusterRoleSelectors ?? []).filter((s) => !have.some((h) => sameJson(h, s)));
    if (add.length) {
      cur.aggregationRule = { ...(cur.aggregationRule ?? {}), clusterRoleSelectors: [...have, ...add] };
      changed = true;
    }
  }
  return changed;
}

const sameSubject = (a: Subject, b: Subject) => a.kind === b.kind && (a.apiGroup ?? '') === (b.apiGroup ?? '') && a.name === b.name && (a.namespace ?? '') === (b.namespace ?? '');
const sameRef = (a: RoleRef | undefined, b: RoleRef) => !!a && a.apiGroup === b.apiGroup && a.kind === b.kind && a.name === b.name;

/** computeReconciledRoleBinding's union: mutates `cur`; true when it must be written. */
export function reconcileBinding(cur: ClusterRoleBinding, want: ClusterRoleBinding): boolean {
  let changed = reconcileMeta(cur, want);
  const have = cur.subjects ?? [];
  const add = (want.subjects ?? []).filter((s) => !have.some((h) => sameSubject(h, s)));
  if (add.length) {
    cur.subjects = [...have, ...add];
    changed = true;
  }
  return changed;
}

const isProtected = (o: KubeObject) => o.metadata.annotations?.[AUTOUPDATE_ANNOTATION] === 'false';

class RbacBootstrapController extends Controller {
  constructor(
    opts: ConstructorParameters<typeof Controller>[0],
    private readonly keys: readonly string[],
  ) {
    super(opts);
  }

  /** Every default is checked at start: a missing one makes no watch event. */
  override start(): void {
    super.start();
    for (const k of this.keys) this.enqueue(k);
  }
}

export function newRbacBootstrapController(opts: RbacBootstrapOptions): Controller {
  const { api } = opts;
  const roles = new Map((opts.roles ?? bootstrapClusterRoles)().map((r) => [r.metadata.name ?? '', r]));
  const bindings = new Map((opts.bindings ?? bootstrapClusterRoleBindings)().map((b) => [b.metadata.name ?? '', b]));
  const wanted = <T extends KubeObject>(map: Map<string, T>, name: string): T | undefined => {
    const w = map.get(name);
    return w && (JSON.parse(JSON.stringify(w)) as T);
  };

  const createOrRetry = async (obj: KubeObject): Promise<ReconcileResult | void> => {
    try {
      await api.create(obj);
    } catch (e) {
      // Created by someone else since we looked: reconcile what is there now.
      if (isStatusError(e, 'AlreadyExists')) return { requeueAfterMs: 0 };
      throw e;
    }
  };

  const syncRole = async (name: string): Promise<ReconcileResult | void> => {
    const want = wanted(roles, name);
    if (!want) return;
    const cur = api.get(ROLE, '', name);
    if (!cur) return createOrRetry(want);
    if (isProtected(cur)) return;
    await api.modify<ClusterRole>(ROLE, '', name, (copy) => (isProtected(copy) || !reconcileRole(copy, want) ? undefined : copy));
  };

  const syncBinding = async (name: string): Promise<ReconcileResult | void> => {
    const want = wanted(bindings, name);
    if (!want) return;
    const cur = api.get(BINDING, '', name);
    if (!cur) return createOrRetry(want);
    if (isProtected(cur)) return;
    if (!sameRef(cur.roleRef, want.roleRef)) {
      // roleRef is immutable: recreate the binding with the expected role and the union of subjects.
      const next = wanted(bindings, name)!;
      next.metadata.labels = { ...(want.metadata.labels ?? {}), ...(cur.metadata.labels ?? {}) };
      next.metadata.annotations = { ...(want.metadata.annotations ?? {}), ...(cur.metadata.annotations ?? {}) };
      next.subjects = [...(cur.subjects ?? []), ...(want.subjects ?? []).filter((s) => !(cur.subjects ?? []).some((h) => sameSubject(h, s)))];
      await api.delete(BINDING, '', name, { preconditions: { uid: cur.metadata.uid } });
      return createOrRetry(next);
    }
    await api.modify<ClusterRoleBinding>(BINDING, '', name, (copy) => (isProtected(copy) || !reconcileBinding(copy, want) ? undefined : copy));
  };

  const byName =
    (kind: string, names: Map<string, unknown>): KeyMapper =>
    (ev) =>
      names.has(ev.object.metadata.name ?? '') ? [`${kind}/${ev.object.metadata.name}`] : [];

  const keys = [...[...roles.keys()].map(roleKey), ...[...bindings.keys()].map(bindingKey)];
  return new RbacBootstrapController(
    {
      name: 'rbac-bootstrap-controller',
      api,
      clock: opts.clock,
      watches: [
        { kind: ROLE, toKeys: byName(ROLE, roles) },
        { kind: BINDING, toKeys: byName(BINDING, bindings) },
      ],
      reconcile: async (key) => {
        const slash = key.indexOf('/');
        const kind = key.slice(0, slash);
        const name = key.slice(slash + 1);
        if (kind === ROLE) return syncRole(name);
        if (kind === BINDING) return syncBinding(name);
      },
    },
    keys,
  );
}
