// The hard rule of kubeterm's network: nothing is ever sent to an address that
// is not on this machine. A destination is allowed when it is loopback
// (127.0.0.0/8), an address on one of this machine's interfaces (kubeterm0's
// service addresses included), or inside a network kubeterm itself created
// (its Docker bridge subnet, passed in by the engine). Everything that opens a
// socket toward a Service or a pod asks here first.
import os from 'node:os';
import { cidrContains, parseCIDR, type CIDR } from '../api/service-ip.js';

export function isLoopback(ip: string): boolean {
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(ip) || ip === '::1';
}

export type InterfaceLister = () => NodeJS.Dict<os.NetworkInterfaceInfo[]>;

/** Addresses currently on this machine's interfaces, re-read at most every `ttlMs`. */
export class LocalAddresses {
  private cache = new Set<string>();
  private readAt = -Infinity;

  constructor(
    private readonly list: InterfaceLister = os.networkInterfaces,
    private readonly ttlMs = 1000,
  ) {}

  /** True when `ip` is on an interface of this machine now (re-reads once on a miss). */
  has(ip: string): boolean {
    if (isLoopback(ip)) return true;
    const now = Date.now();
    if (now - this.readAt > this.ttlMs) this.refresh();
    if (this.cache.has(ip)) return true;
    this.refresh();
    return this.cache.has(ip);
  }

  /** The interface holding `ip`, if any. */
  interfaceOf(ip: string): string | undefined {
    for (const [name, infos] of Object.entries(this.list())) if (infos?.some((i) => i.address === ip)) return name;
    return undefined;
  }

  refresh(): void {
    const s = new Set<string>();
    for (const infos of Object.values(this.list())) for (const i of infos ?? []) s.add(i.address);
    this.cache = s;
    this.readAt = Date.now();
  }
}

export interface DestinationPolicyOptions {
  /** Extra CIDRs that stay on this machine: kubeterm's own Docker bridge subnet(s). */
  allowedCIDRs?: string[];
  local?: LocalAddresses;
}

/** Decides whether a connection or datagram may be sent to an address. */
export class DestinationPolicy {
  readonly local: LocalAddresses;
  private readonly cidrs: CIDR[];

  constructor(opts: DestinationPolicyOptions = {}) {
    this.local = opts.local ?? new LocalAddresses();
    this.cidrs = (opts.allowedCIDRs ?? []).map(parseCIDR);
  }

  allows(ip: string): boolean {
    if (this.local.has(ip)) return true;
    return this.cidrs.some((c) => cidrContains(c, ip));
  }
}
