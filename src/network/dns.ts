// Cluster DNS, as kube-dns/CoreDNS's kubernetes plugin answers it, over UDP
// and TCP with the dns-packet library for the wire format:
//   <svc>.<ns>.svc.cluster.local           A: the ClusterIP; headless: ready pod IPs;
//                                           ExternalName: CNAME to spec.externalName
//   <host>.<svc>.<ns>.svc.cluster.local    A: the headless endpoint with that hostname
//                                           (StatefulSet pods) or dashed IP
//   _<port>._<proto>.<svc>.<ns>.svc...     SRV for named ports
//   <a-b-c-d>.<ns>.pod.cluster.local       A: a-b-c-d (CoreDNS "pods insecure")
// Unknown names inside the domain are NXDOMAIN (with the zone's SOA); names
// outside it are REFUSED unless an upstream resolver is configured — and that
// upstream must be an address of this machine unless explicitly allowed.
import dgram from 'node:dgram';
import net from 'node:net';
import dnsPacket, { type Answer, type Packet, type Question } from 'dns-packet';
import type { Api } from '../api/api.js';
import type { Service } from '../api/types/service.js';
import { DestinationPolicy } from './locality.js';

export const DEFAULT_DOMAIN = 'cluster.local';
/** CoreDNS kubernetes plugin's default TTL. */
export const TTL = 5;

const RCODE = { NOERROR: 0, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 } as const;
type Rcode = keyof typeof RCODE;

export interface PodDNSConfig {
  nameservers: string[];
  searches: string[];
  options: { name: string; value?: string }[];
}

/** The resolver settings Kubernetes gives a pod with dnsPolicy ClusterFirst. */
export function podDnsConfig(namespace: string, nameserver = '10.96.0.10', domain = DEFAULT_DOMAIN): PodDNSConfig {
  return { nameservers: [nameserver], searches: [`${namespace}.svc.${domain}`, `svc.${domain}`, domain], options: [{ name: 'ndots', value: '5' }] };
}

/** /etc/resolv.conf text for a PodDNSConfig. */
export function resolvConf(cfg: PodDNSConfig): string {
  const opts = cfg.options.map((o) => (o.value !== undefined ? `${o.name}:${o.value}` : o.name));
  return [...cfg.nameservers.map((n) => `nameserver ${n}`), `search ${cfg.searches.join(' ')}`, ...(opts.length ? [`options ${opts.join(' ')}`] : []), ''].join('\n');
}

export interface Resolution {
  rcode: Rcode;
  answers: Answer[];
  additionals: Answer[];
  authorities: Answer[];
  /** True when the name is outside the cluster domain (forwarded or refused). */
  external: boolean;
}

const dashed = (ip: string) => ip.replace(/\./g, '-');
const undashed = (s: string) => (/^\d{1,3}(-\d{1,3}){3}$/.test(s) ? s.replace(/-/g, '.') : undefined);

