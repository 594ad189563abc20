// `kubectl rollout restart`: a new pod-template annotation makes the workload
// controller roll every pod, without changing anything else.
import type { Api } from '../api/api.js';
import { badRequest } from '../api/errors.js';
import { restartPatch } from '../api/rollout.js';

export const RESTARTABLE_KINDS = ['Deployment', 'DaemonSet', 'StatefulSet'];

export async function restartWorkload(api: Api, kind: string, plural: string, namespace: string, name: string): Promise<void> {
  if (!RESTARTABLE_KINDS.includes(kind)) throw badRequest(`${plural} "${name}" restarting is not supported`);
  const cur = api.mustGet(kind, namespace, name);
  if (kind === 'Deployment' && cur.spec?.paused) throw badRequest(`can't restart paused deployment (run rollout resume first)`);
  await api.patch(kind, namespace, name, 'strategic', restartPatch(api.nowMs()));
}
