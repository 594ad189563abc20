// The pods behind a workload, Service or Job (its pod selector), for drill-down,
// logs and port-forwards.
import type { KubeObject, LabelSelector } from '../../src/api/meta.js';
import { selectorMatcher } from '../logic/selector.js';
import type { WatchCache } from '../logic/watch-cache.js';

/** The pod selector of a workload, Service or Job. */
export function podSelectorOf(obj: KubeObject): LabelSelector | undefined {
  if (obj.kind === 'Service') {
    const sel = obj.spec?.selector as Record<string, string> | undefined;
    return sel && Object.keys(sel).length ? { matchLabels: sel } : undefined;
  }
  return obj.spec?.selector as LabelSelector | undefined;
}

/** The names of the pods `obj` selects in its namespace, sorted. */
export function podsOf(cache: WatchCache, obj: KubeObject): string[] {
  const sel = podSelectorOf(obj);
  if (!sel) return [];
  const match = selectorMatcher(sel);
  return cache
    .items('Pod')
    .filter((p) => p.metadata.namespace === obj.metadata.namespace && match(p.metadata.labels))
    .map((p) => p.metadata.name ?? '')
    .sort();
}
