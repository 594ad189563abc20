// The rollout history view's revisions (newest first) of one Deployment, from its ReplicaSets in the watch cache.
import { useMemo } from 'react';
import type { HistoryModel } from '../actions/context.js';
import { deploymentRevisions } from '../logic/rollout.js';
import type { View } from '../types.js';
import type { WatchCache } from '../logic/watch-cache.js';

export function useHistory(cache: WatchCache, view: View): HistoryModel | undefined {
  return useMemo(() => {
    if (view.type !== 'history') return undefined;
    const d = cache.get('Deployment', view.namespace, view.name);
    if (!d) return { deploy: undefined, revisions: [] };
    return { deploy: d, revisions: deploymentRevisions(d, cache.items('ReplicaSet')).reverse() };
  }, [view, cache.version]);
}
