// The RBAC authorizer (plugin/pkg/auth/authorizer/rbac + pkg/registry/rbac/
// validation DefaultRuleResolver) over the store's Roles, ClusterRoles,
// RoleBindings and ClusterRoleBindings, read as plain JSON.
//
// A request is allowed when a rule reachable from the user allows it:
// ClusterRoleBindings (to a ClusterRole) apply everywhere, RoleBindings (to a
// Role of their namespace or a ClusterRole) only to requests in their
// namespace. Subjects match by User name, Group membership or ServiceAccount
// (`system:serviceaccount:NS:NAME`, a RoleBinding's subject without a
// namespace meaning the binding's). A binding to a missing role contributes
// a resolution error that a denial reports (`RBAC: role.rbac.authorization.k8s.io "x" not found`).
//
// Speed: bindings are indexed by subject (so a request looks at the bindings
// of its user and groups only), and the resolved rules of a user — per
// cluster scope and per namespace — are cached. Both are dropped on any watch
// event of the four kinds; the store calls watch handlers synchronously on
// commit, so a write that resolved is already in effect. Before `start()`
// (no watch) nothing is cached and every call resolves afresh.
import type { Api } from '../../api/api.js';
import type { UserInfo } from '../../api/auth/user.js';
import type { KubeObject } from '../../api/meta.js';
import type { WatchHandle } from '../../api/store-types.js';
import type { Attributes } from './attributes.js';
import { normalizeRules, ruleAllows, type PolicyRule } from './rules.js';

export const RBAC_GROUP = 'rbac.authorization.k8s.io';
const KINDS = ['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding'] as const;

export interface Subject {
  kind: string;
  name: string;
  namespace?: string;
  apiGroup?: string;
}

export interface RoleRef {
  apiGroup: string;
  kind: string;
  name: string;
}

export interface SourcedRule {
  rule: PolicyRule;
  /** `ClusterRoleBinding "x" of ClusterRole "y" to Group "z"`, as rbac's describers word it. */
  source: string;
}

export interface ResolvedRules {
  rules: SourcedRule[];
  /** Resolution errors (bindings to missing roles), in Kubernetes' words. */
  errors: string[];
}

export interface Decision {
  allowed: boolean;
  reason: string;
}

/** A role reference that does not resolve: 404 in Kubernetes' lister words (`role.rbac.authorization.k8s.io "x" not found`). */
export class RoleRefError extends Error {
  constructor(
    message: string,
    readonly kind: string,
    readonly roleName: string,
  ) {
    super(message);
    this.name = 'RoleRefError';
  }
}

interface Index {
  cluster: Map<string, KubeObject[]>;
  byNamespace: Map<string, Map<string, KubeObject[]>>;
}

const CACHE_MAX = 4096;

function subjectsOf(binding: KubeObject): Subject[] {
  const raw = (binding as { subjects?: unknown }).subjects;
  if (!Array.isArray(raw)) return [];
  return raw.filter((s): s is Subject => !!s && typeof s === 'object' && typeof (s as Subject).kind === 'string' && typeof (s as Subject).name === 'string');
}

export function roleRefOf(binding: KubeObject): RoleRef | undefined {
  const r = (binding as { roleRef?: unknown }).roleRef as Partial<RoleRef> | undefined;
  if (!r || typeof r !== 'object' || typeof r.kind !== 'string' || typeof r.name !== 'string') return undefined;
  return { apiGroup: typeof r.apiGroup === 'string' ? r.apiGroup : '', kind: r.kind, name: r.name };
}

/** The index key a subject is found under: users and ServiceAccounts by username, groups by name. */
function subjectKey(s: Subject, bindingNamespace: string): string | undefined {
  switch (s.kind) {
    case 'User':
      return `u:${s.name}`;
    case 'Group':
      return `g:${s.name}`;
    case 'ServiceAccount': {
      const ns = s.namespace || bindingNamespace;
      return ns ? `u:system:serviceaccount:${ns}:${s.name}` : undefined;
    }
    default:
      return undefined;
  }
}

