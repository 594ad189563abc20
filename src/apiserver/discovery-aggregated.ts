// Aggregated discovery (apidiscovery.k8s.io/v2, and v2beta1 for kubectl
// 1.27–1.29): every group, version and resource in one response to `/api`
// and `/apis`, so kubectl learns the whole surface in two requests instead of
// one per group/version. Clients ask for it in Accept
// (`application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList`)
// and fall back to the legacy documents when the answer is plain JSON. The
// document carries an ETag that changes with the kind registry, so a client
// revalidating with If-None-Match sees a CRD's kind the moment it is served.
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KindRegistry } from '../api/kinds.js';
import { SUBRESOURCES, VERBS } from './discovery.js';

type DiscoveryVersion = 'v2' | 'v2beta1';

/** The aggregated discovery version the client accepts, if any (v2 preferred). */
export function wantsAggregated(req: IncomingMessage): DiscoveryVersion | undefined {
  const accept = req.headers.accept ?? '';
  const offers = accept.split(',').map((s) => s.replace(/\s+/g, ''));
  for (const v of ['v2', 'v2beta1'] as const) {
    if (offers.some((o) => o.startsWith('application/json;') && o.includes('g=apidiscovery.k8s.io') && o.includes(`v=${v};`) && o.includes('as=APIGroupDiscoveryList'))) return v;
    if (offers.some((o) => o.startsWith('application/json;') && o.includes('g=apidiscovery.k8s.io') && o.endsWith(`v=${v}`) && o.includes('as=APIGroupDiscoveryList'))) return v;
  }
  return undefined;
}

function resourcesOf(kinds: KindRegistry, group: string, version: string): Record<string, unknown>[] {
  return kinds.forGroupVersion(group, version).map((info) => {
    const subresources = info.subresources
      .filter((sub) => SUBRESOURCES[sub])
      .map((sub) => {
        const s = SUBRESOURCES[sub]!;
        return {
          subresource: sub,
          responseKind: { group: s.group ?? info.group, version: s.version ?? info.version, kind: s.kind ?? info.kind },
          verbs: s.verbs,
        };
      });
    return {
      resource: info.plural,
      responseKind: { group: info.group, version: info.version, kind: info.kind },
      scope: info.namespaced ? 'Namespaced' : 'Cluster',
      singularResource: info.singular,
      verbs: info.verbs ?? VERBS,
      ...(info.shortNames.length ? { shortNames: info.shortNames } : {}),
      ...(info.categories.length ? { categories: info.categories } : {}),
      ...(subresources.length ? { subresources } : {}),
    };
  });
}

/** The APIGroupDiscoveryList for `/api` (core) or `/apis` (every named group). */
export function aggregatedDiscovery(kinds: KindRegistry, core: boolean, v: DiscoveryVersion): Record<string, unknown> {
  const byGroup = new Map<string, string[]>();
  for (const gv of kinds.groupVersions()) {
    if ((gv.group === '') !== core) continue;
    byGroup.set(gv.group, [...(byGroup.get(gv.group) ?? []), gv.version]);
  }
  const items = [...byGroup].map(([group, versions]) => ({
    metadata: { name: group, creationTimestamp: null },
    versions: versions.map((version) => ({ version, resources: resourcesOf(kinds, group, version), freshness: 'Current' })),
  }));
  return { kind: 'APIGroupDiscoveryList', apiVersion: `apidiscovery.k8s.io/${v}`, metadata: {}, items };
}

/** Cached per registry generation: the documents only change when a kind comes or goes. */
const cache = new WeakMap<KindRegistry, { generation: number; docs: Map<string, { text: string; etag: string }> }>();

export function sendAggregated(req: IncomingMessage, res: ServerResponse, kinds: KindRegistry, core: boolean, v: DiscoveryVersion): void {
  let entry = cache.get(kinds);
  if (!entry || entry.generation !== kinds.generation) cache.set(kinds, (entry = { generation: kinds.generation, docs: new Map() }));
  const key = `${core ? 'api' : 'apis'}/${v}`;
  let doc = entry.docs.get(key);
  if (!doc) {
    const text = JSON.stringify(aggregatedDiscovery(kinds, core, v));
    doc = { text, etag: `"${createHash('sha256').update(text).digest('hex').slice(0, 32)}"` };
    entry.docs.set(key, doc);
  }
  const headers = {
    'Content-Type': `application/json;g=apidiscovery.k8s.io;v=${v};as=APIGroupDiscoveryList`,
    'Cache-Control': 'public',
    Vary: 'Accept',
    ETag: doc.etag,
  };
  if (req.headers['if-none-match'] === doc.etag) {
    res.writeHead(304, headers);
    res.end();
    return;
  }
  res.writeHead(200, { ...headers, 'Content-Length': Buffer.byteLength(doc.text) });
  res.end(doc.text);
}
