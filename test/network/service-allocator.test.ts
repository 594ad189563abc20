import { describe, expect, it } from 'vitest';
import { StatusError } from '../../src/api/errors.js';
import type { KubeObject } from '../../src/api/meta.js';
import { cidrContains, createServiceAllocator, parseCIDR } from '../../src/api/service-ip.js';
import { ServiceIPFiller } from '../../src/network/service-ip-filler.js';
import { makeApi } from './helpers.js';

const svc = (name: string, spec: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: 'default' },
  spec: { type: 'ClusterIP', ports: [{ port: 80, protocol: 'TCP' }], ...spec },
});

function refusal(fn: () => unknown): StatusError {
  try {
    fn();
  } catch (e) {
    return e as StatusError;
  }
  throw new Error('expected a refusal');
}

describe('service IP and node port allocation', () => {
  it('allocates ClusterIPs from the range, skipping the API and DNS addresses', () => {
    const a = createServiceAllocator();
    expect(a.apiServerIP).toBe('10.96.0.1');
    expect(a.dnsIP).toBe('10.96.0.10');
    const got = Array.from({ length: 12 }, (_, i) => a.admit(svc(`s${i}`)).spec.clusterIP as string);
    expect(new Set(got).size).toBe(12);
    for (const ip of got) expect(cidrContains(parseCIDR('10.96.0.0/16'), ip)).toBe(true);
    expect(got).not.toContain('10.96.0.1');
    expect(got).not.toContain('10.96.0.10');
    expect(got).not.toContain('10.96.0.0');
    const out = a.admit(svc('x'));
    expect(out.spec.clusterIPs).toEqual([out.spec.clusterIP]);
    expect(out.spec.ipFamilies).toEqual(['IPv4']);
  });

  it('honours a requested IP (reserved ones too, when asked by name) and refuses taken or out-of-range ones', () => {
    const a = createServiceAllocator({ serviceCIDR: '10.100.0.0/24' });
    expect(a.admit(svc('kube-dns', { clusterIP: '10.100.0.10' })).spec.clusterIP).toBe('10.100.0.10');
    const taken = refusal(() => a.admit(svc('again', { clusterIP: '10.100.0.10' })));
    expect(taken.message).toBe('Service "again" is invalid: spec.clusterIPs: Invalid value: []string{"10.100.0.10"}: failed to allocate IP 10.100.0.10: provided IP is already allocated');
    const outside = refusal(() => a.admit(svc('far', { clusterIP: '10.96.0.50' })));
    expect(outside.message).toContain('the provided IP (10.96.0.50) is not in the valid range. The range of valid IPs is 10.100.0.0/24');
  });

  it('leaves headless and ExternalName Services without an IP', () => {
    const a = createServiceAllocator();
    expect(a.admit(svc('h', { clusterIP: 'None' })).spec).toMatchObject({ clusterIP: 'None', clusterIPs: ['None'] });
    const en = a.admit(svc('e', { type: 'ExternalName', externalName: 'example.com', ports: [] }));
    expect(en.spec.clusterIP).toBeUndefined();
    expect(a.allocatedIPs()).toEqual([]);
  });

  it('allocates node ports, honours requested ones and refuses a conflict in Kubernetes words', () => {
    const a = createServiceAllocator();
    const first = a.admit(svc('a', { type: 'NodePort', ports: [{ port: 80, protocol: 'TCP', nodePort: 30080 }, { port: 81, protocol: 'TCP' }] }));
    expect(first.spec.ports[0].nodePort).toBe(30080);
    const dyn = first.spec.ports[1].nodePort as number;
    expect(dyn).toBeGreaterThanOrEqual(30000);
    expect(dyn).toBeLessThanOrEqual(32767);
    expect(dyn).not.toBe(30080);
    const err = refusal(() => a.admit(svc('b', { type: 'NodePort', ports: [{ port: 80, protocol: 'TCP', nodePort: 30080 }] })));
    expect(err.code).toBe(422);
    expect(err.message).toBe('Service "b" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated');
    // The refused Service took nothing.
    expect(a.allocatedNodePorts()).toEqual([30080, dyn].sort());
    // LoadBalancer gets node ports too.
    const lb = a.admit(svc('lb', { type: 'LoadBalancer', allocateLoadBalancerNodePorts: true }));
    expect(lb.spec.ports[0].nodePort).toBeGreaterThanOrEqual(30000);
  });

  it('keeps allocations across updates, frees them on release and rebuilds from stored Services', () => {
    const a = createServiceAllocator();
    const created = a.admit(svc('a', { type: 'NodePort' }));
    const ip = created.spec.clusterIP;
    const np = created.spec.ports[0].nodePort;
    // A PUT without the IP and node port keeps both.
    const updated = a.admit(svc('a', { type: 'NodePort', ports: [{ port: 80, protocol: 'TCP' }] }), created);
    expect(updated.spec.clusterIP).toBe(ip);
    expect(updated.spec.ports[0].nodePort).toBe(np);
    // Back to ClusterIP: the node port is freed.
    const back = a.admit(svc('a', { clusterIP: ip }), updated);
    expect(back.spec.ports[0].nodePort).toBeUndefined();
    expect(a.allocatedNodePorts()).toEqual([]);
    a.release(back);
    expect(a.allocatedIPs()).toEqual([]);
    const b = createServiceAllocator();
    b.rebuild([created]);
    expect(refusal(() => b.admit(svc('z', { clusterIP: ip }))).message).toContain('provided IP is already allocated');
    expect(refusal(() => b.admit(svc('z', { type: 'NodePort', ports: [{ port: 80, protocol: 'TCP', nodePort: np }] }))).message).toContain(
      `spec.ports[0].nodePort: Invalid value: ${np}: provided port is already allocated`,
    );
  });

  it('holds nothing for a dry run', () => {
    const a = createServiceAllocator();
    const dry = a.admit(svc('d', { type: 'NodePort' }), undefined, { dryRun: true });
    expect(dry.spec.clusterIP).toMatch(/^10\.96\./);
    expect(dry.spec.ports[0].nodePort).toBeGreaterThanOrEqual(30000);
    expect(a.allocatedIPs()).toEqual([]);
    expect(a.allocatedNodePorts()).toEqual([]);
  });

  it('says when the range is full', () => {
    const a = createServiceAllocator({ serviceCIDR: '10.1.0.0/29', reservedIPs: [] });
    for (let i = 0; i < 6; i++) a.admit(svc(`s${i}`));
    expect(refusal(() => a.admit(svc('one-more'))).message).toContain('range is full');
  });
});

