// `kubectl rollout undo deployment/NAME [--to-revision=N]` over the Api: list
// the ReplicaSets the Deployment controls, let src/api/rollout.ts pick the
// revision and build kubectl's patch (template minus pod-template-hash, plus
// the annotations to carry), and send it as a JSON patch. The deployment
// controller then re-adopts that ReplicaSet under the next revision number.
import type { Api } from '../api/api.js';
import { badRequest } from '../api/errors.js';
import { rollbackTemplate } from '../api/rollout.js';

export async function rollbackDeployment(api: Api, namespace: string, name: string, toRevision: number): Promise<{ from: number; to: number }> {
  const deploy = api.mustGet('Deployment', namespace, name);
  const replicaSets = api.list('ReplicaSet', { namespace: deploy.metadata.namespace }).items;
  const plan = rollbackTemplate(deploy, replicaSets, toRevision || undefined);
  if (plan.skipped) throw badRequest(`skipped rollback (current template already matches revision ${plan.to})`);
  await api.patch('Deployment', namespace, name, 'json', plan.patch);
  return { from: plan.from, to: plan.to };
}
