// Which kinds a folder may contain: what the cluster serves right now
// (`ClusterClient.resources()`: the built-ins plus the kinds of Established
// CRDs) and the kinds the folder's own CustomResourceDefinitions define. A
// manifest whose kind comes from a CRD in the same folder is valid at load
// time; its scope and plural come from that CRD, and it is applied only once
// the CRD is Established (sync.ts). There is no kind table of our own here.
import { kindFromCrd } from '../api/crd/kind-from-crd.js';
import { apiVersionOf, parseApiVersion, servedVersions, servesApiVersion, type KindInfo } from '../api/kinds.js';
import type { KubeObject } from '../api/meta.js';

export const CRD_KIND = 'CustomResourceDefinition';
export const CRD_GROUP = 'apiextensions.k8s.io';
/** Where a kind the catalog does not know is ordered: with the custom resources. */
const DEFAULT_ORDER = 50;

/** A CustomResourceDefinition found in the folder, with the kind it defines. */
export interface FolderCrd {
  /** `plural.group`, the CRD's metadata.name. */
  name: string;
  /** The desired-object key of the CRD manifest (`CustomResourceDefinition//name`). */
  key: string;
  file: string;
  info: KindInfo;
}

export type KindResolution =
  | { ok: true; info: KindInfo; /** The folder CRD that defines this kind, if the folder has one. */ crd?: FolderCrd }
  | { ok: false; message: string };

/** kubectl's words for a kind the server does not serve. */
export function noMatchesMessage(kind: string, apiVersion: string, servedAs?: KindInfo): string {
  const hint = servedAs ? ` (kubeterm serves ${kind} as ${apiVersionOf(servedAs)})` : '; ensure CRDs are installed first';
  return `no matches for kind "${kind}" in version "${apiVersion}"${hint}`;
}

/** True for a CustomResourceDefinition manifest (any version: a wrong one is reported by kind resolution). */
export function isCrdObject(o: KubeObject): boolean {
  return o.kind === CRD_KIND && typeof o.apiVersion === 'string' && parseApiVersion(o.apiVersion).group === CRD_GROUP;
}

/** The kind a CRD manifest defines, or undefined when it names none (the API will say why). */
export function folderCrdOf(obj: KubeObject, key: string, file: string): FolderCrd | undefined {
  let info: KindInfo;
  try {
    info = kindFromCrd(obj);
  } catch {
    return undefined;
  }
  if (!info.kind || !info.group || !info.version) return undefined;
  return { name: obj.metadata?.name ?? '', key, file, info };
}

const infoSignature = (k: KindInfo): string =>
  [k.kind, k.group, servedVersions(k).join('+'), k.plural, k.namespaced ? 'Namespaced' : 'Cluster', k.applyOrder].join('|');

export class KindCatalog {
  private readonly served = new Map<string, KindInfo>();
  private readonly folder = new Map<string, FolderCrd>();

  constructor(served: readonly KindInfo[], folderCrds: readonly FolderCrd[] = []) {
    for (const k of served) if (!this.served.has(k.kind)) this.served.set(k.kind, k);
    // The first definition (by file) of a kind wins, as duplicates do in mergeDesired.
    for (const c of folderCrds) if (!this.folder.has(c.info.kind)) this.folder.set(c.info.kind, c);
  }

  /**
   * What resolving these uses (kind, apiVersion) yields, as one string: equal
   * strings mean every manifest resolves the same, so nothing needs rebuilding
   * (a CRD from the folder becoming served changes nothing when its facts agree).
   */
  signature(uses: Iterable<{ kind: string; apiVersion: string }>): string {
    const seen = new Set<string>();
    const out: string[] = [];
    for (const u of uses) {
      const id = `${u.kind} ${u.apiVersion}`;
      if (seen.has(id)) continue;
      seen.add(id);
      const r = this.resolve(u.kind, u.apiVersion);
      out.push(r.ok ? `${id}=${infoSignature(r.info)}${r.crd ? ` by ${r.crd.key}` : ''}` : `${id}!${r.message}`);
    }
    return out.sort().join('\n');
  }

  /** The kind as the cluster serves it now. */
  servedKind(kind: string): KindInfo | undefined {
    return this.served.get(kind);
  }

  /** True when the cluster serves `kind` in `group`. */
  isServed(kind: string, group?: string): boolean {
    const k = this.served.get(kind);
    return !!k && (group === undefined || k.group === group);
  }

  /** Served facts first, else the folder CRD's. */
  get(kind: string): KindInfo | undefined {
    return this.served.get(kind) ?? this.folder.get(kind)?.info;
  }

  /** applyOrder of a kind (custom resources and unknown kinds: 50). */
  orderOf(kind: string): number {
    return this.get(kind)?.applyOrder ?? DEFAULT_ORDER;
  }

  /** The folder CRD defining `kind` in the group of `apiVersion`, if any. */
  folderCrdFor(kind: string, apiVersion: string): FolderCrd | undefined {
    const c = this.folder.get(kind);
    return c && c.info.group === parseApiVersion(apiVersion).group ? c : undefined;
  }

  resolve(kind: string, apiVersion: string): KindResolution {
    const served = this.served.get(kind);
    const crd = this.folderCrdFor(kind, apiVersion);
    if (served && servesApiVersion(served, apiVersion)) return { ok: true, info: served, ...(crd ? { crd } : {}) };
    if (crd && servesApiVersion(crd.info, apiVersion)) return { ok: true, info: crd.info, crd };
    return { ok: false, message: noMatchesMessage(kind, apiVersion, served ?? this.folder.get(kind)?.info) };
  }
}
