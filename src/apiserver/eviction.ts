// POST pods/<name>/eviction (policy/v1 Eviction), what `kubectl drain` uses:
// the pod is deleted with the eviction's DeleteOptions. PodDisruptionBudgets
// are not served by kubeterm, so no eviction is ever refused for budget
// reasons; the answer is a Success Status with code 201, as Kubernetes sends.
import { badRequest } from '../api/errors.js';
import type { PropagationPolicy } from '../api/api.js';
import { decodeObject, mediaType, readBody } from './body.js';
import type { ResourceContext } from './resources.js';
import { sendJson } from './respond.js';

export async function handleEviction(c: ResourceContext): Promise<void> {
  const { api, rr } = c;
  const body = await readBody(c.req, c.maxBodyBytes);
  const eviction = decodeObject(body, mediaType(c.req)) as { kind?: string; metadata?: { name?: string }; deleteOptions?: Record<string, unknown> };
  if (eviction.metadata?.name && eviction.metadata.name !== rr.name) {
    throw badRequest(`name in URL does not match name in Eviction object`);
  }
  api.mustGet('Pod', rr.namespace, rr.name);
  const opts = eviction.deleteOptions ?? {};
  await api.delete('Pod', rr.namespace, rr.name, {
    gracePeriodSeconds: typeof opts.gracePeriodSeconds === 'number' ? opts.gracePeriodSeconds : undefined,
    propagationPolicy: opts.propagationPolicy as PropagationPolicy | undefined,
  });
  sendJson(c.res, 201, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 });
}
