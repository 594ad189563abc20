import { describe, expect, it } from 'vitest';
import type { Api } from '../../src/api/api.js';
import type { KubeObject } from '../../src/api/meta.js';
import { MANAGED_BY, MANAGED_BY_LABEL, SERVICE_NAME_LABEL, newEndpointsController } from '../../src/controllers/endpoints.js';
import { setup } from './harness.js';

function svc(name: string, opts: { selector?: Record<string, string> | null; ports?: unknown[]; clusterIP?: string; publishNotReady?: boolean } = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: 'default', labels: { team: 'a' } },
    spec: {
      ...(opts.selector === null ? {} : { selector: opts.selector ?? { app: name } }),
      ports: opts.ports ?? [{ name: 'http', port: 80, targetPort: 'web' }],
      ...(opts.clusterIP ? { clusterIP: opts.clusterIP } : {}),
      ...(opts.publishNotReady ? { publishNotReadyAddresses: true } : {}),
    },
  };
}

async function pod(api: Api, name: string, o: { ip?: string; ready?: boolean; labels?: Record<string, string>; port?: number; portName?: string; hostname?: string; subdomain?: string } = {}): Promise<KubeObject> {
  const p = await api.create({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', labels: o.labels ?? { app: 'web' } },
    spec: {
      nodeName: 'node-1',
      ...(o.hostname ? { hostname: o.hostname, subdomain: o.subdomain } : {}),
      containers: [{ name: 'c', image: 'busybox', ports: [{ name: o.portName ?? 'web', containerPort: o.port ?? 8080 }] }],
    },
  });
  if (o.ip === undefined) return p;
  return setStatus(api, name, o.ip, o.ready ?? true);
}

async function setStatus(api: Api, name: string, ip: string, ready: boolean): Promise<KubeObject> {
  return (await api.modify('Pod', 'default', name, (p) => {
    p.status = { phase: 'Running', podIP: ip, podIPs: [{ ip }], conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] };
  }, { status: true }))!;
}

const ep = (api: Api, name = 'web') => api.get('Endpoints', 'default', name);

