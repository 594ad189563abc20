// Service ClusterIP and NodePort allocation, as the API server's Service REST
// storage does it before a Service is stored: a ClusterIP from the service
// range (default 10.96.0.0/16; the first address is the `kubernetes` Service's,
// the tenth kube-dns'), NodePorts from 30000-32767, requested values honoured
// unless taken — refused in Kubernetes' words. Headless (`clusterIP: None`)
// and ExternalName Services get no IP. Pure bookkeeping, no I/O: the engine
// registers `admit` as a Service admission step and calls `release` when a
// Service is deleted (or `attach(api)` does both from a watch).
import type { Api } from './api.js';
import { StatusError, invalid, type FieldError } from './errors.js';
import { clone, type KubeObject } from './meta.js';
import type { WatchHandle } from './store-types.js';
import type { Service } from './types/service.js';

export interface CIDR {
  /** Network address as an unsigned 32-bit integer. */
  base: number;
  bits: number;
  /** Number of addresses in the range. */
  size: number;
  text: string;
}

export function ipToInt(ip: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return undefined;
  return ((parts[0] << 24) >>> 0) + (parts[1] << 16) + (parts[2] << 8) + parts[3];
}

export function intToIp(n: number): string {
  return [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/** Parses an IPv4 CIDR (`10.96.0.0/16`). Throws on anything else. */
export function parseCIDR(text: string): CIDR {
  const [ip, b] = text.split('/');
  const addr = ipToInt(ip ?? '');
  const bits = Number(b);
  if (addr === undefined || !Number.isInteger(bits) || bits < 8 || bits > 30) {
    throw new Error(`invalid service CIDR "${text}": want an IPv4 range like 10.96.0.0/16 (prefix /8 to /30)`);
  }
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  const base = (addr & mask) >>> 0;
  return { base, bits, size: 2 ** (32 - bits), text: `${intToIp(base)}/${bits}` };
}

export function cidrContains(c: CIDR, ip: string): boolean {
  const n = ipToInt(ip);
  return n !== undefined && n >= c.base && n < c.base + c.size;
}

/** The n-th address of the range (0 is the network address). */
export function nthIP(c: CIDR, n: number): string {
  return intToIp(c.base + n);
}

export interface ServiceAllocatorOptions {
  /** Default 10.96.0.0/16. */
  serviceCIDR?: string;
  /** Default 30000-32767. */
  nodePortRange?: { min: number; max: number };
  /**
   * Addresses handed out only when asked for by name (default: the first, for
   * the `kubernetes` Service, and the tenth, for cluster DNS).
   */
  reservedIPs?: string[];
}

/** An admission step as the Api runs it: returns the object to store, or throws a StatusError. */
export interface ServiceAdmission {
  readonly name: string;
  /** dryRun: compute and check, but hold nothing (kubectl --dry-run=server). */
  admit(obj: KubeObject, old?: KubeObject, opts?: { dryRun?: boolean }): KubeObject;
}

export interface ServiceAllocator extends ServiceAdmission {
  readonly cidr: CIDR;
  /** The kube-dns address (10th of the range). */
  readonly dnsIP: string;
  /** The `kubernetes` Service's address (1st of the range). */
  readonly apiServerIP: string;
  /** Forgets everything and records the allocations of these stored Services. */
  rebuild(services: Iterable<KubeObject>): void;
  /** Frees what a deleted Service held. */
  release(svc: KubeObject): void;
  /** rebuild from the store, then release on every Service DELETED event. */
  attach(api: Api): WatchHandle;
  /** Allocated addresses / node ports (diagnostics, tests). */
  allocatedIPs(): string[];
  allocatedNodePorts(): number[];
}

const key = (o: KubeObject) => `${o.metadata.namespace ?? 'default'}/${o.metadata.name ?? ''}`;

export function createServiceAllocator(opts: ServiceAllocatorOptions = {}): ServiceAllocator {
  const cidr = parseCIDR(opts.serviceCIDR ?? '10.96.0.0/16');
  const range = opts.nodePortRange ?? { min: 30000, max: 32767 };
  const apiServerIP = nthIP(cidr, 1);
  const dnsIP = nthIP(cidr, 10);
  const reserved = new Set(opts.reservedIPs ?? [apiServerIP, dnsIP]);
  /** ip -> owner key; node port -> owner key. */
  const ips = new Map<string, string>();
  const ports = new Map<number, string>();
  // Dynamic allocation walks on from the last one, so a freed address is not handed out again at once.
  let nextIP = 0;
  let nextPort = 0;

  const ipsOf = (svc: KubeObject): string[] => {
    const spec = (svc.spec ?? {}) as Service['spec'];
    const list = spec.clusterIPs?.length ? spec.clusterIPs : spec.clusterIP ? [spec.clusterIP] : [];
    return list.filter((ip) => ip && ip !== 'None');
  };
  const nodePortsOf = (svc: KubeObject): number[] =>
    ((svc.spec?.ports ?? []) as { nodePort?: number }[]).map((p) => p.nodePort).filter((p): p is number => typeof p === 'number' && p > 0);

  function record(svc: KubeObject): void {
    const k = key(svc);
    // First owner keeps it: a Service stored with a clashing value (no admission ran) does not steal it.
    for (const ip of ipsOf(svc)) if (!ips.has(ip)) ips.set(ip, k);
    for (const p of nodePortsOf(svc)) if (!ports.has(p)) ports.set(p, k);
  }

  function release(svc: KubeObject): void {
    const k = key(svc);
    for (const ip of ipsOf(svc)) if (ips.get(ip) === k) ips.delete(ip);
    for (const p of nodePortsOf(svc)) if (ports.get(p) === k) ports.delete(p);
  }

  function pickIP(): string | undefined {
    // Skip the network address (0) and the broadcast address (size-1), as Kubernetes' range does.
    const usable = cidr.size - 2;
    for (let i = 0; i < usable; i++) {
      const n = 1 + ((nextIP + i) % usable);
      const ip = nthIP(cidr, n);
      if (reserved.has(ip) || ips.has(ip)) continue;
      nextIP = n;
      return ip;
    }
    return undefined;
  }

  function pickPort(): number | undefined {
    const size = range.max - range.min + 1;
    for (let i = 0; i < size; i++) {
      const p = range.min + ((nextPort + i) % size);
      if (ports.has(p)) continue;
      nextPort = p - range.min + 1;
      return p;
    }
    return undefined;
  }

  function admit(obj: KubeObject, old?: KubeObject, opts: { dryRun?: boolean } = {}): KubeObject {
    if (obj.kind !== 'Service') return obj;
    const svc = clone(obj) as Service;
    svc.spec = svc.spec ?? {};
    const spec = svc.spec;
    const k = key(svc);
    const name = svc.metadata.name ?? '';
    const type = spec.type ?? 'ClusterIP';
    const errs: FieldError[] = [];
    /** Node ports picked dynamically (claimed at once, given back if the Service is refused). */
    const picked: number[] = [];

    // ---- ClusterIP ------------------------------------------------------
    const oldIPs = old ? ipsOf(old) : [];
    if (type === 'ExternalName') {
      delete spec.clusterIP;
      delete spec.clusterIPs;
    } else if (spec.clusterIP === 'None' || spec.clusterIPs?.[0] === 'None') {
      spec.clusterIP = 'None';
      spec.clusterIPs = ['None'];
    } else {
      const requested = spec.clusterIP || spec.clusterIPs?.[0] || '';
      if (!requested && oldIPs.length) {
        // An update that omits the IP keeps the allocated one (the REST layer does this).
        spec.clusterIP = oldIPs[0];
      } else if (requested && oldIPs[0] === requested) {
        spec.clusterIP = requested;
      } else if (requested) {
        const fail = (why: string) =>
          errs.push({ type: 'Invalid', field: 'spec.clusterIPs', value: [requested], valueText: `[]string{${JSON.stringify(requested)}}`, detail: `failed to allocate IP ${requested}: ${why}` });
        if (!cidrContains(cidr, requested)) fail(`the provided IP (${requested}) is not in the valid range. The range of valid IPs is ${cidr.text}`);
        else if (ips.has(requested) && ips.get(requested) !== k) fail('provided IP is already allocated');
        else {
          spec.clusterIP = requested;
        }
      } else {
        const ip = pickIP();
        if (!ip) throw new StatusError(500, 'InternalError', `Internal error occurred: failed to allocate a serviceIP: range is full`);
        spec.clusterIP = ip;
      }
      if (spec.clusterIP) {
        spec.clusterIPs = [spec.clusterIP];
        spec.ipFamilies = spec.ipFamilies ?? ['IPv4'];
        spec.ipFamilyPolicy = spec.ipFamilyPolicy ?? 'SingleStack';
      }
    }

    // ---- NodePorts --------------------------------------------------------
    const wantsNodePorts = type === 'NodePort' || (type === 'LoadBalancer' && spec.allocateLoadBalancerNodePorts !== false);
    const oldPorts = new Map<string, number>();
    for (const p of (old?.spec?.ports ?? []) as { port: number; protocol?: string; nodePort?: number }[]) {
      if (p.nodePort) oldPorts.set(`${p.port}/${p.protocol ?? 'TCP'}`, p.nodePort);
    }
    const taken = new Set<number>();
    (spec.ports ?? []).forEach((p, i) => {
      if (!wantsNodePorts) {
        if (type === 'ClusterIP' || type === 'ExternalName') delete p.nodePort;
        return;
      }
      if (p.nodePort) {
        const owner = ports.get(p.nodePort);
        const mine = owner === k || [...oldPorts.values()].includes(p.nodePort);
        if ((owner && !mine) || taken.has(p.nodePort)) {
          errs.push({ type: 'Invalid', field: `spec.ports[${i}].nodePort`, value: p.nodePort, detail: 'provided port is already allocated' });
          return;
        }
        if (p.nodePort < range.min || p.nodePort > range.max) return; // validation reports the range
        taken.add(p.nodePort);
        return;
      }
      const keep = oldPorts.get(`${p.port}/${p.protocol ?? 'TCP'}`);
      if (keep && !taken.has(keep)) {
        p.nodePort = keep;
        taken.add(keep);
        return;
      }
      const np = pickPort();
      if (!np) throw new StatusError(500, 'InternalError', 'Internal error occurred: failed to allocate a nodePort: range is full');
      p.nodePort = np;
      taken.add(np);
      picked.push(np);
      ports.set(np, k); // claimed now so a second port of this Service does not pick it too
    });

    if (errs.length) {
      for (const p of picked) if (ports.get(p) === k) ports.delete(p);
      throw invalid('Service', name, errs);
    }
    if (opts.dryRun) {
      for (const p of picked) if (ports.get(p) === k) ports.delete(p);
      return svc;
    }
    // Commit: free what the old version held and this one no longer does.
    if (old) {
      const keepIPs = new Set(ipsOf(svc));
      for (const ip of oldIPs) if (!keepIPs.has(ip) && ips.get(ip) === k) ips.delete(ip);
      const keepPorts = new Set(nodePortsOf(svc));
      for (const p of nodePortsOf(old)) if (!keepPorts.has(p) && ports.get(p) === k) ports.delete(p);
    }
    record(svc);
    return svc;
  }

  return {
    name: 'ServiceIPAllocator',
    cidr,
    dnsIP,
    apiServerIP,
    admit,
    release,
    rebuild(services) {
      ips.clear();
      ports.clear();
      for (const s of services) record(s);
    },
    attach(api) {
      this.rebuild(api.list('Service').items);
      return api.watch('Service', {}, (ev) => {
        if (ev.type === 'DELETED') release(ev.object);
        else if (ev.type === 'ADDED' || ev.type === 'MODIFIED') record(ev.object);
      });
    },
    allocatedIPs: () => [...ips.keys()].sort(),
    allocatedNodePorts: () => [...ports.keys()].sort((a, b) => a - b),
  };
}
