// What a Kubernetes API server serves, read from its discovery documents the
// way kubectl's discovery client reads them: the legacy `/api` versions and
// `/apis` groups, then one APIResourceList per group/version. Each resource
// becomes the KindInfo the rest of kubeterm uses (plural, singular, short
// names, categories, scope, subresources; a group's preferred version first,
// its other versions as `alsoServed`). Kinds that a CustomResourceDefinition
// defines get `custom` (versions with their printer columns) from the CRD
// objects themselves, when the user may list them. Pure over KubeHttp.
import { kindFromCrd } from '../api/crd/kind-from-crd.js';
import { isStatusError } from '../api/errors.js';
import { apiVersionOf, KINDS, parseApiVersion, servedVersions, type KindInfo } from '../api/kinds.js';
import type { KubeObject } from '../api/meta.js';
import type { KubeHttp } from './kube-http.js';

/** One entry of an APIResourceList (meta/v1 APIResource). */
export interface APIResource {
  name: string;
  singularName?: string;
  namespaced: boolean;
  kind: string;
  verbs?: string[];
  shortNames?: string[];
  categories?: string[];
  group?: string;
  version?: string;
}

interface APIGroup {
  name: string;
  versions?: { groupVersion?: string; version: string }[];
  preferredVersion?: { groupVersion?: string; version: string };
}

export const CRD_API_VERSION = 'apiextensions.k8s.io/v1';
export const CRD_PLURAL = 'customresourcedefinitions';

export interface Discovery {
  /** Every listable resource, core first, then the groups in the server's (priority) order. */
  kinds: KindInfo[];
  /** Group/versions whose resource list could not be read (an aggregated API that is down), with why. */
  failed: { groupVersion: string; message: string }[];
  /** The CRD list's resourceVersion when the user may list CRDs (watch from there); undefined otherwise. */
  crdResourceVersion?: string;
  /** Why CRDs could not be read (forbidden, not served), when they could not. */
  crdError?: string;
}

/** The order the folder sync applies a kind in: kubeterm's table for the kinds it knows, else custom resources' 50. */
function applyOrderOf(group: string, kind: string): number {
  return KINDS.find((k) => k.group === group && k.kind === kind)?.applyOrder ?? 50;
}

/** `/api/v1` or `/apis/apps/v1`. */
function gvPath(group: string, version: string): string {
  return group ? `/apis/${group}/${version}` : `/api/${version}`;
}

/** A group's versions, the preferred one first. */
function orderedVersions(g: APIGroup): string[] {
  const all = (g.versions ?? []).map((v) => v.version).filter(Boolean);
  const pref = g.preferredVersion?.version;
  return pref ? [pref, ...all.filter((v) => v !== pref)] : all;
}

/**
 * Builds KindInfo from the resource lists of the group/versions, in order
 * (each group's preferred version first). Pure; exported for tests.
 */
export function kindsFromResourceLists(lists: readonly { group: string; version: string; resources: readonly APIResource[] }[]): KindInfo[] {
  const byKey = new Map<string, KindInfo>();
  const out: KindInfo[] = [];
  const subs = new Map<string, Set<string>>();
  for (const l of lists) {
    for (const r of l.resources) {
      const slash = r.name.indexOf('/');
      if (slash >= 0) {
        const parent = `${l.group}/${r.name.slice(0, slash)}`;
        const set = subs.get(parent) ?? new Set<string>();
        set.add(r.name.slice(slash + 1));
        subs.set(parent, set);
        continue;
      }
      // A resource that cannot be listed (bindings, the review APIs) has no view.
      if (r.verbs && !r.verbs.includes('list')) continue;
      // Resources served from another group (the legacy `extensions` aliases) are not kinds of this group.
      if (r.group !== undefined && r.group !== '' && r.group !== l.group) continue;
      const key = `${l.group}/${r.name}`;
      const seen = byKey.get(key);
      if (seen) {
        if (seen.kind === r.kind && !servedVersions(seen).includes(l.version)) seen.alsoServed = [...(seen.alsoServed ?? []), l.version];
        continue;
      }
      const info: KindInfo = {
        kind: r.kind,
        group: l.group,
        version: l.version,
        plural: r.name,
        singular: r.singularName || r.kind.toLowerCase(),
        shortNames: [...(r.shortNames ?? [])],
        namespaced: !!r.namespaced,
        categories: [...(r.categories ?? [])],
        subresources: [],
        applyOrder: applyOrderOf(l.group, r.kind),
        alsoServed: [],
        ...(r.verbs ? { verbs: [...r.verbs] } : {}),
      };
      byKey.set(key, info);
      out.push(info);
    }
  }
  for (const info of out) info.subresources = [...(subs.get(`${info.group}/${info.plural}`) ?? [])];
  return out;
}