function appliesToUser(user: UserInfo, s: Subject, bindingNamespace: string): boolean {
  switch (s.kind) {
    case 'User':
      return user.username === s.name;
    case 'Group':
      return user.groups.includes(s.name);
    case 'ServiceAccount': {
      const ns = s.namespace || bindingNamespace;
      return !!ns && user.username === `system:serviceaccount:${ns}:${s.name}`;
    }
    default:
      return false;
  }
}

function describeSubject(s: Subject, bindingNamespace: string): string {
  if (s.kind === 'ServiceAccount') return `${s.kind} ${JSON.stringify(`${s.name}/${s.namespace || bindingNamespace}`)}`;
  return `${s.kind} ${JSON.stringify(s.name)}`;
}

function aggregate(errors: string[]): string {
  return errors.length === 1 ? errors[0] : `[${errors.join(', ')}]`;
}

const byName = (a: KubeObject, b: KubeObject) => ((a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : (a.metadata.name ?? '') > (b.metadata.name ?? '') ? 1 : 0);

export class RbacAuthorizer {
  private index?: Index;
  private readonly clusterCache = new Map<string, ResolvedRules>();
  private readonly namespaceCache = new Map<string, ResolvedRules>();
  /** Normalised rules of each stored role object (objects are frozen and replaced on change). */
  private readonly ruleCache = new WeakMap<object, PolicyRule[]>();
  private watches: WatchHandle[] = [];

  constructor(private readonly api: Pick<Api, 'get' | 'list' | 'watch'>) {}

  /** Watches the RBAC kinds so indexes and caches can be kept between requests. */
  start(): void {
    if (this.watches.length) return;
    this.invalidate(true);
    for (const kind of KINDS) {
      this.watches.push(this.api.watch(kind, {}, () => this.invalidate(kind.endsWith('Binding'))));
    }
  }

  stop(): void {
    for (const w of this.watches) w.stop();
    this.watches = [];
    this.invalidate(true);
  }

  private get caching(): boolean {
    return this.watches.length > 0;
  }

  private invalidate(bindings: boolean): void {
    if (bindings) this.index = undefined;
    this.clusterCache.clear();
    this.namespaceCache.clear();
  }

  private buildIndex(): Index {
    const cluster = new Map<string, KubeObject[]>();
    const byNamespace = new Map<string, Map<string, KubeObject[]>>();
    const add = (m: Map<string, KubeObject[]>, key: string, b: KubeObject) => {
      const list = m.get(key);
      if (!list) m.set(key, [b]);
      else if (list[list.length - 1] !== b) list.push(b);
    };
    for (const b of this.api.list('ClusterRoleBinding').items) {
      for (const s of subjectsOf(b)) {
        const key = subjectKey(s, '');
        if (key) add(cluster, key, b);
      }
    }
    for (const b of this.api.list('RoleBinding').items) {
      const ns = b.metadata.namespace ?? '';
      let m = byNamespace.get(ns);
      if (!m) byNamespace.set(ns, (m = new Map()));
      for (const s of subjectsOf(b)) {
        const key = subjectKey(s, ns);
        if (key) add(m, key, b);
      }
    }
    return { cluster, byNamespace };
  }

  private getIndex(): Index {
    if (this.index) return this.index;
    const idx = this.buildIndex();
    if (this.caching) this.index = idx;
    return idx;
  }

  private static candidates(m: Map<string, KubeObject[]> | undefined, user: UserInfo): KubeObject[] {
    if (!m) return [];
    const seen = new Set<KubeObject>();
    for (const key of [`u:${user.username}`, ...user.groups.map((g) => `g:${g}`)]) {
      for (const b of m.get(key) ?? []) seen.add(b);
    }
    return [...seen].sort(byName);
  }

  private rulesOf(obj: KubeObject): PolicyRule[] {
    let rules = this.ruleCache.get(obj);
    if (!rules) {
      rules = normalizeRules((obj as { rules?: unknown }).rules);
      if (Object.isFrozen(obj)) this.ruleCache.set(obj, rules);
    }
    return rules;
  }

  /** The rules a binding's roleRef grants (GetRoleReferenceRules). Throws RoleRefError when the role is missing. */
  roleReferenceRules(ref: RoleRef, bindingNamespace: string): PolicyRule[] {
    if (ref.kind === 'Role') {
      const role = bindingNamespace ? this.api.get('Role', bindingNamespace, ref.name) : undefined;
      if (!role) throw new RoleRefError(`role.${RBAC_GROUP} ${JSON.stringify(ref.name)} not found`, 'role', ref.name);
      return this.rulesOf(role);
    }
    if (ref.kind === 'ClusterRole') {
      const role = this.api.get('ClusterRole', '', ref.name);
      if (!role) throw new RoleRefError(`clusterrole.${RBAC_GROUP} ${JSON.stringify(ref.name)} not found`, 'clusterrole', ref.name);
      return this.rulesOf(role);
    }
    throw new RoleRefError(`unsupported role reference kind: ${JSON.stringify(ref.kind)}`, ref.kind, ref.name);
  }

  private resolve(bindings: KubeObject[], user: UserInfo, namespace: string): ResolvedRules {
    const out: ResolvedRules = { rules: [], errors: [] };
    for (const b of bindings) {
      const subject = subjectsOf(b).find((s) => appliesToUser(user, s, namespace));
      if (!subject) continue;
      const ref = roleRefOf(b);
      if (!ref) continue;
      let rules: PolicyRule[];
      try {
        rules = this.roleReferenceRules(ref, namespace);
      } catch (e) {
        out.errors.push((e as Error).message);
        continue;
      }
      const source = namespace
        ? `RoleBinding ${JSON.stringify(`${b.metadata.name}/${b.metadata.namespace}`)} of ${ref.kind} ${JSON.stringify(ref.name)} to ${describeSubject(subject, namespace)}`
        : `ClusterRoleBinding ${JSON.stringify(b.metadata.name)} of ${ref.kind} ${JSON.stringify(ref.name)} to ${describeSubject(subject, '')}`;
      for (const rule of rules) out.rules.push({ rule, source });
    }
    return out;
  }

  private cached(cache: Map<string, ResolvedRules>, key: string, compute: () => ResolvedRules): ResolvedRules {
    if (!this.caching) return compute();
    let r = cache.get(key);
    if (!r) {
      if (cache.size >= CACHE_MAX) cache.clear();
      r = compute();
      cache.set(key, r);
    }
    return r;
  }

  private clusterRules(user: UserInfo): ResolvedRules {
    const key = `${user.username}\u0000${user.groups.join('\u0001')}`;
    return this.cached(this.clusterCache, key, () => this.resolve(RbacAuthorizer.candidates(this.getIndex().cluster, user), user, ''));
  }

  private namespaceRules(user: UserInfo, namespace: string): ResolvedRules {
    const key = `${namespace}\u0000${user.username}\u0000${user.groups.join('\u0001')}`;
    return this.cached(this.namespaceCache, key, () => this.resolve(RbacAuthorizer.candidates(this.getIndex().byNamespace.get(namespace), user), user, namespace));
  }

  /** Every rule that applies to the user in the namespace ('' : cluster-wide only), with where it comes from. */
  resolvedRulesFor(user: UserInfo, namespace: string): ResolvedRules {
    const cluster = this.clusterRules(user);
    if (!namespace) return cluster;
    const local = this.namespaceRules(user, namespace);
    return { rules: [...cluster.rules, ...local.rules], errors: [...cluster.errors, ...local.errors] };
  }

  /** RulesFor: the rules and, when some bindings did not resolve, the aggregated error. */
  rulesFor(user: UserInfo, namespace: string): { rules: PolicyRule[]; error?: string } {
    const r = this.resolvedRulesFor(user, namespace);
    return { rules: r.rules.map((s) => s.rule), ...(r.errors.length ? { error: aggregate(r.errors) } : {}) };
  }

  authorize(a: Attributes): Decision {
    const scopes = [this.clusterRules(a.user)];
    if (a.namespace) scopes.push(this.namespaceRules(a.user, a.namespace));
    for (const scope of scopes) {
      for (const { rule, source } of scope.rules) {
        if (ruleAllows(a, rule)) return { allowed: true, reason: `RBAC: allowed by ${source}` };
      }
    }
    const errors = scopes.flatMap((s) => s.errors);
    return { allowed: false, reason: errors.length ? `RBAC: ${aggregate(errors)}` : '' };
  }
}
