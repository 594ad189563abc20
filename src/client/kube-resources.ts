// Which URL a kind lives at on a Kubernetes API server. The kinds come from
// the server's discovery (kube-discovery.ts: plural, group, scope); an object
// whose kind discovery has not shown yet — a CustomResource whose CRD was
// installed a moment ago — is looked up once in the discovery document of its
// group/version, as kubectl's RESTMapper does, and remembered.
import { badRequest } from '../api/errors.js';
import { apiVersionOf, parseApiVersion, type KindInfo } from '../api/kinds.js';
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

/** kubectl's words for a resource name the server does not serve. */
export function unknownResource(kind: string): Error {
  return badRequest(`the server doesn't have a resource type "${kind}"`);
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

/** The kind discovery shows for an object's kind and apiVersion (in that version), if any. */
export type KindLookup = (kind: string, apiVersion: string | undefined) => KindInfo | undefined;

/** Resolves kinds to paths, asking a group/version's discovery document for those the resource list does not show. */
export class ResourceResolver {
  private readonly discovered = new Map<string, Promise<DiscoveredResource[]>>();

  constructor(
    private readonly http: KubeHttp,
    private readonly known: KindLookup,
  ) {}

  /** Forgets the group/version documents read so far (the server's resources changed). */
  forget(): void {
    this.discovered.clear();
  }

  /** The resource for an object, by its apiVersion and kind. */
  async forObject(obj: KubeObject): Promise<ResourceRef> {
    const kind = obj.kind;
    const apiVersion = obj.apiVersion;
    if (!kind) throw badRequest(`Object 'Kind' is missing in '${JSON.stringify(obj)}'`);
    const known = this.known(kind, apiVersion);
    if (known) return refOf(known);
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
