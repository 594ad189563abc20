// HorizontalPodAutoscaler served as autoscaling/v2 (stored, preferred) and
// autoscaling/v1 (converted at the edge), over raw HTTP: discovery, POST in
// v1, GET/list/watch/table in either version, PUT/PATCH/apply in v1, and
// validation errors that name the v1 field.
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { METRIC_SPECS_ANNOTATION } from '../../src/api/convert/hpa-v1.js';
import { onChunkLines } from '../helpers/http.js';
import { startTestServer, type TestServer } from './harness.js';

let s: TestServer;

beforeAll(async () => {
  s = await startTestServer({}, { tls: false });
});
afterAll(async () => {
  await s?.close();
});

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(s.url + path, {
    method,
    headers: { Authorization: `Bearer ${s.token}`, 'Content-Type': 'application/json', ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: JSON.parse(text) };
}

function watch(path: string, count: number): Promise<any[]> {
  return new Promise((resolve, reject) => {
    const events: any[] = [];
    const req = httpRequest(s.url + path, { headers: { Authorization: `Bearer ${s.token}` } }, (res) => {
      onChunkLines(res, (lines) => {
        for (const line of lines) events.push(JSON.parse(line));
        if (events.length >= count) {
          req.destroy();
          resolve(events);
        }
      });
    });
    req.on('error', reject);
    req.end();
  });
}

const V1 = '/apis/autoscaling/v1/namespaces/default/horizontalpodautoscalers';
const V2 = '/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers';
const ref = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' };
const cpu = (pct: number) => ({ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: pct } } });
const hpaV1 = (name: string, spec: Record<string, unknown> = {}) => ({
  apiVersion: 'autoscaling/v1',
  kind: 'HorizontalPodAutoscaler',
  metadata: { name },
  spec: { scaleTargetRef: ref, minReplicas: 1, maxReplicas: 10, targetCPUUtilizationPercentage: 50, ...spec },
});

describe('discovery', () => {
  it('lists autoscaling/v2 and autoscaling/v1, preferring v2, as Kubernetes', async () => {
    const group = (await call('GET', '/apis/autoscaling')).json;
    expect(group.versions).toEqual([
      { groupVersion: 'autoscaling/v2', version: 'v2' },
      { groupVersion: 'autoscaling/v1', version: 'v1' },
    ]);
    expect(group.preferredVersion).toEqual({ groupVersion: 'autoscaling/v2', version: 'v2' });
    const all = (await call('GET', '/apis')).json;
    expect(all.groups.find((g: any) => g.name === 'autoscaling').preferredVersion.version).toBe('v2');
  });

  it('serves the resource list and an OpenAPI document for autoscaling/v1', async () => {
    const list = (await call('GET', '/apis/autoscaling/v1')).json;
    expect(list.groupVersion).toBe('autoscaling/v1');
    expect(list.resources.map((r: any) => r.name)).toEqual(['horizontalpodautoscalers', 'horizontalpodautoscalers/status']);
    expect(list.resources[0]).toMatchObject({ kind: 'HorizontalPodAutoscaler', shortNames: ['hpa'], namespaced: true });
    const index = (await call('GET', '/openapi/v3')).json;
    expect(Object.keys(index.paths)).toEqual(expect.arrayContaining(['apis/autoscaling/v1', 'apis/autoscaling/v2']));
    const doc = (await call('GET', '/openapi/v3/apis/autoscaling/v1')).json;
    expect(doc.paths[`${V1.replace('default', '{namespace}')}/{name}`].patch['x-kubernetes-group-version-kind']).toEqual({ group: 'autoscaling', version: 'v1', kind: 'HorizontalPodAutoscaler' });
  });
});

