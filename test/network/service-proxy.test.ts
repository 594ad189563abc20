import dgram from 'node:dgram';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HOST_PORT_ANNOTATION, ServiceProxy, parseHostPorts } from '../../src/network/service-proxy.js';
import { closedPort, endpoints, get, makeApi, service, startBackend, upsert, type Backend } from './helpers.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function threeBackends(): Promise<Backend[]> {
  const bs = await Promise.all([startBackend('a', '127.0.0.2'), startBackend('b', '127.0.0.3'), startBackend('c', '127.0.0.4')]);
  cleanups.push(() => Promise.all(bs.map((b) => b.close())).then(() => undefined));
  return bs;
}

async function proxyFor(api: ReturnType<typeof makeApi>['api'], clock?: ReturnType<typeof makeApi>['clock']): Promise<ServiceProxy> {
  const p = new ServiceProxy({ api, clock, fallbackReason: 'test: no kubeterm0' });
  p.start();
  cleanups.push(() => p.stop());
  await p.whenSynced();
  return p;
}

function mappedPort(p: ServiceProxy, name = 'web', kind = 'ClusterIP'): number {
  const m = p.mappings().find((x) => x.service === name && x.kind === kind);
  if (!m) throw new Error(`no ${kind} mapping for ${name}: ${JSON.stringify(p.mappings())}`);
  return m.hostPort;
}

async function hitMany(port: number, n: number, host = '127.0.0.1', localAddress?: string): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push((await get(`http://${host}:${port}/`, { localAddress })).body);
  return out;
}

