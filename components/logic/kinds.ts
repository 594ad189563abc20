// The kinds the cluster serves, as the UI looks them up: by kind (`Widget`,
// what views and objects carry) and by every name the `:` prompt accepts
// (plural, singular, lower-case kind, short names, `plural.group`), as
// kubectl and k9s resolve them. The list comes from ClusterClient.resources()
// (built-ins and the kinds of Established CRDs) and is passed in explicitly;
// an index is built once per list. Only kinds that can be listed and watched
// have a view: virtual kinds (the review APIs, metrics.k8s.io) and create-only
// ones are left out. On a name two kinds share (`pods`: core Pods and
// metrics.k8s.io PodMetrics) the core group wins, as kubectl resolves it.
import type { KindInfo } from '../../src/api/kinds.js';

export interface KindIndex {
  readonly all: readonly KindInfo[];
  /** By kind name, exactly as objects carry it. */
  byKind(kind: string): KindInfo | undefined;
  /** `pods`, `pod`, `po`, `Pod`, `deployments.apps`, `widgets.example.com` … */
  resolve(word: string): KindInfo | undefined;
}

const indexes = new WeakMap<readonly KindInfo[], KindIndex>();

/**
 * k9s' own aliases (its default aliases.yaml) for RBAC kinds the server gives
 * no short name: `:cr`, `:crb`, `:ro`, `:rb`. Only for a kind the cluster
 * serves, and never over a name the server announces.
 */
export const UI_ALIASES: Readonly<Record<string, string>> = {
  cr: 'clusterroles.rbac.authorization.k8s.io',
  crb: 'clusterrolebindings.rbac.authorization.k8s.io',
  ro: 'roles.rbac.authorization.k8s.io',
  rb: 'rolebindings.rbac.authorization.k8s.io',
};

/** Kinds a table can show: stored, listable and watchable (metrics.k8s.io on a real cluster is neither stored nor watchable). */
export function viewable(info: KindInfo): boolean {
  return !info.virtual && (!info.verbs || (info.verbs.includes('list') && info.verbs.includes('watch')));
}

function build(served: readonly KindInfo[]): KindIndex {
  const all = served.filter(viewable);
  // Core group first (stable otherwise): it wins every name it shares.
  const ranked = [...all].sort((a, b) => Number(a.group !== '') - Number(b.group !== ''));
  const kinds = new Map<string, KindInfo>();
  const names = new Map<string, KindInfo>();
  const add = (n: string, info: KindInfo) => {
    const key = n.toLowerCase();
    if (key && !names.has(key)) names.set(key, info);
  };
  for (const info of ranked) if (!kinds.has(info.kind)) kinds.set(info.kind, info);
  // Plurals first: a short name or singular never shadows another kind's plural.
  for (const info of ranked) add(info.plural, info);
  for (const info of ranked) for (const n of [info.singular, info.kind.toLowerCase(), ...info.shortNames]) add(n, info);
  for (const info of ranked) {
    if (!info.group) continue;
    add(`${info.plural}.${info.group}`, info);
    add(`${info.singular}.${info.group}`, info);
    add(`${info.kind.toLowerCase()}.${info.group}`, info);
  }
  for (const [alias, target] of Object.entries(UI_ALIASES)) {
    const info = names.get(target);
    if (info) add(alias, info);
  }
  return {
    all,
    byKind: (kind) => kinds.get(kind),
    resolve: (word) => {
      const w = word.trim();
      return names.get(w.toLowerCase()) ?? kinds.get(w);
    },
  };
}

export function kindIndex(all: readonly KindInfo[]): KindIndex {
  let idx = indexes.get(all);
  if (!idx) {
    idx = build(all);
    indexes.set(all, idx);
  }
  return idx;
}

/** The kind as objects and views name it (`Deployment`, `Widget`). */
export function findKind(all: readonly KindInfo[], kind: string): KindInfo | undefined {
  return kindIndex(all).byKind(kind);
}

/** What a word typed after `:` names, if anything the cluster serves. */
export function resolveKind(all: readonly KindInfo[], word: string): KindInfo | undefined {
  return kindIndex(all).resolve(word);
}