describe('one object, two versions', () => {
  it('creates in v1, stores v2 and answers in the version asked for', async () => {
    const created = await call('POST', V1, hpaV1('web'));
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ apiVersion: 'autoscaling/v1', spec: { scaleTargetRef: ref, minReplicas: 1, maxReplicas: 10, targetCPUUtilizationPercentage: 50 } });
    expect(s.api.get('HorizontalPodAutoscaler', 'default', 'web')!.spec.metrics).toEqual([cpu(50)]);

    const asV2 = (await call('GET', `${V2}/web`)).json;
    expect(asV2.apiVersion).toBe('autoscaling/v2');
    expect(asV2.spec).toEqual({ scaleTargetRef: ref, minReplicas: 1, maxReplicas: 10, metrics: [cpu(50)] });
    const asV1 = (await call('GET', `${V1}/web`)).json;
    expect(asV1.apiVersion).toBe('autoscaling/v1');
    expect(asV1.spec).toEqual({ scaleTargetRef: ref, minReplicas: 1, maxReplicas: 10, targetCPUUtilizationPercentage: 50 });
    expect(asV1.metadata.uid).toBe(asV2.metadata.uid);
  });

  it('shows a v2-only metric to v1 clients in the annotation and keeps it through a v1 update', async () => {
    const v2 = {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'mem' },
      spec: { scaleTargetRef: ref, maxReplicas: 5, metrics: [{ type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '500Mi' } } }, cpu(60)] },
    };
    expect((await call('POST', V2, v2)).status).toBe(201);
    const asV1 = (await call('GET', `${V1}/mem`)).json;
    expect(asV1.spec.targetCPUUtilizationPercentage).toBe(60);
    expect(JSON.parse(asV1.metadata.annotations[METRIC_SPECS_ANNOTATION])).toEqual([{ type: 'Resource', resource: { name: 'memory', targetAverageValue: '500Mi' } }]);
    // A v1 client writes back what it read, with a new target: the memory metric survives.
    asV1.spec.targetCPUUtilizationPercentage = 70;
    const put = await call('PUT', `${V1}/mem`, asV1);
    expect(put.status).toBe(200);
    expect(put.json.apiVersion).toBe('autoscaling/v1');
    const stored = s.api.get('HorizontalPodAutoscaler', 'default', 'mem')!;
    expect(stored.spec.metrics).toEqual([{ type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '500Mi' } } }, cpu(70)]);
    expect(stored.metadata.annotations).toBeUndefined();
  });

  it('lists in v1 (JSON and Table) with v1 items', async () => {
    const list = (await call('GET', V1)).json;
    expect(list.kind).toBe('HorizontalPodAutoscalerList');
    expect(list.apiVersion).toBe('autoscaling/v1');
    expect(list.items.map((i: any) => [i.apiVersion, i.metadata.name, i.spec.targetCPUUtilizationPercentage])).toEqual([
      ['autoscaling/v1', 'mem', 70],
      ['autoscaling/v1', 'web', 50],
    ]);
    const table = (await call('GET', `${V1}?includeObject=Object`, undefined, { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' })).json;
    expect(table.columnDefinitions.map((c: any) => c.name)).toEqual(['Name', 'Reference', 'Targets', 'MinPods', 'MaxPods', 'Replicas', 'Age']);
    expect(table.rows[1].cells.slice(0, 6)).toEqual(['web', 'Deployment/web', 'cpu: <unknown>/50%', '1', 10, 0]);
    expect(table.rows[1].object.apiVersion).toBe('autoscaling/v1');
  });

  it('watches in v1: the initial state and later changes arrive as v1 objects', async () => {
    const rv = s.store.resourceVersion();
    const initial = await watch(`${V1}?watch=true&resourceVersion=0`, 2);
    expect(initial.map((e) => [e.type, e.object.apiVersion, e.object.metadata.name])).toEqual([
      ['ADDED', 'autoscaling/v1', 'mem'],
      ['ADDED', 'autoscaling/v1', 'web'],
    ]);
    const later = watch(`${V1}?watch=true&resourceVersion=${rv}`, 1);
    await call('PATCH', `${V2}/web`, { spec: { maxReplicas: 12 } }, { 'Content-Type': 'application/merge-patch+json' });
    const [ev] = await later;
    expect(ev.type).toBe('MODIFIED');
    expect(ev.object).toMatchObject({ apiVersion: 'autoscaling/v1', spec: { maxReplicas: 12, targetCPUUtilizationPercentage: 50 } });
    expect(ev.object.spec.metrics).toBeUndefined();
  });

  it('patches v1 fields through the v1 endpoint (merge and strategic)', async () => {
    const merge = await call('PATCH', `${V1}/web`, { spec: { targetCPUUtilizationPercentage: 65 } }, { 'Content-Type': 'application/merge-patch+json' });
    expect(merge.status).toBe(200);
    expect(merge.json.spec.targetCPUUtilizationPercentage).toBe(65);
    const smp = await call('PATCH', `${V1}/web`, { spec: { minReplicas: 2 } }, { 'Content-Type': 'application/strategic-merge-patch+json' });
    expect(smp.json.spec).toMatchObject({ minReplicas: 2, targetCPUUtilizationPercentage: 65 });
    expect(s.api.get('HorizontalPodAutoscaler', 'default', 'web')!.spec).toMatchObject({ minReplicas: 2, metrics: [cpu(65)] });
  });

  it('server-side applies a v1 configuration', async () => {
    const config = JSON.stringify({ ...hpaV1('ssa', { targetCPUUtilizationPercentage: 40 }) });
    const created = await call('PATCH', `${V1}/ssa?fieldManager=tester`, config, { 'Content-Type': 'application/apply-patch+yaml' });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ apiVersion: 'autoscaling/v1', spec: { targetCPUUtilizationPercentage: 40 } });
    const again = await call('PATCH', `${V1}/ssa?fieldManager=tester`, JSON.stringify(hpaV1('ssa', { targetCPUUtilizationPercentage: 45 })), { 'Content-Type': 'application/apply-patch+yaml' });
    expect(again.status).toBe(200);
    expect(s.api.get('HorizontalPodAutoscaler', 'default', 'ssa')!.spec.metrics).toEqual([cpu(45)]);
  });

  it('writes status through the v1 status subresource', async () => {
    const cur = (await call('GET', `${V1}/web`)).json;
    const put = await call('PUT', `${V1}/web/status`, { ...cur, status: { currentReplicas: 2, desiredReplicas: 3, currentCPUUtilizationPercentage: 44 } });
    expect(put.status).toBe(200);
    expect(put.json.status).toMatchObject({ currentReplicas: 2, desiredReplicas: 3, currentCPUUtilizationPercentage: 44 });
    expect(s.api.get('HorizontalPodAutoscaler', 'default', 'web')!.status!.currentMetrics).toEqual([
      { type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 44 } } },
    ]);
  });

  it('deletes through v1', async () => {
    const del = await call('DELETE', `${V1}/ssa`);
    expect(del.status).toBe(200);
    expect(s.api.get('HorizontalPodAutoscaler', 'default', 'ssa')).toBeUndefined();
  });
});

