import dgram from 'node:dgram';
import net from 'node:net';
import dnsPacket, { type DecodedPacket } from 'dns-packet';
import { afterEach, describe, expect, it } from 'vitest';
import { ClusterDNS, podDnsConfig, resolvConf } from '../../src/network/dns.js';
import { endpoints, makeApi, service } from './helpers.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

type Ans = { type: string; name: string; data: unknown; ttl?: number };
type Reply = Omit<DecodedPacket, 'answers' | 'additionals' | 'authorities'> & { rcode: string; answers: Ans[]; additionals: Ans[]; authorities: Ans[] };

let nextId = 1;
function ask(port: number, name: string, type: 'A' | 'AAAA' | 'SRV' | 'CNAME' = 'A'): Promise<Reply> {
  const s = dgram.createSocket('udp4');
  const id = nextId++;
  return new Promise<Reply>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no DNS reply for ${name}`)), 3000);
    s.on('message', (m) => {
      clearTimeout(t);
      s.close();
      resolve(dnsPacket.decode(m) as unknown as Reply);
    });
    s.send(dnsPacket.encode({ type: 'query', id, flags: dnsPacket.RECURSION_DESIRED, questions: [{ type, name, class: 'IN' }] }), port, '127.0.0.1');
  });
}

async function cluster() {
  const { api } = makeApi();
  await api.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } });
  await api.create(service('web', { clusterIP: '10.96.0.20', ports: [{ name: 'http', port: 80, targetPort: 8080 }] }));
  await api.create(service('db', { clusterIP: 'None', ports: [{ name: 'pg', port: 5432 }] }));
  await api.create(
    endpoints('db', [
      { ip: '10.244.0.5', port: 5432, hostname: 'db-0', pod: 'db-0' },
      { ip: '10.244.0.6', port: 5432, hostname: 'db-1', pod: 'db-1' },
      { ip: '10.244.0.7', port: 5432, hostname: 'db-2', pod: 'db-2', ready: false },
    ], 'pg'),
  );
  await api.create(service('ext', { type: 'ExternalName', externalName: 'example.com', ports: [] }));
  const dns = new ClusterDNS({ api, port: 0 });
  await dns.start();
  cleanups.push(() => dns.stop());
  return { api, dns };
}

describe('cluster DNS', () => {
  it('answers A for a Service with its ClusterIP (authoritative, TTL 5)', async () => {
    const { dns } = await cluster();
    const r = await ask(dns.ports.udp, 'web.default.svc.cluster.local');
    expect(r.rcode).toBe('NOERROR');
    expect(r.flag_aa).toBe(true);
    expect(r.flag_rd).toBe(true);
    expect(r.answers).toEqual([expect.objectContaining({ type: 'A', name: 'web.default.svc.cluster.local', data: '10.96.0.20', ttl: 5 })]);
    // AAAA on an IPv4-only name: NODATA (NOERROR, nothing), so resolvers do not give up on A.
    const aaaa = await ask(dns.ports.udp, 'web.default.svc.cluster.local', 'AAAA');
    expect(aaaa.rcode).toBe('NOERROR');
    expect(aaaa.answers).toEqual([]);
    expect(aaaa.authorities[0]).toMatchObject({ type: 'SOA', name: 'cluster.local' });
  });

  it('answers a headless Service with its ready pod IPs and each StatefulSet pod by hostname', async () => {
    const { dns } = await cluster();
    const r = await ask(dns.ports.udp, 'db.default.svc.cluster.local');
    expect(r.answers.map((a) => a.data).sort()).toEqual(['10.244.0.5', '10.244.0.6']);
    const pod = await ask(dns.ports.udp, 'db-1.db.default.svc.cluster.local');
    expect(pod.answers.map((a) => a.data)).toEqual(['10.244.0.6']);
    // Not ready: not published.
    expect((await ask(dns.ports.udp, 'db-2.db.default.svc.cluster.local')).rcode).toBe('NXDOMAIN');
  });

  it('answers SRV for named ports, for ClusterIP and headless Services', async () => {
    const { dns } = await cluster();
    const web = await ask(dns.ports.udp, '_http._tcp.web.default.svc.cluster.local', 'SRV');
    expect(web.answers).toEqual([expect.objectContaining({ type: 'SRV', data: { priority: 0, weight: 100, port: 80, target: 'web.default.svc.cluster.local' } })]);
    expect(web.additionals).toEqual([expect.objectContaining({ type: 'A', name: 'web.default.svc.cluster.local', data: '10.96.0.20' })]);
    const db = await ask(dns.ports.udp, '_pg._tcp.db.default.svc.cluster.local', 'SRV');
    expect(db.answers.map((a) => (a.data as { target: string; port: number }).target).sort()).toEqual(['db-0.db.default.svc.cluster.local', 'db-1.db.default.svc.cluster.local']);
    expect(db.answers.every((a) => (a.data as { port: number }).port === 5432)).toBe(true);
    expect((await ask(dns.ports.udp, '_nope._tcp.web.default.svc.cluster.local', 'SRV')).rcode).toBe('NXDOMAIN');
  });

  it('answers ExternalName with a CNAME, unknown cluster names with NXDOMAIN and outside names with REFUSED', async () => {
    const { dns } = await cluster();
    const ext = await ask(dns.ports.udp, 'ext.default.svc.cluster.local');
    expect(ext.answers).toEqual([expect.objectContaining({ type: 'CNAME', data: 'example.com' })]);
    const nx = await ask(dns.ports.udp, 'nope.default.svc.cluster.local');
    expect(nx.rcode).toBe('NXDOMAIN');
    expect(nx.authorities[0]).toMatchObject({ type: 'SOA' });
    expect((await ask(dns.ports.udp, 'web.otherns.svc.cluster.local')).rcode).toBe('NXDOMAIN');
    const out = await ask(dns.ports.udp, 'example.com');
    expect(out.rcode).toBe('REFUSED');
    expect(out.answers).toEqual([]);
    expect((await ask(dns.ports.udp, '10-244-0-9.default.pod.cluster.local')).answers.map((a) => a.data)).toEqual(['10.244.0.9']);
  });

  it('forwards outside names only to a configured local upstream, and serves TCP', async () => {
    const { api } = await cluster();
    // A stand-in upstream on loopback that answers everything with 192.0.2.1.
    const upstream = dgram.createSocket('udp4');
    upstream.on('message', (m, r) => {
      const q = dnsPacket.decode(m);
      upstream.send(dnsPacket.encode({ type: 'response', id: q.id, questions: q.questions, answers: [{ type: 'A', name: q.questions![0].name, data: '192.0.2.1', ttl: 60 }] }), r.port, r.address);
    });
    await new Promise<void>((r) => upstream.bind(0, '127.0.0.1', () => r()));
    cleanups.push(() => void upstream.close());
    const dns = new ClusterDNS({ api, port: 0, upstream: { address: '127.0.0.1', port: upstream.address().port } });
    await dns.start();
    cleanups.push(() => dns.stop());
    const r = await ask(dns.ports.udp, 'example.com');
    expect(r.answers.map((a) => a.data)).toEqual(['192.0.2.1']);
    expect(() => new ClusterDNS({ api, port: 0, upstream: { address: '192.0.2.53' } })).toThrow(/not an address of this machine/);
    // TCP: two-byte length framing.
    const c = net.connect(dns.ports.tcp, '127.0.0.1');
    cleanups.push(() => void c.destroy());
    const q = dnsPacket.encode({ type: 'query', id: 77, questions: [{ type: 'A', name: 'web.default.svc.cluster.local' }] });
    const framed = Buffer.concat([Buffer.from([q.length >> 8, q.length & 255]), q]);
    const reply = await new Promise<Reply>((resolve) => {
      let buf = Buffer.alloc(0);
      c.on('data', (d) => {
        buf = Buffer.concat([buf, d]);
        if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) resolve(dnsPacket.decode(buf.subarray(2)) as unknown as Reply);
      });
      c.write(framed);
    });
    expect(reply.id).toBe(77);
    expect(reply.answers[0].data).toBe('10.96.0.20');
  });

  it('gives pods the Kubernetes search path and ndots:5', () => {
    const cfg = podDnsConfig('shop');
    expect(cfg).toEqual({ nameservers: ['10.96.0.10'], searches: ['shop.svc.cluster.local', 'svc.cluster.local', 'cluster.local'], options: [{ name: 'ndots', value: '5' }] });
    expect(resolvConf(cfg)).toBe('nameserver 10.96.0.10\nsearch shop.svc.cluster.local svc.cluster.local cluster.local\noptions ndots:5\n');
  });
});
