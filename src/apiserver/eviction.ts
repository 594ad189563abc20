// POST pods/<name>/eviction (policy/v1 Eviction), what `kubectl drain` uses:
// the pod is deleted with the eviction's DeleteOptions unless the
// PodDisruptionBudget covering it forbids it (src/api/eviction.ts): then 429
// TooManyRequests with the budget's DisruptionBudget cause, which kubectl
// drain retries every 5s. An admitted eviction answers a Success Status with
// code 201, as Kubernetes sends.
import { badRequest } from '../api/errors.js';
import type { PropagationPolicy } from '../api/api.js';
import { evictPod } from '../api/eviction.js';
import type { Eviction } from '../api/types/policy.js';
import { decodeObject, mediaType, readBody } from './body.js';
import type { ResourceContext } from './resources.js';
import { sendJson } from './respond.js';

export async function handleEviction(c: ResourceContext): Promise<void> {
  const { api, rr } = c;
  const body = await readBody(c.req, c.maxBodyBytes);
  const eviction = decodeObject(body, mediaType(c.req)) as Eviction;
  if (eviction.metadata?.name && eviction.metadata.name !== rr.name) {
    throw badRequest(`name in URL does not match name in Eviction object`);
  }
  const opts = eviction.deleteOptions ?? {};
  // propagateDryRun: the request's dryRun and the eviction's must agree when both are given.
  const queryDry = c.query.getAll('dryRun');
  const bodyDry = Array.isArray(opts.dryRun) ? opts.dryRun : [];
  if (queryDry.length && bodyDry.length && JSON.stringify(queryDry) !== JSON.stringify(bodyDry)) {
    throw badRequest(`Non-matching dry-run options in request and content: [${queryDry.join(' ')}] and [${bodyDry.join(' ')}]`);
  }
  const pre = opts.preconditions;
  await evictPod(api, rr.namespace, rr.name, {
    gracePeriodSeconds: typeof opts.gracePeriodSeconds === 'number' ? opts.gracePeriodSeconds : undefined,
    propagationPolicy: opts.propagationPolicy as PropagationPolicy | undefined,
    preconditions: pre && (pre.uid !== undefined || pre.resourceVersion !== undefined) ? { ...(pre.uid !== undefined ? { uid: pre.uid } : {}), ...(pre.resourceVersion !== undefined ? { resourceVersion: pre.resourceVersion } : {}) } : undefined,
    dryRun: queryDry.length > 0 || bodyDry.length > 0,
  });
  sendJson(c.res, 201, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 });
}