// The protobuf body `kubectl autoscale` sends (k8s.io/api autoscaling/v1 generated.proto), built by hand.
const varint = (n: number) => {
  const out: number[] = [];
  for (; n >= 0x80; n = Math.floor(n / 128)) out.push((n % 128) | 0x80);
  return Buffer.from([...out, n]);
};
const bytes = (no: number, v: Buffer | string) => {
  const b = Buffer.from(v);
  return Buffer.concat([varint(no * 8 + 2), varint(b.length), b]);
};
const int = (no: number, v: number) => Buffer.concat([varint(no * 8), varint(v)]);
function hpaProtobuf(apiVersion: string, name: string): Buffer {
  const ref = Buffer.concat([bytes(1, 'Deployment'), bytes(2, 'web'), bytes(3, 'apps/v1')]);
  const spec = Buffer.concat([bytes(1, ref), int(2, 1), int(3, 10), int(4, 50)]);
  const hpa = Buffer.concat([bytes(1, bytes(1, name)), bytes(2, spec), bytes(3, Buffer.alloc(0))]);
  const typeMeta = Buffer.concat([bytes(1, apiVersion), bytes(2, 'HorizontalPodAutoscaler')]);
  return Buffer.concat([Buffer.from('k8s\0', 'latin1'), bytes(1, typeMeta), bytes(2, hpa), bytes(3, ''), bytes(4, '')]);
}

describe('protobuf', () => {
  it('decodes the autoscaling/v1 HPA kubectl autoscale sends', async () => {
    const res = await fetch(`${s.url}${V1}?fieldManager=kubectl-autoscale`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${s.token}`, 'Content-Type': 'application/vnd.kubernetes.protobuf', Accept: 'application/json' },
      body: new Uint8Array(hpaProtobuf('autoscaling/v1', 'pb')),
    });
    expect(res.status).toBe(201);
    expect((await res.json()).spec).toEqual({ scaleTargetRef: ref, minReplicas: 1, maxReplicas: 10, targetCPUUtilizationPercentage: 50 });
    expect(s.api.get('HorizontalPodAutoscaler', 'default', 'pb')!.spec.metrics).toEqual([cpu(50)]);
  });

  it('refuses a v2 HPA in protobuf (its layout is not decoded) with 415', async () => {
    const res = await fetch(s.url + V2, {
      method: 'POST',
      headers: { Authorization: `Bearer ${s.token}`, 'Content-Type': 'application/vnd.kubernetes.protobuf' },
      body: new Uint8Array(hpaProtobuf('autoscaling/v2', 'pb2')),
    });
    expect(res.status).toBe(415);
  });
});

describe('errors for v1 clients', () => {
  it('names spec.targetCPUUtilizationPercentage when the target is invalid', async () => {
    const res = await call('POST', V1, hpaV1('bad', { targetCPUUtilizationPercentage: 0 }));
    expect(res.status).toBe(422);
    expect(res.json.message).toBe('HorizontalPodAutoscaler.autoscaling "bad" is invalid: spec.targetCPUUtilizationPercentage: Invalid value: 0: must be greater than 0');
    expect(res.json.details.causes[0].field).toBe('spec.targetCPUUtilizationPercentage');
  });

  it('refuses a v2 body on the v1 endpoint, as Kubernetes does', async () => {
    const res = await call('POST', V1, { ...hpaV1('x'), apiVersion: 'autoscaling/v2' });
    expect(res.status).toBe(400);
    expect(res.json.message).toBe('the API version in the data (autoscaling/v2) does not match the expected API version (autoscaling/v1)');
  });

  it('names unknown v1 fields under strict field validation', async () => {
    const res = await call('POST', `${V1}?fieldValidation=Strict`, hpaV1('strict', { bogus: 1 }));
    expect(res.status).toBe(400);
    expect(res.json.message).toBe('HorizontalPodAutoscaler in version "v1" cannot be handled as a HorizontalPodAutoscaler: strict decoding error: unknown field "spec.bogus"');
  });

  it('does not serve versions it cannot convert', async () => {
    expect((await call('GET', '/apis/autoscaling/v2beta2/namespaces/default/horizontalpodautoscalers')).status).toBe(404);
  });
});