describe('ServiceProxy (loopback fallback)', () => {
  it('serves a non-local ClusterIP on a mapped loopback port, balancing over all ready endpoints, and says so', async () => {
    const { api } = makeApi();
    const bs = await threeBackends();
    await api.create(service('web', { clusterIP: '10.96.0.50' }));
    await api.create(endpoints('web', bs.map((b) => ({ ip: b.host, port: b.port }))));
    const p = await proxyFor(api);
    const m = p.mappings();
    expect(m).toHaveLength(1);
    expect(m[0]).toMatchObject({ namespace: 'default', service: 'web', kind: 'ClusterIP', port: 80, protocol: 'TCP', clusterIP: '10.96.0.50', address: '127.0.0.1', mapped: true });
    const got = await hitMany(m[0].hostPort, 9);
    expect(new Set(got)).toEqual(new Set(['a', 'b', 'c']));
    // Round robin: each backend got an equal share.
    expect(bs.map((b) => b.hits)).toEqual([3, 3, 3]);
    const svc = api.get('Service', 'default', 'web')!;
    expect(svc.metadata.annotations?.[HOST_PORT_ANNOTATION]).toBe(`80/TCP=127.0.0.1:${m[0].hostPort}`);
    const evs = api.list('Event').items.filter((e) => e.reason === 'ClusterIPNotRoutable');
    expect(evs).toHaveLength(1);
    expect(evs[0].type).toBe('Warning');
    expect(evs[0].message).toBe(`ClusterIP 10.96.0.50 is not routable (test: no kubeterm0); serving 80/TCP on 127.0.0.1:${m[0].hostPort} instead`);
  });

  it('stops sending to an endpoint once it leaves the ready addresses', async () => {
    const { api } = makeApi();
    const bs = await threeBackends();
    await api.create(service('web', { clusterIP: '10.96.0.51' }));
    await api.create(endpoints('web', bs.map((b) => ({ ip: b.host, port: b.port }))));
    const p = await proxyFor(api);
    const port = mappedPort(p);
    expect(new Set(await hitMany(port, 6)).size).toBe(3);
    await upsert(api, endpoints('web', bs.map((b) => ({ ip: b.host, port: b.port, ready: b.name !== 'b' }))));
    const before = bs[1].hits;
    const got = await hitMany(port, 10);
    expect(new Set(got)).toEqual(new Set(['a', 'c']));
    expect(bs[1].hits).toBe(before);
  });

  it('retries another endpoint when one refuses the connection', async () => {
    const { api } = makeApi();
    const live = await startBackend('live', '127.0.0.5');
    cleanups.push(() => live.close());
    const dead = await closedPort('127.0.0.6');
    await api.create(service('web', { clusterIP: '10.96.0.52' }));
    await api.create(endpoints('web', [{ ip: '127.0.0.6', port: dead }, { ip: live.host, port: live.port }]));
    const p = await proxyFor(api);
    const got = await hitMany(mappedPort(p), 6);
    expect(got).toEqual(Array(6).fill('live'));
  });

  it('keeps a client on one endpoint with sessionAffinity ClientIP until the timeout passes', async () => {
    const { api, clock } = makeApi();
    const bs = await threeBackends();
    await api.create(service('web', { clusterIP: '10.96.0.53', sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 60 } } }));
    await api.create(endpoints('web', bs.map((b) => ({ ip: b.host, port: b.port }))));
    const p = await proxyFor(api, clock);
    const port = mappedPort(p);
    const one = await hitMany(port, 6, '127.0.0.1', '127.0.0.21');
    expect(new Set(one).size).toBe(1);
    const other = await hitMany(port, 6, '127.0.0.1', '127.0.0.22');
    expect(new Set(other).size).toBe(1);
    // Past the timeout the sticky entry is void: the next connection goes round robin again.
    clock.advance(61_000);
    const after = await hitMany(port, 1, '127.0.0.1', '127.0.0.21');
    expect(after[0]).not.toBe(one[0]);
  });

  it('opens NodePort and LoadBalancer ports on the host address and writes status.loadBalancer', async () => {
    const { api } = makeApi();
    const [a] = await threeBackends();
    const lbPort = await closedPort();
    const nodePort = 30000 + Math.floor(Math.random() * 2700);
    await api.create(service('lb', { type: 'LoadBalancer', clusterIP: '10.96.0.54', ports: [{ port: lbPort, targetPort: 8080, nodePort }] }));
    await api.create(endpoints('lb', [{ ip: a.host, port: a.port }]));
    const p = await proxyFor(api);
    const byKind = Object.fromEntries(p.mappings().map((m) => [m.kind, m]));
    expect(byKind.ClusterIP).toMatchObject({ address: '127.0.0.1', mapped: true, port: lbPort });
    expect(byKind.NodePort).toMatchObject({ address: '127.0.0.1', hostPort: nodePort, mapped: false });
    expect(byKind.LoadBalancer).toMatchObject({ address: '127.0.0.1', hostPort: lbPort, mapped: false });
    expect((await get(`http://127.0.0.1:${nodePort}/`)).body).toBe('a');
    expect((await get(`http://127.0.0.1:${lbPort}/`)).body).toBe('a');
    expect(api.get('Service', 'default', 'lb')!.status?.loadBalancer).toEqual({ ingress: [{ ip: '127.0.0.1' }] });
  });

  it('proxies UDP datagrams and their replies', async () => {
    const { api } = makeApi();
    const echo = dgram.createSocket('udp4');
    echo.on('message', (msg, r) => echo.send(Buffer.concat([Buffer.from('echo:'), msg]), r.port, r.address));
    await new Promise<void>((r) => echo.bind(0, '127.0.0.7', () => r()));
    cleanups.push(() => void echo.close());
    await api.create(service('dns', { clusterIP: '10.96.0.55', ports: [{ name: 'dns', port: 53, protocol: 'UDP', targetPort: 5353 }] }));
    await api.create(endpoints('dns', [{ ip: '127.0.0.7', port: echo.address().port }], 'dns', 'UDP'));
    const p = await proxyFor(api);
    const m = p.mappings()[0];
    expect(m).toMatchObject({ protocol: 'UDP', mapped: true });
    const c = dgram.createSocket('udp4');
    cleanups.push(() => void c.close());
    const reply = await new Promise<string>((resolve) => {
      c.on('message', (msg) => resolve(String(msg)));
      c.send('ping', m.hostPort, '127.0.0.1');
    });
    expect(reply).toBe('echo:ping');
  });

  it('closes listeners of removed Services without dropping established connections', async () => {
    const { api } = makeApi();
    const echo = net.createServer((s) => s.pipe(s));
    await new Promise<void>((r) => echo.listen(0, '127.0.0.8', () => r()));
    cleanups.push(() => new Promise<void>((r) => echo.close(() => r())));
    await api.create(service('tcp', { clusterIP: '10.96.0.56' }));
    await api.create(endpoints('tcp', [{ ip: '127.0.0.8', port: (echo.address() as net.AddressInfo).port }]));
    const p = await proxyFor(api);
    const port = mappedPort(p, 'tcp');
    const conn = net.connect(port, '127.0.0.1');
    cleanups.push(() => void conn.destroy());
    const say = (s: string) =>
      new Promise<string>((resolve) => {
        conn.once('data', (d) => resolve(String(d)));
        conn.write(s);
      });
    expect(await say('one')).toBe('one');
    await api.delete('Service', 'default', 'tcp');
    await p.whenSynced();
    expect(p.mappings()).toEqual([]);
    // New connections are refused …
    await expect(new Promise((resolve, reject) => net.connect(port, '127.0.0.1').on('connect', resolve).on('error', reject))).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    // … the established one still works.
    expect(await say('two')).toBe('two');
  });

  it('re-uses the mapped host port recorded in the annotation after a restart', async () => {
    const { api } = makeApi();
    const [a] = await threeBackends();
    await api.create(service('web', { clusterIP: '10.96.0.57' }));
    await api.create(endpoints('web', [{ ip: a.host, port: a.port }]));
    const p1 = new ServiceProxy({ api });
    p1.start();
    await p1.whenSynced();
    const port = mappedPort(p1);
    await p1.stop();
    const p2 = await proxyFor(api);
    expect(mappedPort(p2)).toBe(port);
    expect(parseHostPorts(api.get('Service', 'default', 'web')!.metadata.annotations![HOST_PORT_ANNOTATION]).get('80/TCP')).toBe(port);
    expect((await get(`http://127.0.0.1:${port}/`)).body).toBe('a');
  });

  it('never sends to an endpoint address that is not on this machine', async () => {
    const { api } = makeApi();
    const [a] = await threeBackends();
    await api.create(service('web', { clusterIP: '10.96.0.58' }));
    // 192.0.2.1 (TEST-NET-1) is not local: it must be skipped, not dialled.
    await api.create(endpoints('web', [{ ip: '192.0.2.1', port: 80 }, { ip: a.host, port: a.port }]));
    const p = await proxyFor(api);
    expect(await hitMany(mappedPort(p), 4)).toEqual(['a', 'a', 'a', 'a']);
  });
});
