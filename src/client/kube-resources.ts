// Which URL a kind lives at on a Kubernetes API server. The kinds kubeterm
// knows come from src/api/kinds.ts (plural, group, scope); anything else — a
// CustomResource in a manifest, another version of a known group — is looked
// up once in the server's discovery document for its group/version, as
// kubectl's RESTMapper does, and remembered.
import { badRequest } from '../api/errors.js';
import { apiVersionOf, kindInfo, parseApiVersion, resolveResource, type KindInfo } from '../api/kinds.js';
import type { KubeObject } from '../api/meta.js';
import type { KubeHttp } from './kube-http.js';

/** What a path needs: where the kind's group/version is served, its plural and scope. */
export interface ResourceRef {
  kind: string;
  apiVersion: string;
  plural: string;
  namespaced: boolean;
  subresources: string[];
}

export function refOf(info: KindInfo): ResourceRef {
  return { kind: info.kind, apiVersion: apiVersionOf(info), plural: info.plural, namespaced: info.namespaced, subresources: info.subresources };
}

/** `pods`, `po`, `Pod`, `deployments.apps` … → the kind's KindInfo, or kubectl's error. */
export function requireKnownKind(kind: string): KindInfo {
  const info = kindInfo(kind) ?? resolveResource(kind);
  if (!info) throw badRequest(`the server doesn't have a resource type "${kind}"`);
  return info;
}

/** `/api/v1` or `/apis/apps/v1`. */
export function groupVersionPath(apiVersion: string): string {
  const { group, version } = parseApiVersion(apiVersion);
  return group ? `/apis/${group}/${version}` : `/api/${version}`;
}

/**
 * The collection or object path. An empty namespace on a namespaced kind
 * means all namespaces (lists and watches only).
 */
export function resourcePath(ref: ResourceRef, namespace: string | undefined, name?: string, subresource?: string): string {
  let p = groupVersionPath(ref.apiVersion);
  if (ref.namespaced && namespace) p += `/namespaces/${encodeURIComponent(namespace)}`;
  p += `/${ref.plural}`;
  if (name !== undefined) p += `/${encodeURIComponent(name)}`;
  if (subresource) p += `/${subresource}`;
  return p;
}

interface DiscoveredResource {
  name: string;
  kind: string;
  namespaced: boolean;
}

/** Resolves kinds to paths, asking the server's discovery for those not in kubeterm's table. */
export class ResourceResolver {
  private readonly discovered = new Map<string, Promise<DiscoveredResource[]>>();

  constructor(private readonly http: KubeHttp) {}

  /** The resource for an object, by its apiVersion and kind. */
  async forObject(obj: KubeObject): Promise<ResourceRef> {
    const kind = obj.kind;
    const apiVersion = obj.apiVersion;
    if (!kind) throw badRequest(`Object 'Kind' is missing in '${JSON.stringify(obj)}'`);
    const known = kindInfo(kind);
    if (known && (!apiVersion || apiVersion === apiVersionOf(known))) return refOf(known);
    if (!apiVersion) throw badRequest(`Object 'apiVersion' is missing for kind "${kind}"`);
    const resources = await this.discover(apiVersion);
    const r = resources.find((x) => x.kind === kind && !x.name.includes('/'));
    if (!r) {
      throw badRequest(`resource mapping not found for kind "${kind}" in version "${apiVersion}": ensure CRDs are installed first`);
    }
    return {
      kind,
      apiVersion,
      plural: r.name,
      namespaced: r.namespaced,
      subresources: resources.filter((x) => x.name.startsWith(`${r.name}/`)).map((x) => x.name.slice(r.name.length + 1)),
    };
  }

  private discover(apiVersion: string): Promise<DiscoveredResource[]> {
    let p = this.discovered.get(apiVersion);
    if (!p) {
      p = this.http.json<{ resources?: DiscoveredResource[] }>({ method: 'GET', path: groupVersionPath(apiVersion) }).then(
        (doc) => doc?.resources ?? [],
        (e) => {
          // A failed lookup is not remembered: the CRD may be installed a moment later.
          this.discovered.delete(apiVersion);
          if ((e as { code?: number }).code === 404) return [];
          throw e;
        },
      );
      this.discovered.set(apiVersion, p);
    }
    return p;
  }
}