/** Adds what each CRD says of its kind (versions, printer columns, listKind) to the discovered kind it defines. */
export function withCustomKinds(kinds: readonly KindInfo[], crds: readonly KubeObject[]): KindInfo[] {
  const defined = new Map<string, KindInfo>();
  for (const crd of crds) {
    try {
      const k = kindFromCrd(crd);
      if (k.plural) defined.set(`${k.group}/${k.plural}`, k);
    } catch {
      // a CRD this client cannot read adds nothing
    }
  }
  return kinds.map((info) => {
    const c = defined.get(`${info.group}/${info.plural}`);
    return c?.custom ? { ...info, listKind: c.listKind, custom: c.custom } : info;
  });
}

async function optional<T>(p: Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: Error }> {
  try {
    return { ok: true, value: await p };
  } catch (e) {
    return { ok: false, error: e as Error };
  }
}

/**
 * Reads the server's discovery. The core and group lists must answer (a 401
 * or an unreachable server fails the whole); a group/version whose list fails
 * is left out and reported, as kubectl warns "couldn't get resource list".
 */
export async function discover(http: KubeHttp): Promise<Discovery> {
  const [core, groups] = await Promise.all([
    http.json<{ versions?: string[] }>({ method: 'GET', path: '/api' }),
    http.json<{ groups?: APIGroup[] }>({ method: 'GET', path: '/apis' }),
  ]);
  const gvs: { group: string; version: string }[] = [];
  for (const v of core?.versions ?? []) gvs.push({ group: '', version: v });
  for (const g of groups?.groups ?? []) for (const v of orderedVersions(g)) gvs.push({ group: g.name, version: v });
  const lists = await Promise.all(gvs.map((gv) => optional(http.json<{ resources?: APIResource[] }>({ method: 'GET', path: gvPath(gv.group, gv.version) }))));
  const failed: Discovery['failed'] = [];
  const ok: { group: string; version: string; resources: APIResource[] }[] = [];
  lists.forEach((r, i) => {
    const gv = gvs[i];
    if (r.ok) ok.push({ ...gv, resources: r.value?.resources ?? [] });
    else {
      if (isStatusError(r.error) && r.error.code === 401) throw r.error;
      failed.push({ groupVersion: gv.group ? `${gv.group}/${gv.version}` : gv.version, message: r.error.message });
    }
  });
  let kinds = kindsFromResourceLists(ok);
  const crdKind = kinds.find((k) => k.group === parseApiVersion(CRD_API_VERSION).group && k.plural === CRD_PLURAL);
  if (!crdKind) return { kinds, failed, crdError: 'the server does not serve customresourcedefinitions' };
  const crds = await optional(
    http.json<{ items?: KubeObject[]; metadata?: { resourceVersion?: string } }>({ method: 'GET', path: `${gvPath('apiextensions.k8s.io', crdKind.version)}/${CRD_PLURAL}` }),
  );
  if (!crds.ok) return { kinds, failed, crdError: crds.error.message };
  kinds = withCustomKinds(kinds, crds.value?.items ?? []);
  return { kinds, failed, crdResourceVersion: crds.value?.metadata?.resourceVersion ?? '' };
}

/** Looks kinds up by kind and by every name kubectl accepts for them. */
export class KindIndex {
  private readonly byKind = new Map<string, KindInfo>();
  private readonly byName = new Map<string, KindInfo>();

  constructor(readonly all: readonly KindInfo[]) {
    for (const info of all) if (!this.byKind.has(info.kind)) this.byKind.set(info.kind, info);
    // Plurals first, so `events` is the core Event and a short name never shadows a plural.
    for (const info of all) this.add(info.plural, info);
    for (const info of all) for (const n of [info.singular, info.kind.toLowerCase(), ...info.shortNames]) this.add(n, info);
    for (const info of all) {
      this.add(`${info.plural}.${info.group}`, info);
      this.add(`${info.kind.toLowerCase()}.${info.group}`, info);
      for (const v of servedVersions(info)) this.add(`${info.plural}.${v}.${info.group}`, info);
    }
  }

  private add(name: string, info: KindInfo): void {
    const n = name.toLowerCase();
    if (n && !this.byName.has(n)) this.byName.set(n, info);
  }

  /** `Deployment`, `deployments`, `deploy`, `deployments.apps`, `widgets.example.com` … */
  resolve(name: string): KindInfo | undefined {
    const n = name.trim();
    return this.byKind.get(n) ?? this.byName.get(n.toLowerCase());
  }

  /** The kind of an object of this apiVersion, seen in that version when it is one of the kind's. */
  forObject(kind: string, apiVersion: string | undefined): KindInfo | undefined {
    if (!apiVersion) return this.byKind.get(kind);
    const gv = parseApiVersion(apiVersion);
    const info = this.all.find((k) => k.kind === kind && k.group === gv.group && servedVersions(k).includes(gv.version));
    if (!info) return undefined;
    return apiVersionOf(info) === apiVersion ? info : { ...info, version: gv.version };
  }
}

/** A stable text of a resource set, to tell whether a re-discovery changed anything. */
export function resourcesSignature(kinds: readonly KindInfo[]): string {
  return JSON.stringify(kinds);
}