describe('ServiceIPFiller (until the allocator runs as admission)', () => {
  it('fills in missing ClusterIPs and node ports, and reports a node port conflict as an Event', async () => {
    const { api } = makeApi();
    const allocator = createServiceAllocator();
    await api.create(svc('first', { type: 'NodePort', ports: [{ port: 80, protocol: 'TCP', nodePort: 30080 }] }));
    const filler = new ServiceIPFiller({ api, allocator });
    filler.start();
    await api.create(svc('plain'));
    await api.create(svc('clash', { type: 'NodePort', ports: [{ port: 80, protocol: 'TCP', nodePort: 30080 }] }));
    await filler.whenIdle();
    await filler.stop();
    const first = api.get('Service', 'default', 'first')!;
    const plain = api.get('Service', 'default', 'plain')!;
    expect(first.spec.clusterIP).toMatch(/^10\.96\./);
    expect(plain.spec.clusterIP).toMatch(/^10\.96\./);
    expect(plain.spec.clusterIP).not.toBe(first.spec.clusterIP);
    expect(first.spec.ports![0].nodePort).toBe(30080);
    expect(api.get('Service', 'default', 'clash')!.spec.clusterIP).toBeUndefined();
    const ev = api.list('Event').items.find((e) => e.reason === 'FailedAllocation')!;
    expect(ev.type).toBe('Warning');
    expect(ev.message).toBe('Service "clash" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated');
  });
});
