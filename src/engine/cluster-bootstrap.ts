// What every engine writes into its store before any part starts: the system
// namespaces, the instance id that lets kubelets re-adopt their own containers
// after a restart (and no one else's), and the Service allocator's admission
// plugin. Idempotent: a restart finds them and writes nothing.
import type { AdmissionPlugin } from '../api/admission/index.js';
import type { Api } from '../api/api.js';
import { isStatusError } from '../api/errors.js';
import type { KubeObject } from '../api/meta.js';
import type { ServiceAllocator } from '../api/service-ip.js';
import { SYSTEM_NAMESPACES } from '../api/system-namespaces.js';

const INSTANCE_CONFIGMAP = 'kubeterm-instance';

export async function ensureSystemNamespaces(api: Api): Promise<void> {
  for (const name of SYSTEM_NAMESPACES) {
    if (api.get('Namespace', '', name)) continue;
    await createIfAbsent(api, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  }
}

/** A stable id for this state file, kept in kube-system/kubeterm-instance. */
export async function ensureInstanceId(api: Api): Promise<string> {
  const cur = api.get('ConfigMap', 'kube-system', INSTANCE_CONFIGMAP);
  const id = (cur?.data as Record<string, string> | undefined)?.id;
  if (id) return id;
  const fresh = globalThis.crypto.randomUUID().slice(0, 8);
  await createIfAbsent(api, {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: INSTANCE_CONFIGMAP, namespace: 'kube-system' },
    data: { id: fresh },
  });
  return (api.get('ConfigMap', 'kube-system', INSTANCE_CONFIGMAP)?.data as Record<string, string>).id!;
}

/** The Service allocator as an admission plugin: fills in (or refuses) ClusterIPs and node ports. */
export function serviceAllocation(allocator: ServiceAllocator): AdmissionPlugin {
  return {
    name: allocator.name,
    admit(attrs) {
      if (attrs.object.kind !== 'Service') return;
      const out = allocator.admit(attrs.object, attrs.oldObject, { dryRun: attrs.dryRun });
      attrs.object.spec = out.spec;
    },
  };
}

async function createIfAbsent(api: Api, obj: KubeObject): Promise<void> {
  try {
    await api.create(obj);
  } catch (e) {
    // A second engine on the same state file, or a restart racing itself: the object is there, which is all we need.
    if (!isStatusError(e, 'AlreadyExists')) throw e;
  }
}
