// Wraps a ClusterClient so that what the folder sync does is printed as it
// happens — `deployment.apps/web created`, `service/old pruned` — without the
// sync knowing anyone is listening. Every other call passes straight through.
import type { KubeObject } from '../api/meta.js';
import type { ApplyResult, ClusterClient } from '../client/types.js';

export interface ReportHooks {
  onApplied(obj: KubeObject, action: ApplyResult['action'], dryRun: boolean): void;
  onDeleted(kind: string, namespace: string, name: string): void;
}

export function reportingClient(inner: ClusterClient, hooks: ReportHooks): ClusterClient {
  return new Proxy(inner, {
    get(target, prop, receiver) {
      if (prop === 'apply') {
        return async (obj: KubeObject, opts?: { fieldManager?: string; dryRun?: boolean }) => {
          const res = await target.apply(obj, opts);
          hooks.onApplied(res.object, res.action, !!opts?.dryRun);
          return res;
        };
      }
      if (prop === 'delete') {
        return async (kind: string, namespace: string, name: string, opts?: Parameters<ClusterClient['delete']>[3]) => {
          await target.delete(kind, namespace, name, opts);
          hooks.onDeleted(kind, namespace, name);
        };
      }
      const v = Reflect.get(target, prop, receiver);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}
