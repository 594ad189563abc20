import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ServiceInterface, ensureServiceInterface, type IpRunner } from '../../src/network/interface.js';
import { HOST_PORT_ANNOTATION, ServiceProxy } from '../../src/network/service-proxy.js';
import { endpoints, get, makeApi, service, startBackend } from './helpers.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('service interface (kubeterm0)', () => {
  it('falls back to loopback when asked to, or when the link cannot be created, and says why', async () => {
    const forced = await ensureServiceInterface({ forceFallback: true });
    expect(forced.mode).toBe('fallback');
    expect(forced.reason).toMatch(/disabled/);
    const calls: string[][] = [];
    const denied: IpRunner = async (args) => {
      calls.push(args);
      return args[1] === 'add' ? { code: 2, stdout: '', stderr: 'RTNETLINK answers: Operation not permitted\n' } : { code: 1, stdout: '', stderr: 'Cannot find device' };
    };
    const iface = await ensureServiceInterface({ name: 'kubeterm0', run: denied });
    expect(iface.mode).toBe('fallback');
    expect(iface.reason).toBe('cannot create network interface kubeterm0: RTNETLINK answers: Operation not permitted');
    // dummy first, then a port-less bridge.
    expect(calls.filter((c) => c[1] === 'add').map((c) => c[4])).toEqual(['dummy', 'bridge']);
    // In fallback nothing is bound to a ClusterIP.
    expect(await iface.bindAddress({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'x' }, spec: { clusterIP: '10.96.0.9' } })).toBe('127.0.0.1');
  });

  it('creates the link (or adopts an existing one) and only ever adds addresses inside the service range', async () => {
    const calls: string[] = [];
    const ok: IpRunner = async (args) => {
      calls.push(args.join(' '));
      return { code: 0, stdout: '', stderr: '' };
    };
    const missing: IpRunner = async (args) => {
      calls.push(args.join(' '));
      return args[1] === 'link' && args[2] === 'show' ? { code: 1, stdout: '', stderr: 'Device "kubeterm0" does not exist.' } : { code: 0, stdout: '', stderr: '' };
    };
    let ifaces: Record<string, { address: string; family: string }[]> = { kubeterm0: [{ address: '10.96.0.7', family: 'IPv4' }] };
    const iface = new ServiceInterface({ run: missing, interfaces: () => ifaces as unknown as NodeJS.Dict<os.NetworkInterfaceInfo[]> });
    await iface.ensure();
    expect(iface.mode).toBe('interface');
    expect(calls.slice(0, 3)).toEqual(['-o link show kubeterm0', 'link add kubeterm0 type dummy', 'link set kubeterm0 up']);
    expect(await iface.addAddress('10.96.0.7')).toBe(true);
    expect(await iface.addAddress('192.168.1.1')).toBe(false);
    expect(calls.some((c) => c.includes('192.168.1.1'))).toBe(false);
    ifaces = { kubeterm0: [] };
    await iface.cleanup();
    expect(calls.slice(-2)).toEqual(['addr del 10.96.0.7/32 dev kubeterm0', 'link del kubeterm0']);
    // A link that already exists (another kubeterm's) is adopted, not re-created, and kept while it holds others' addresses.
    calls.length = 0;
    ifaces = { kubeterm0: [{ address: '10.96.0.99', family: 'IPv4' }] };
    const adopt = new ServiceInterface({ run: ok, interfaces: () => ifaces as unknown as NodeJS.Dict<os.NetworkInterfaceInfo[]> });
    await adopt.ensure();
    expect(adopt.mode).toBe('interface');
    expect(calls).toEqual(['-o link show kubeterm0', 'link set kubeterm0 up']);
    await adopt.cleanup();
    expect(calls).not.toContain('link del kubeterm0');
  });

  it('re-creates a link another kubeterm deleted on shutdown, and adopts one made under it', async () => {
    // A fake `ip` with one link that can vanish (the other engine's cleanup) or appear (its start).
    let link = true;
    const addrs = new Set<string>();
    const calls: string[] = [];
    const run: IpRunner = async (args) => {
      calls.push(args.join(' '));
      const cmd = args.join(' ');
      if (cmd.startsWith('-o link show')) return link ? { code: 0, stdout: '9: kubeterm0: <BROADCAST,NOARP> link/ether dummy', stderr: '' } : { code: 1, stdout: '', stderr: 'Device "kubeterm0" does not exist.' };
      if (cmd.startsWith('link add')) return link ? { code: 2, stdout: '', stderr: 'RTNETLINK answers: File exists' } : ((link = true), { code: 0, stdout: '', stderr: '' });
      if (cmd.startsWith('addr add')) return link ? (addrs.add(args[2].replace('/32', '')), { code: 0, stdout: '', stderr: '' }) : { code: 1, stdout: '', stderr: 'Cannot find device "kubeterm0"' };
      return { code: 0, stdout: '', stderr: '' };
    };
    const interfaces = () => ({ kubeterm0: [...addrs].map((address) => ({ address, family: 'IPv4' })) }) as unknown as NodeJS.Dict<os.NetworkInterfaceInfo[]>;
    const iface = await new ServiceInterface({ run, interfaces }).ensure();
    expect(calls).toEqual(['-o link show kubeterm0', 'link set kubeterm0 up']);
    link = false; // the other engine's cleanup: it held no address, so it deleted the link
    calls.length = 0;
    expect(await iface.addAddress('10.96.0.10')).toBe(true);
    expect(iface.mode).toBe('interface');
    expect(calls).toEqual([
      'addr add 10.96.0.10/32 dev kubeterm0',
      '-o link show kubeterm0',
      'link add kubeterm0 type dummy',
      'link set kubeterm0 up',
      'addr add 10.96.0.10/32 dev kubeterm0',
    ]);
    // Both starting at once: `link add` says it exists, and the link is adopted instead of falling back.
    let shown = 0;
    const racing: IpRunner = async (args) => (args[2] === 'show' && shown++ === 0 ? { code: 1, stdout: '', stderr: 'does not exist' } : run(args));
    link = true;
    const second = await new ServiceInterface({ run: racing, interfaces }).ensure();
    expect(second.mode).toBe('interface');
    expect(second.linkType).toBe('dummy');
  });

  it("never lets one engine's shutdown delete the link under another engine's new address", async () => {
    // Shared fake link state; `link del` takes effect a moment after it is asked for, as a real `ip` process does.
    let link = true;
    const addrs = new Set<string>();
    const run: IpRunner = async (args) => {
      const cmd = args.join(' ');
      if (cmd.startsWith('-o link show')) return link ? { code: 0, stdout: 'kubeterm0: dummy', stderr: '' } : { code: 1, stdout: '', stderr: 'does not exist' };
      if (cmd.startsWith('link add')) return (link = true), { code: 0, stdout: '', stderr: '' };
      if (cmd === 'link del kubeterm0') {
        await new Promise((r) => setTimeout(r, 20));
        link = false;
        addrs.clear();
        return { code: 0, stdout: '', stderr: '' };
      }
      if (cmd.startsWith('addr add')) return link ? (addrs.add(args[2].replace('/32', '')), { code: 0, stdout: '', stderr: '' }) : { code: 1, stdout: '', stderr: 'Cannot find device "kubeterm0"' };
      return { code: 0, stdout: '', stderr: '' };
    };
    const interfaces = () => ({ kubeterm0: [...addrs].map((address) => ({ address, family: 'IPv4' })) }) as unknown as NodeJS.Dict<os.NetworkInterfaceInfo[]>;
    const lockPath = join(mkdtempSync(join(os.tmpdir(), 'kt-lock-')), 'link.lock');
    const stopping = await new ServiceInterface({ run, interfaces, lockPath }).ensure();
    const starting = await new ServiceInterface({ run, interfaces, lockPath }).ensure();
    // The first engine stops (nothing of its own on the link) while the second adds its first ClusterIP.
    const [, added] = await Promise.all([stopping.cleanup(), starting.addAddress('10.96.0.10')]);
    expect(added).toBe(true);
    expect(link).toBe(true);
    expect([...addrs]).toEqual(['10.96.0.10']);
    rmSync(dirname(lockPath), { recursive: true, force: true });
  });

  it('serves a ClusterIP on a real link from the host, then cleans up (skipped when the link cannot be made)', async (ctx) => {
    const name = `ktt${process.pid % 100000}`;
    const iface = await ensureServiceInterface({ name, serviceCIDR: '10.96.0.0/16' });
    if (iface.mode !== 'interface') {
      // CI runs as root: there the link must be made.
      if (process.env.CI) throw new Error(`cannot create the service interface in CI: ${iface.reason}`);
      console.log(`skipping the kubeterm0 test: ${iface.reason}`);
      ctx.skip();
      return;
    }
    cleanups.push(() => iface.cleanup());
    const ip = `10.96.${200 + (process.pid % 50)}.${1 + (process.pid % 250)}`;
    const { api } = makeApi();
    const b = await startBackend('via-clusterip', '127.0.0.9');
    cleanups.push(() => b.close());
    await api.create(service('web', { clusterIP: ip, ports: [{ port: 8080, targetPort: b.port }] }));
    await api.create(endpoints('web', [{ ip: b.host, port: b.port }]));
    const p = new ServiceProxy({ api, bindAddress: iface.bindAddress, releaseAddress: iface.releaseAddress });
    p.start();
    cleanups.push(() => p.stop());
    await p.whenSynced();
    expect(p.mappings()).toEqual([expect.objectContaining({ kind: 'ClusterIP', address: ip, hostPort: 8080, mapped: false })]);
    expect(os.networkInterfaces()[name]?.some((i) => i.address === ip)).toBe(true);
    expect((await get(`http://${ip}:8080/`)).body).toBe('via-clusterip');
    expect(api.get('Service', 'default', 'web')!.metadata.annotations?.[HOST_PORT_ANNOTATION]).toBeUndefined();
    expect(api.list('Event').items.filter((e) => e.reason === 'ClusterIPNotRoutable')).toEqual([]);
    // Deleting the Service takes its address off the link; cleanup removes the link.
    await api.delete('Service', 'default', 'web');
    await p.whenSynced();
    expect(os.networkInterfaces()[name]?.some((i) => i.address === ip) ?? false).toBe(false);
    await iface.cleanup();
    expect(os.networkInterfaces()[name]).toBeUndefined();
  });
});
