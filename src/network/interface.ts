// The network interface kubeterm owns for Service addresses: `kubeterm0`, a
// dummy link (or, where the kernel has no dummy driver, a bridge with no
// ports — equally unable to send anything off the machine) holding each
// ClusterIP as a /32. Traffic to a ClusterIP then stays inside this host: the
// kernel treats the address as local, and the userspace proxy listens on it.
// When the link cannot be created (no root / CAP_NET_ADMIN) the engine falls
// back to loopback host ports; `mode` and `reason` say which, loudly.
import { execFile } from 'node:child_process';
import os from 'node:os';
import { join } from 'node:path';
import { cidrContains, parseCIDR, type CIDR } from '../api/service-ip.js';
import type { Service } from '../api/types/service.js';
import { withLinkLock } from './link-lock.js';
import { LocalAddresses, type InterfaceLister } from './locality.js';

export type IpRunner = (args: string[]) => Promise<{ code: number; stdout: string; stderr: string }>;

/** Runs `ip …` (iproute2). */
export const runIp: IpRunner = (args) =>
  new Promise((resolve) => {
    execFile('ip', args, { timeout: 5000 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as NodeJS.ErrnoException).code === 'number' ? Number((err as NodeJS.ErrnoException).code) : 1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr || (err && !stderr ? err.message : '')) });
    });
  });

export interface ServiceInterfaceOptions {
  /** Link name (default kubeterm0). */
  name?: string;
  /** Only addresses inside this range are ever put on the link (default 10.96.0.0/16). */
  serviceCIDR?: string;
  /** Skip the link and use loopback host ports (tests; `--no-service-interface`). */
  forceFallback?: boolean;
  run?: IpRunner;
  interfaces?: InterfaceLister;
  /** The lock file shared by every kubeterm on this machine using the link (default in the temp directory). */
  lockPath?: string;
}

export class ServiceInterface {
  readonly name: string;
  readonly cidr: CIDR;
  mode: 'interface' | 'fallback' = 'fallback';
  /** Why the fallback is in use (shown in the UI and in Events). */
  reason = '';
  /** Link type created: dummy, or bridge where dummy is missing. */
  linkType?: 'dummy' | 'bridge';
  private readonly run: IpRunner;
  private readonly local: LocalAddresses;
  private readonly added = new Set<string>();
  private readonly lock: { path: string };

  constructor(private readonly opts: ServiceInterfaceOptions = {}) {
    this.name = opts.name ?? 'kubeterm0';
    this.cidr = parseCIDR(opts.serviceCIDR ?? '10.96.0.0/16');
    this.run = opts.run ?? runIp;
    this.local = new LocalAddresses(opts.interfaces, 0);
    this.lock = { path: opts.lockPath ?? join(os.tmpdir(), `kubeterm-link-${this.name}.lock`) };
  }

  /**
   * Makes sure the link exists and is up. An existing one (a crashed run's,
   * or another kubeterm's on this machine) is adopted rather than deleted, so
   * two engines never pull the link from under each other. Never throws:
   * falls back.
   */
  async ensure(): Promise<this> {
    if (this.opts.forceFallback) return this.fallback('the service interface is disabled (forceFallback)');
    let err = '';
    const existing = await this.run(['-o', 'link', 'show', this.name]);
    this.linkType = existing.code === 0 ? (/\bbridge\b/.test(existing.stdout) ? 'bridge' : 'dummy') : undefined;
    for (const type of this.linkType ? [] : (['dummy', 'bridge'] as const)) {
      const r = await this.run(['link', 'add', this.name, 'type', type]);
      if (r.code === 0) {
        this.linkType = type;
        break;
      }
      if (/exists/i.test(r.stderr)) {
        // Another kubeterm made it a moment ago: adopt theirs.
        const again = await this.run(['-o', 'link', 'show', this.name]);
        this.linkType = /\bbridge\b/.test(again.stdout) ? 'bridge' : 'dummy';
        break;
      }
      err = r.stderr.trim() || `ip link add exited ${r.code}`;
    }
    if (!this.linkType) return this.fallback(`cannot create network interface ${this.name}: ${err}`);
    const up = await this.run(['link', 'set', this.name, 'up']);
    if (up.code !== 0) {
      await this.run(['link', 'del', this.name]);
      return this.fallback(`cannot bring up ${this.name}: ${up.stderr.trim()}`);
    }
    this.mode = 'interface';
    this.reason = '';
    return this;
  }

  private fallback(reason: string): this {
    this.mode = 'fallback';
    this.reason = reason;
    this.linkType = undefined;
    return this;
  }

  /**
   * Puts `ip`/32 on the link and confirms the machine now owns it. Refuses
   * addresses outside the service range. Returns false when it is not local.
   */
  async addAddress(ip: string): Promise<boolean> {
    if (this.mode !== 'interface' || !cidrContains(this.cidr, ip)) return false;
    // Under the link lock: another engine's cleanup may not delete the link between our add and our check.
    return withLinkLock(this.lock, () => this.addAddressLocked(ip));
  }

  private async addAddressLocked(ip: string): Promise<boolean> {
    if (!this.local.has(ip)) {
      let r = await this.run(['addr', 'add', `${ip}/32`, 'dev', this.name]);
      if (r.code !== 0 && /cannot find device/i.test(r.stderr)) {
        // Another kubeterm sharing the link deleted it on shutdown (it held none of its addresses then,
        // nor ours yet): make it again rather than serve this ClusterIP on loopback.
        if ((await this.ensure()).mode !== 'interface') return false;
        r = await this.run(['addr', 'add', `${ip}/32`, 'dev', this.name]);
      }
      if (r.code !== 0 && !/exists/i.test(r.stderr)) return false;
    }
    const ok = this.local.interfaceOf(ip) === this.name;
    if (ok) this.added.add(ip);
    return ok;
  }

  async removeAddress(ip: string): Promise<void> {
    if (!this.added.delete(ip) || this.mode !== 'interface') return;
    await this.run(['addr', 'del', `${ip}/32`, 'dev', this.name]);
  }

  /** Addresses currently on the link that kubeterm put there. */
  addresses(): string[] {
    return [...this.added].sort();
  }

  /** Takes off the addresses this run added, and the link once nothing else is on it (engine shutdown). */
  async cleanup(): Promise<void> {
    if (this.mode !== 'interface') return;
    for (const ip of [...this.added]) await this.removeAddress(ip);
    await withLinkLock(this.lock, async () => {
      this.local.refresh();
      const left = (this.opts.interfaces ?? os.networkInterfaces)()[this.name]?.filter((i) => i.family === 'IPv4') ?? [];
      if (left.length === 0) await this.run(['link', 'del', this.name]);
    });
    this.added.clear();
    this.mode = 'fallback';
    this.reason = 'stopped';
  }

  /** For ServiceProxy: the address to listen on for a Service (its ClusterIP when local, else loopback). */
  readonly bindAddress = async (svc: Service): Promise<string> => {
    const ip = svc.spec?.clusterIP;
    if (ip && ip !== 'None' && (await this.addAddress(ip))) return ip;
    return '127.0.0.1';
  };

  readonly releaseAddress = (ip: string): Promise<void> => this.removeAddress(ip);
}

/** Creates (or re-creates) kubeterm0, falling back to loopback when it cannot. */
export function ensureServiceInterface(opts: ServiceInterfaceOptions = {}): Promise<ServiceInterface> {
  return new ServiceInterface(opts).ensure();
}