/** Answers one question from the store (no I/O). */
export function resolveQuestion(api: Api, q: Question, domain = DEFAULT_DOMAIN): Resolution {
  const name = q.name.toLowerCase().replace(/\.$/, '');
  const res: Resolution = { rcode: 'NOERROR', answers: [], additionals: [], authorities: [], external: false };
  if (name !== domain && !name.endsWith(`.${domain}`)) return { ...res, rcode: 'REFUSED', external: true };
  const soa: Answer = {
    type: 'SOA',
    name: domain,
    ttl: TTL,
    class: 'IN',
    data: { mname: `ns.dns.${domain}`, rname: `hostmaster.${domain}`, serial: Number(api.store.resourceVersion()) % 2 ** 31 || 1, refresh: 7200, retry: 1800, expire: 86400, minimum: TTL },
  };
  const nodata = (): Resolution => ({ ...res, authorities: [soa] });
  const nx = (): Resolution => ({ ...res, rcode: 'NXDOMAIN', authorities: [soa] });
  const a = (n: string, ip: string): Answer => ({ type: 'A', name: n, ttl: TTL, class: 'IN', data: ip });
  const wantsA = q.type === 'A' || (q.type as string) === 'ANY';
  const labels = name === domain ? [] : name.slice(0, -(domain.length + 1)).split('.');
  const kind = labels.at(-1);
  if (labels.length === 0 || (labels.length === 1 && (kind === 'svc' || kind === 'pod'))) return nodata();

  if (kind === 'pod') {
    if (labels.length !== 3) return nx();
    const ip = undashed(labels[0]);
    if (!ip || !api.get('Namespace', '', labels[1])) return nx();
    return q.type === 'A' ? { ...res, answers: [a(q.name, ip)] } : nodata();
  }
  if (kind !== 'svc') return nx();
  if (labels.length === 2) return api.get('Namespace', '', labels[0]) ? nodata() : nx();

  // [_port, _proto]? [host]? svc ns 'svc'
  const ns = labels.at(-2)!;
  const svcName = labels.at(-3)!;
  const prefix = labels.slice(0, -3);
  const svc = api.get('Service', ns, svcName);
  if (!svc) return nx();
  const svcFqdn = `${svcName}.${ns}.svc.${domain}`;
  const headless = svc.spec.clusterIP === 'None';
  const ep = api.get('Endpoints', ns, svcName);
  const ready = (ep?.subsets ?? []).flatMap((s) => (s.addresses ?? []).map((addr) => ({ addr, ports: s.ports ?? [] })));
  const hostOf = (x: { ip: string; hostname?: string }) => x.hostname ?? dashed(x.ip);

  if (prefix.length === 0) {
    if (svc.spec.type === 'ExternalName') {
      const target = (svc.spec.externalName ?? '').replace(/\.$/, '');
      return { ...res, answers: [{ type: 'CNAME', name: q.name, ttl: TTL, class: 'IN', data: target }] };
    }
    if (q.type === 'SRV') {
      // SRV on the bare name: every named port.
      return srvAnswers(q.name, svc, headless, ready, svcFqdn, hostOf, res, nodata);
    }
    if (!wantsA) return nodata();
    if (!headless) return svc.spec.clusterIP ? { ...res, answers: [a(q.name, svc.spec.clusterIP)] } : nodata();
    const ips = [...new Set(ready.map((r) => r.addr.ip))];
    return ips.length ? { ...res, answers: ips.map((ip) => a(q.name, ip)) } : nodata();
  }
  if (prefix.length === 1 && !prefix[0].startsWith('_')) {
    if (!headless) return nx();
    const hit = ready.find((r) => hostOf(r.addr) === prefix[0]);
    if (!hit) return nx();
    return wantsA ? { ...res, answers: [a(q.name, hit.addr.ip)] } : nodata();
  }
  if (prefix.length === 2 && prefix[0].startsWith('_') && prefix[1].startsWith('_')) {
    const portName = prefix[0].slice(1);
    const proto = prefix[1].slice(1).toUpperCase();
    const sp = (svc.spec.ports ?? []).find((p) => p.name === portName && (p.protocol ?? 'TCP') === proto);
    if (!sp) return nx();
    if (q.type !== 'SRV') return nodata();
    return srvAnswers(q.name, svc, headless, ready, svcFqdn, hostOf, res, nodata, sp.name);
  }
  return nx();
}

function srvAnswers(
  qname: string,
  svc: Service,
  headless: boolean,
  ready: { addr: { ip: string; hostname?: string }; ports: { name?: string; port: number; protocol?: string }[] }[],
  svcFqdn: string,
  hostOf: (x: { ip: string; hostname?: string }) => string,
  res: Resolution,
  nodata: () => Resolution,
  only?: string,
): Resolution {
  const named = (svc.spec.ports ?? []).filter((p) => p.name && (!only || p.name === only));
  const answers: Answer[] = [];
  const additionals: Answer[] = [];
  for (const sp of named) {
    if (!headless) {
      answers.push({ type: 'SRV', name: qname, ttl: TTL, class: 'IN', data: { priority: 0, weight: 100, port: sp.port, target: svcFqdn } });
      if (svc.spec.clusterIP) additionals.push({ type: 'A', name: svcFqdn, ttl: TTL, class: 'IN', data: svc.spec.clusterIP });
      continue;
    }
    const targets = ready.flatMap((r) => r.ports.filter((p) => p.name === sp.name && (p.protocol ?? 'TCP') === (sp.protocol ?? 'TCP')).map((p) => ({ r, port: p.port })));
    const weight = Math.max(1, Math.floor(100 / Math.max(1, targets.length)));
    for (const t of targets) {
      const target = `${hostOf(t.r.addr)}.${svcFqdn}`;
      answers.push({ type: 'SRV', name: qname, ttl: TTL, class: 'IN', data: { priority: 0, weight, port: t.port, target } });
      additionals.push({ type: 'A', name: target, ttl: TTL, class: 'IN', data: t.r.addr.ip });
    }
  }
  return answers.length ? { ...res, answers, additionals } : nodata();
}

export interface ClusterDNSOptions {
  api: Api;
  /** Listen address: the DNS service IP when it is local, else loopback (default 127.0.0.1). */
  address?: string;
  /** Default 53; 0 picks a free port. */
  port?: number;
  domain?: string;
  /** Serve TCP too (default true). */
  tcp?: boolean;
  /** Where names outside the domain go; without it they are REFUSED. */
  upstream?: { address: string; port?: number };
  /** Allow an upstream that is not an address of this machine (default false: the hard rule). */
  upstreamMayBeRemote?: boolean;
  destinations?: DestinationPolicy;
  upstreamTimeoutMs?: number;
}

export class ClusterDNS {
  readonly ports = { udp: 0, tcp: 0 };
  private udp?: dgram.Socket;
  private tcpServer?: net.Server;
  private readonly domain: string;
  private readonly destinations: DestinationPolicy;
  /** Queries answered, by rcode (diagnostics). */
  readonly stats: Record<string, number> = {};

