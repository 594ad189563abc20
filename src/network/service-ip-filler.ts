// A stand-in for the Service admission step while the Api has no admission
// list (or for Services stored before it had one): watches Services and fills
// in a missing ClusterIP / node ports through the same allocator. It cannot
// refuse a conflicting request the way admission does, so it records a
// Warning Event (reason `FailedAllocation`) with the Kubernetes message
// instead. With the allocator registered as admission this finds nothing to do.
import type { Api } from '../api/api.js';
import { EventRecorder } from '../api/events.js';
import type { KubeObject } from '../api/meta.js';
import type { ServiceAllocator } from '../api/service-ip.js';
import type { WatchHandle } from '../api/store-types.js';

function needsAllocation(svc: KubeObject): boolean {
  const spec = svc.spec ?? {};
  if (spec.type === 'ExternalName' || svc.metadata.deletionTimestamp) return false;
  if (!spec.clusterIP) return true;
  const wantsNodePorts = spec.type === 'NodePort' || (spec.type === 'LoadBalancer' && spec.allocateLoadBalancerNodePorts !== false);
  return wantsNodePorts && (spec.ports ?? []).some((p: { nodePort?: number }) => !p.nodePort);
}

export class ServiceIPFiller {
  private watch?: WatchHandle;
  private pending: Promise<void> = Promise.resolve();
  private readonly recorder: EventRecorder;
  private release?: WatchHandle;

  constructor(private readonly opts: { api: Api; allocator: ServiceAllocator }) {
    this.recorder = new EventRecorder({ api: opts.api, component: 'service-ip-allocator' });
  }

  start(): void {
    if (this.watch) return;
    this.release = this.opts.allocator.attach(this.opts.api);
    this.watch = this.opts.api.watch('Service', { resourceVersion: '0' }, (ev) => {
      if ((ev.type === 'ADDED' || ev.type === 'MODIFIED') && needsAllocation(ev.object)) {
        const { namespace, name } = ev.object.metadata;
        this.pending = this.pending.then(() => this.fill(namespace ?? 'default', name ?? ''));
      }
    });
  }

  stop(): Promise<void> {
    this.watch?.stop();
    this.release?.stop();
    this.watch = undefined;
    return this.pending;
  }

  whenIdle(): Promise<void> {
    return this.pending;
  }

  private async fill(ns: string, name: string): Promise<void> {
    const cur = this.opts.api.get('Service', ns, name);
    if (!cur || !needsAllocation(cur)) return;
    try {
      await this.opts.api.modify('Service', ns, name, (svc) => this.opts.allocator.admit(svc));
    } catch (e) {
      const fresh = this.opts.api.get('Service', ns, name);
      if (fresh) await this.recorder.event(fresh, 'Warning', 'FailedAllocation', (e as Error).message);
    }
  }
}
