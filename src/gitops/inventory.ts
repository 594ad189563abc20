// The inventory: which objects this folder sync created, kept in the cluster
// as a ConfigMap (kube-system/kubeterm-sync-<name>) so that a restarted
// kubeterm — or one attached to a real cluster — knows exactly what it owns.
// Prune deletes only inventory entries, and only when the live object still
// has the recorded uid and the sync's annotation.
import { isStatusError } from '../api/errors.js';
import type { KubeObject } from '../api/meta.js';
import type { ClusterClient } from '../client/types.js';
import { INVENTORY_NAMESPACE, inventoryName, MANAGED_BY_LABEL, SYNC_ANNOTATION } from './labels.js';

export interface InventoryEntry {
  kind: string;
  namespace: string;
  name: string;
  uid: string;
  /** Source file, relative to the folder. */
  file: string;
}

const DATA_KEY = 'inventory.json';

export const entryKey = (e: { kind: string; namespace: string; name: string }): string => `${e.kind}/${e.namespace}/${e.name}`;

export class InventoryStore {
  private lastSaved = '';

  constructor(
    private readonly client: ClusterClient,
    private readonly syncName: string,
    private readonly folder: string,
  ) {}

  get name(): string {
    return inventoryName(this.syncName);
  }

  /** The ConfigMap as an Event's involved object. */
  ref(): KubeObject {
    return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: this.name, namespace: INVENTORY_NAMESPACE } };
  }

  async load(): Promise<Map<string, InventoryEntry>> {
    const out = new Map<string, InventoryEntry>();
    const cm = await this.client.get('ConfigMap', INVENTORY_NAMESPACE, this.name);
    const raw = (cm?.data as Record<string, string> | undefined)?.[DATA_KEY];
    if (!raw) return out;
    try {
      for (const e of JSON.parse(raw) as InventoryEntry[]) {
        if (e && typeof e.kind === 'string' && typeof e.name === 'string') out.set(entryKey(e), e);
      }
      this.lastSaved = serialize(out);
    } catch {
      // A corrupt inventory owns nothing: prune must err on the side of keeping objects.
    }
    return out;
  }

  /** Writes the inventory when it changed. */
  async save(entries: Map<string, InventoryEntry>): Promise<void> {
    const text = serialize(entries);
    if (text === this.lastSaved) return;
    for (let attempt = 0; ; attempt++) {
      const cur = await this.client.get('ConfigMap', INVENTORY_NAMESPACE, this.name);
      const body: KubeObject = {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: {
          name: this.name,
          namespace: INVENTORY_NAMESPACE,
          // Labelled as kubeterm's, but without the sync annotation: the inventory never prunes itself.
          labels: { [MANAGED_BY_LABEL]: 'kubeterm' },
          annotations: { [`${SYNC_ANNOTATION}-folder`]: this.folder },
          ...(cur ? { resourceVersion: cur.metadata.resourceVersion } : {}),
        },
        data: { [DATA_KEY]: text },
      };
      try {
        if (cur) await this.client.update(body);
        else await this.client.create(body);
        this.lastSaved = text;
        return;
      } catch (e) {
        if (attempt < 3 && (isStatusError(e, 'Conflict') || isStatusError(e, 'AlreadyExists'))) continue;
        throw e;
      }
    }
  }
}

function serialize(entries: Map<string, InventoryEntry>): string {
  const list = [...entries.values()].sort((a, b) => entryKey(a).localeCompare(entryKey(b)));
  return JSON.stringify(list.map((e) => ({ kind: e.kind, namespace: e.namespace, name: e.name, uid: e.uid, file: e.file })));
}
