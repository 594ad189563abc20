// The ResourceQuota controller (pkg/controller/resourcequota): keeps each
// quota's status.hard equal to spec.hard and status.used equal to what the
// namespace holds now, recounted whenever a counted object changes. The
// admission plugin (src/api/admission) enforces; this only reports.
import type { Api } from '../api/api.js';
import { kindsFor, namespaceUsage } from '../api/admission/quota-usage.js';
import { splitNsName } from '../api/meta.js';
import { formatQuantity } from '../api/quantity.js';
import type { ResourceQuota } from '../api/types/config.js';
import type { WatchEvent } from '../api/store-types.js';
import type { Clock } from '../util/clock.js';
import { Controller } from './controller.js';
import { selfKey } from './informer.js';

export interface QuotaControllerOptions {
  api: Api;
  clock: Clock;
  workers?: number;
}

const IGNORED = new Set(['Event', 'ResourceQuota', 'Lease', 'Node', 'Namespace']);

export function newResourceQuotaController(opts: QuotaControllerOptions): Controller {
  const { api, clock } = opts;

  /** Any counted object's change → the quotas of its namespace that count its kind. */
  const objectKeys = (ev: WatchEvent): string[] => {
    const o = ev.object;
    if (IGNORED.has(o.kind) || !o.metadata.namespace) return [];
    return api
      .list('ResourceQuota', { namespace: o.metadata.namespace })
      .items.filter((q) => Object.keys(q.spec?.hard ?? {}).some((n) => kindsFor(n).includes(o.kind)))
      .map((q) => `${q.metadata.namespace}/${q.metadata.name}`);
  };

  const reconcile = async (key: string): Promise<void> => {
    const { namespace, name } = splitNsName(key);
    const q = api.get('ResourceQuota', namespace, name);
    if (!q || q.metadata.deletionTimestamp) return;
    const hard = q.spec?.hard ?? {};
    const used = namespaceUsage(api.store, namespace, Object.keys(hard));
    const status = {
      hard: { ...hard },
      used: Object.fromEntries([...used].map(([k, v]) => [k, formatQuantity(v)])),
    };
    if (JSON.stringify(status) === JSON.stringify(q.status ?? {})) return;
    await api.modify<ResourceQuota>('ResourceQuota', namespace, name, (o) => {
      o.status = status;
    }, { status: true });
  };

  return new Controller({
    name: 'resourcequota-controller',
    api,
    clock,
    reconcile,
    workers: opts.workers,
    watches: [
      { kind: 'ResourceQuota', toKeys: selfKey },
      { kind: '*', toKeys: objectKeys },
    ],
  });
}