describe('endpoints controller', () => {
  it('lists ready pods as addresses and not-ready ones as notReadyAddresses, resolving named ports per pod', async () => {
    const h = await setup({ factories: [newEndpointsController] });
    await h.api.create(svc('web'));
    const a = await pod(h.api, 'web-a', { ip: '10.0.0.2', port: 8080 });
    await pod(h.api, 'web-b', { ip: '10.0.0.3', port: 9090, ready: false });
    await pod(h.api, 'web-c'); // no IP yet: skipped
    await pod(h.api, 'other', { ip: '10.0.0.9', labels: { app: 'other' } });
    await h.settle();
    const e = ep(h.api)!;
    expect(e.metadata.labels).toEqual({ team: 'a' });
    // Different resolved ports: two subsets, one per port list.
    expect(e.subsets).toEqual([
      {
        addresses: [{ ip: '10.0.0.2', nodeName: 'node-1', targetRef: { kind: 'Pod', namespace: 'default', name: 'web-a', uid: a.metadata.uid } }],
        ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
      },
      {
        notReadyAddresses: [{ ip: '10.0.0.3', nodeName: 'node-1', targetRef: expect.objectContaining({ name: 'web-b' }) }],
        ports: [{ name: 'http', port: 9090, protocol: 'TCP' }],
      },
    ]);
    await h.mgr.stop();
  });

  it('moves a pod between addresses and notReadyAddresses as readiness changes, and drops terminating pods', async () => {
    const h = await setup({ factories: [newEndpointsController] });
    await h.api.create(svc('web', { ports: [{ port: 80, targetPort: 8080 }] }));
    await pod(h.api, 'web-a', { ip: '10.0.0.2' });
    await pod(h.api, 'web-b', { ip: '10.0.0.3' });
    await h.settle();
    expect(ep(h.api)!.subsets).toEqual([{ addresses: [expect.objectContaining({ ip: '10.0.0.2' }), expect.objectContaining({ ip: '10.0.0.3' })], ports: [{ port: 8080, protocol: 'TCP' }] }]);
    await setStatus(h.api, 'web-b', '10.0.0.3', false);
    await h.settle(); // no clock advance: the update follows the readiness change at once
    expect(ep(h.api)!.subsets![0].addresses!.map((x) => x.ip)).toEqual(['10.0.0.2']);
    expect(ep(h.api)!.subsets![0].notReadyAddresses!.map((x) => x.ip)).toEqual(['10.0.0.3']);
    // Graceful deletion marks web-a; it leaves the Endpoints before it is gone.
    await h.api.delete('Pod', 'default', 'web-a');
    expect(h.api.get('Pod', 'default', 'web-a')?.metadata.deletionTimestamp).toBeTruthy();
    await h.settle();
    expect(ep(h.api)!.subsets).toEqual([{ notReadyAddresses: [expect.objectContaining({ ip: '10.0.0.3' })], ports: [{ port: 8080, protocol: 'TCP' }] }]);
    // The EndpointSlice keeps the terminating pod, flagged.
    const slice = h.api.list('EndpointSlice').items[0];
    expect(slice.metadata.labels).toMatchObject({ [SERVICE_NAME_LABEL]: 'web', [MANAGED_BY_LABEL]: MANAGED_BY });
    expect(slice.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'Service', name: 'web', controller: true });
    expect(slice.addressType).toBe('IPv4');
    expect(slice.endpoints.map((x) => [x.addresses[0], x.conditions])).toEqual([
      ['10.0.0.2', { ready: false, serving: true, terminating: true }],
      ['10.0.0.3', { ready: false, serving: false, terminating: false }],
    ]);
    expect(slice.ports).toEqual([{ name: '', port: 8080, protocol: 'TCP' }]);
    await h.mgr.stop();
  });

  it('leaves user-provided Endpoints of a selector-less Service alone', async () => {
    const h = await setup({ factories: [newEndpointsController] });
    await h.api.create(svc('ext', { selector: null, ports: [{ port: 5432 }] }));
    await h.api.create({ apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'ext', namespace: 'default' }, subsets: [{ addresses: [{ ip: '192.0.2.10' }], ports: [{ port: 5432 }] }] });
    await pod(h.api, 'ext-pod', { ip: '10.0.0.5', labels: { app: 'ext' } });
    await h.api.modify('Endpoints', 'default', 'ext', (e) => {
      e.metadata.annotations = { note: 'mine' };
    });
    await h.settle();
    const e = ep(h.api, 'ext')!;
    expect(e.subsets).toEqual([{ addresses: [{ ip: '192.0.2.10' }], ports: [{ port: 5432, protocol: 'TCP' }] }]);
    expect(h.api.list('EndpointSlice').items).toHaveLength(0);
    await h.mgr.stop();
  });

  it('gives headless StatefulSet-style pods their hostname, and deletes Endpoints with their Service', async () => {
    const h = await setup({ factories: [newEndpointsController] });
    await h.api.create(svc('db', { clusterIP: 'None', selector: { app: 'db' }, ports: [{ name: 'pg', port: 5432 }] }));
    await pod(h.api, 'db-0', { ip: '10.0.0.7', labels: { app: 'db' }, hostname: 'db-0', subdomain: 'db' });
    await h.settle();
    const e = ep(h.api, 'db')!;
    expect(e.metadata.labels).toEqual({ team: 'a', 'service.kubernetes.io/headless': '' });
    expect(e.subsets![0].addresses![0]).toMatchObject({ ip: '10.0.0.7', hostname: 'db-0' });
    expect(e.subsets![0].ports).toEqual([{ name: 'pg', port: 5432, protocol: 'TCP' }]);
    await h.api.delete('Service', 'default', 'db');
    await h.settle();
    expect(ep(h.api, 'db')).toBeUndefined();
    expect(h.api.list('EndpointSlice').items).toHaveLength(0);
    await h.mgr.stop();
  });

  it('puts back Endpoints edited by someone else and survives a restart', async () => {
    const h = await setup({ factories: [newEndpointsController] });
    await h.api.create(svc('web', { ports: [{ port: 80, targetPort: 8080 }] }));
    await pod(h.api, 'web-a', { ip: '10.0.0.2' });
    await h.settle();
    await h.api.modify('Endpoints', 'default', 'web', (e) => {
      e.subsets = [{ addresses: [{ ip: '10.9.9.9' }], ports: [{ port: 1 }] }];
    });
    await h.settle();
    expect(ep(h.api)!.subsets![0].addresses!.map((x) => x.ip)).toEqual(['10.0.0.2']);
    await h.restart();
    expect(h.api.list('Endpoints').items).toHaveLength(1);
    expect(h.api.list('EndpointSlice').items).toHaveLength(1);
    await h.mgr.stop();
  });
});