  constructor(private readonly opts: ClusterDNSOptions) {
    this.domain = opts.domain ?? DEFAULT_DOMAIN;
    this.destinations = opts.destinations ?? new DestinationPolicy();
    const address = opts.address ?? '127.0.0.1';
    if (!this.destinations.local.has(address)) throw new Error(`ClusterDNS: ${address} is not an address of this machine`);
    if (opts.upstream && !opts.upstreamMayBeRemote && !this.destinations.allows(opts.upstream.address)) {
      throw new Error(`ClusterDNS: upstream ${opts.upstream.address} is not an address of this machine; set upstreamMayBeRemote to forward there`);
    }
  }

  get address(): string {
    return this.opts.address ?? '127.0.0.1';
  }

  async start(): Promise<void> {
    // With port 0 the UDP port is picked first and TCP must get the same one: retry when TCP finds it taken.
    for (let attempt = 0; ; attempt++) {
      try {
        await this.bind();
        return;
      } catch (e) {
        await this.stop();
        if ((this.opts.port ?? 53) !== 0 || (e as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt >= 20) throw e;
      }
    }
  }

  private async bind(): Promise<void> {
    const sock = dgram.createSocket('udp4');
    sock.on('message', (msg, rinfo) => {
      void this.answer(msg).then((out) => out && sock.send(out, rinfo.port, rinfo.address));
    });
    this.udp = sock;
    await new Promise<void>((resolve, reject) => {
      sock.once('error', reject);
      sock.bind(this.opts.port ?? 53, this.address, () => {
        sock.off('error', reject);
        sock.on('error', () => undefined);
        resolve();
      });
    });
    this.ports.udp = sock.address().port;
    if (this.opts.tcp === false) return;
    const server = net.createServer((c) => this.serveTcp(c));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      // Same port as UDP, as DNS servers do.
      server.listen(this.ports.udp, this.address, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.tcpServer = server;
    this.ports.tcp = (server.address() as net.AddressInfo).port;
  }

  async stop(): Promise<void> {
    try {
      this.udp?.close();
    } catch {
      // never bound
    }
    this.udp = undefined;
    const s = this.tcpServer;
    this.tcpServer = undefined;
    if (s) await new Promise<void>((r) => s.close(() => r()));
  }

  private serveTcp(c: net.Socket): void {
    let buf = Buffer.alloc(0);
    c.on('error', () => c.destroy());
    c.setTimeout(10_000, () => c.destroy());
    c.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      while (buf.length >= 2) {
        const len = buf.readUInt16BE(0);
        if (buf.length < 2 + len) break;
        const msg = buf.subarray(2, 2 + len);
        buf = buf.subarray(2 + len);
        void this.answer(msg).then((out) => {
          if (!out || c.destroyed) return;
          const framed = Buffer.alloc(2 + out.length);
          framed.writeUInt16BE(out.length, 0);
          out.copy(framed, 2);
          c.write(framed);
        });
      }
    });
  }

  /** One wire query → one wire reply (undefined: unparseable, dropped). */
  async answer(msg: Buffer): Promise<Buffer | undefined> {
    let query: Packet;
    try {
      query = dnsPacket.decode(msg);
    } catch {
      return undefined;
    }
    const rd = (query.flags ?? 0) & dnsPacket.RECURSION_DESIRED;
    const opcode = ((query.flags ?? 0) >> 11) & 0xf;
    const reply = (rcode: Rcode, r?: Partial<Resolution>, aa = true) => {
      this.stats[rcode] = (this.stats[rcode] ?? 0) + 1;
      return dnsPacket.encode({
        type: 'response',
        id: query.id,
        flags: (aa ? dnsPacket.AUTHORITATIVE_ANSWER : 0) | rd | RCODE[rcode],
        questions: query.questions ?? [],
        answers: r?.answers ?? [],
        authorities: r?.authorities ?? [],
        additionals: r?.additionals ?? [],
      });
    };
    const q = query.questions?.[0];
    if (opcode !== 0) return reply('NOTIMP');
    if (!q || (query.questions?.length ?? 0) !== 1) return reply('REFUSED', undefined, false);
    const r = resolveQuestion(this.opts.api, q, this.domain);
    if (r.external) {
      if (!this.opts.upstream) return reply('REFUSED', undefined, false);
      return (await this.forward(msg)) ?? reply('SERVFAIL', undefined, false);
    }
    return reply(r.rcode, r);
  }

  private forward(msg: Buffer): Promise<Buffer | undefined> {
    const up = this.opts.upstream!;
    return new Promise((resolve) => {
      const s = dgram.createSocket('udp4');
      const done = (v: Buffer | undefined) => {
        clearTimeout(t);
        s.close();
        resolve(v);
      };
      const t = setTimeout(() => done(undefined), this.opts.upstreamTimeoutMs ?? 2000);
      s.on('message', (reply) => {
        this.stats.FORWARDED = (this.stats.FORWARDED ?? 0) + 1;
        done(reply);
      });
      s.on('error', () => done(undefined));
      s.send(msg, up.port ?? 53, up.address);
    });
  }
}
