// The lines of the text views: describe (with CPU/MEM sparklines above a pod
// or node), YAML (Secrets masked until revealed), `?` help from the key
// bindings, :sync, and the diff of one synced object.
import { useMemo } from 'react';
import type { KindInfo } from '../../src/api/kinds.js';
import type { Binding } from '../keys.js';
import { describe } from '../logic/describe.js';
import { helpLines } from '../logic/help.js';
import { findKind } from '../logic/kinds.js';
import type { SyncViewModel } from '../logic/sync-view.js';
import { goneText, metricsLines } from '../logic/view-text.js';
import { objectYaml } from '../logic/yaml-text.js';
import type { View, ViewUi } from '../types.js';
import type { WatchCache } from '../logic/watch-cache.js';
import type { MetricsState } from './use-metrics.js';
import type { ObjectSource } from './use-object-source.js';

export interface TextInputs {
  view: View;
  ui: ViewUi;
  cache: WatchCache;
  kinds: readonly KindInfo[];
  source: ObjectSource;
  bindings: readonly Binding[];
  metrics: MetricsState;
  syncModel: SyncViewModel;
  diffLines: string[] | undefined;
  now: number;
}

const notFound = (view: { kind: string; namespace: string; name: string }) => `${view.kind} ${view.namespace ? `${view.namespace}/` : ''}${view.name} not found (deleted?)`;

export function useTextLines({ view, ui, cache, kinds, source, bindings, metrics, syncModel, diffLines, now }: TextInputs): string[] | undefined {
  return useMemo(() => {
    switch (view.type) {
      case 'describe': {
        if (!source.served(view.kind)) return [goneText(view.kind)];
        const obj = source.object(view.kind, view.namespace, view.name);
        if (!obj) return [notFound(view)];
        const info = findKind(kinds, view.kind);
        // What kubectl's describer also reads (a Deployment's ReplicaSets, a Node's Pods and Lease…), from the watch cache, when served.
        const lookup = (k: string) => (findKind(kinds, k) ? cache.items(k) : []);
        const lines = describe(obj, cache.items('Event'), now, info?.namespaced ?? true, { generic: !!info?.custom, lookup }).split('\n');
        const series = view.kind === 'Pod' ? metrics.pods.get(`${view.namespace}/${view.name}`) : view.kind === 'Node' ? metrics.nodes.get(view.name) : undefined;
        return series ? [...metricsLines(series), ...lines] : lines;
      }
      case 'yaml': {
        if (!source.served(view.kind)) return [goneText(view.kind)];
        const obj = source.object(view.kind, view.namespace, view.name);
        if (!obj) return [notFound(view)];
        return objectYaml(obj, { reveal: ui.reveal }).trimEnd().split('\n');
      }
      case 'help':
        return helpLines(bindings, view.scopes);
      case 'sync':
        return syncModel.lines;
      case 'sync-diff':
        return diffLines ?? [];
      default:
        return undefined;
    }
  }, [view, ui.reveal, cache.version, now, bindings, metrics, source, kinds, syncModel, diffLines]);
}
