// The scale subresource (autoscaling/v1 Scale) of Deployments, ReplicaSets and
// StatefulSets: GET reads spec.replicas/status.replicas and the selector; PUT
// and PATCH (kubectl scale sends a merge patch) change spec.replicas through
// Api.scale, which validates the count.
import type { Api } from '../api/api.js';
import { StatusError, badRequest, invalid, staleConflict } from '../api/errors.js';
import type { KubeObject } from '../api/meta.js';
import { PATCH_CONTENT_TYPES, applyPatch } from '../api/patch/index.js';
import type { KindInfo } from '../api/kinds.js';
import { readScale } from '../api/scale-subresource.js';
import { decodeObject, mediaType, parseJson, readBody } from './body.js';
import type { ResourceContext } from './resources.js';
import { sendJson } from './respond.js';

export function toScale(info: KindInfo, obj: KubeObject): KubeObject {
  const s = readScale(info, obj);
  const m = obj.metadata;
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { name: m.name, namespace: m.namespace, uid: m.uid, resourceVersion: m.resourceVersion, creationTimestamp: m.creationTimestamp },
    spec: { replicas: s.specReplicas },
    status: { replicas: s.statusReplicas, selector: s.selector },
  };
}

async function setReplicas(api: Api, c: ResourceContext, scale: KubeObject, current: KubeObject): Promise<void> {
  const replicas = scale.spec?.replicas;
  if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
    // The Scale kind lives in autoscaling (not a served kind of its own), so its error names Scale.autoscaling.
    const e = invalid('Scale', c.rr.name, [{ type: 'Invalid', field: 'spec.replicas', value: replicas, detail: 'must be greater than or equal to 0' }]);
    throw new StatusError(422, 'Invalid', e.message.replace(/^Scale /, 'Scale.autoscaling '), { ...e.details, group: 'autoscaling', kind: 'Scale' });
  }
  const rv = scale.metadata?.resourceVersion;
  if (rv && rv !== current.metadata.resourceVersion) throw staleConflict(c.rr.info.kind, c.rr.name);
  const out = await api.scale(c.rr.info.kind, c.rr.namespace, c.rr.name, replicas);
  sendJson(c.res, 200, toScale(c.rr.info, out));
}

export async function handleScale(c: ResourceContext): Promise<void> {
  const { api, rr } = c;
  const current = api.mustGet(rr.info.kind, rr.namespace, rr.name);
  const method = c.req.method;
  if (method === 'GET') {
    sendJson(c.res, 200, toScale(rr.info, current));
    return;
  }
  const body = await readBody(c.req, c.maxBodyBytes);
  if (method === 'PUT') {
    const scale = decodeObject(body, mediaType(c.req)) as KubeObject;
    await setReplicas(api, c, { ...scale, metadata: scale.metadata ?? {} }, current);
    return;
  }
  const type = PATCH_CONTENT_TYPES[mediaType(c.req)];
  if (!type || type === 'apply') throw badRequest(`unsupported patch type for the scale subresource: ${mediaType(c.req)}`);
  let next: KubeObject;
  try {
    next = applyPatch(toScale(rr.info, current), type, parseJson(body), 'Scale') as KubeObject;
  } catch (e) {
    throw badRequest(`the patch could not be applied to the scale of ${rr.info.kind} "${rr.name}": ${(e as Error).message}`);
  }
  // A patch that does not name a resourceVersion never conflicts.
  next.metadata = { ...next.metadata, resourceVersion: current.metadata.resourceVersion };
  await setReplicas(api, c, next, current);
}
