// VolumeManager on a temp directory: emptyDir, configMap/secret files with
// items and modes, updates through the ..data symlink swap, hostPath type
// checks, claims, subPath, and paths that try to leave the volume.
import { existsSync, mkdtempSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, mkdirSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/api/meta.js';
import type { Container, Pod, Volume } from '../../src/api/types/pod.js';
import { VolumeManager, type VolumeLookups } from '../../src/kubelet/volumes/index.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');
let root: string;
let vm: VolumeManager;
let objects: Record<string, KubeObject>;
const lookups: VolumeLookups = {
  configMap: (ns, n) => objects[`ConfigMap/${ns}/${n}`],
  secret: (ns, n) => objects[`Secret/${ns}/${n}`],
  persistentVolumeClaim: (ns, n) => objects[`PersistentVolumeClaim/${ns}/${n}`],
  persistentVolume: (n) => objects[`PersistentVolume//${n}`],
};

function put(o: KubeObject) {
  objects[`${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`] = o;
}

function pod(volumes: Volume[], mounts: Container['volumeMounts'] = []): { pod: Pod; c: Container } {
  const c: Container = { name: 'app', image: 'busybox', volumeMounts: mounts };
  return {
    pod: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default', uid: 'uid-1', labels: { app: 'web', tier: 'front' } }, spec: { volumes, containers: [c] } },
    c,
  };
}

const mode = (p: string) => statSync(p).mode & 0o777;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'kt-vol-'));
  vm = new VolumeManager({ rootDir: root });
  objects = {};
  put({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'default' }, data: { 'app.properties': 'a=1\n', LOG: 'debug' }, binaryData: { 'logo.bin': b64('\x00\x01bin') } });
  put({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: 'default' }, data: { password: b64('s3cr3t'), user: b64('admin') } });
});

afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('VolumeManager', () => {
  it('makes an emptyDir per pod, mounts it read-write, and removes it with the pod', async () => {
    const { pod: p, c } = pod([{ name: 'scratch', emptyDir: {} }, { name: 'mem', emptyDir: { medium: 'Memory' } }], [{ name: 'scratch', mountPath: '/scratch' }]);
    await vm.setUp(p, lookups);
    const dir = join(root, 'pods', 'uid-1', 'volumes', 'scratch');
    expect(statSync(dir).isDirectory()).toBe(true);
    expect(mode(dir)).toBe(0o777);
    expect(statSync(join(root, 'pods', 'uid-1', 'volumes', 'mem')).isDirectory()).toBe(true);
    expect(await vm.mounts(p, c)).toEqual([{ hostPath: dir, containerPath: '/scratch', readOnly: false }]);
    writeFileSync(join(dir, 'data'), 'x');
    await vm.setUp(p, lookups); // idempotent: data survives
    expect(readFileSync(join(dir, 'data'), 'utf8')).toBe('x');
    await vm.cleanup('uid-1');
    expect(existsSync(join(root, 'pods', 'uid-1'))).toBe(false);
  });

  it('writes every ConfigMap key (binaryData decoded) with the default mode, mounted read-only', async () => {
    const { pod: p, c } = pod([{ name: 'config', configMap: { name: 'cfg' } }], [{ name: 'config', mountPath: '/etc/app' }]);
    await vm.setUp(p, lookups);
    const dir = vm.volumeDir('uid-1', 'config');
    expect(readFileSync(join(dir, 'app.properties'), 'utf8')).toBe('a=1\n');
    expect(readFileSync(join(dir, 'LOG'), 'utf8')).toBe('debug');
    expect(readFileSync(join(dir, 'logo.bin'))).toEqual(Buffer.from('\x00\x01bin'));
    expect(mode(join(dir, 'LOG'))).toBe(0o644);
    expect(readlinkSync(join(dir, 'LOG'))).toBe('..data/LOG');
    expect(readlinkSync(join(dir, '..data'))).toMatch(/^\.\.\d{4}_\d\d_\d\d_\d\d_\d\d_\d\d\.\d+$/);
    expect((await vm.mounts(p, c))[0]).toEqual({ hostPath: dir, containerPath: '/etc/app', readOnly: true });
  });

  it('honours items (paths, nested dirs) with defaultMode and per-item mode', async () => {
    const { pod: p } = pod([
      { name: 'config', configMap: { name: 'cfg', defaultMode: 0o440, items: [{ key: 'app.properties', path: 'conf/app.properties' }, { key: 'LOG', path: 'level', mode: 0o600 }] } },
    ]);
    await vm.setUp(p, lookups);
    const dir = vm.volumeDir('uid-1', 'config');
    expect(readFileSync(join(dir, 'conf', 'app.properties'), 'utf8')).toBe('a=1\n');
    expect(mode(join(dir, 'conf', 'app.properties'))).toBe(0o440);
    expect(readFileSync(join(dir, 'level'), 'utf8')).toBe('debug');
    expect(mode(join(dir, 'level'))).toBe(0o600);
    expect(existsSync(join(dir, 'LOG'))).toBe(false);
  });

  it('updates a ConfigMap volume atomically by swapping the ..data symlink', async () => {
    const { pod: p } = pod([{ name: 'config', configMap: { name: 'cfg' } }]);
    await vm.setUp(p, lookups);
    const dir = vm.volumeDir('uid-1', 'config');
    const first = readlinkSync(join(dir, '..data'));
    await vm.setUp(p, lookups); // unchanged: no new version
    expect(readlinkSync(join(dir, '..data'))).toBe(first);

    put({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'default' }, data: { 'app.properties': 'a=2\n', NEW: 'yes' } });
    await vm.setUp(p, lookups);
    const second = readlinkSync(join(dir, '..data'));
    expect(second).not.toBe(first);
    expect(readFileSync(join(dir, 'app.properties'), 'utf8')).toBe('a=2\n');
    expect(readFileSync(join(dir, 'NEW'), 'utf8')).toBe('yes');
    expect(existsSync(join(dir, 'LOG'))).toBe(false); // removed key: its link is gone
    expect(existsSync(join(dir, first))).toBe(false); // the old version is cleaned up
    expect(readdirSync(dir).filter((e) => e.startsWith('..')).sort()).toEqual([second, '..data'].sort());
  });

  it('decodes Secret data; missing objects and keys fail with the kubelet’s messages; optional ones do not', async () => {
    const { pod: p } = pod([{ name: 'creds', secret: { secretName: 'db', items: [{ key: 'password', path: 'pw' }] } }]);
    await vm.setUp(p, lookups);
    expect(readFileSync(join(vm.volumeDir('uid-1', 'creds'), 'pw'), 'utf8')).toBe('s3cr3t');

    await expect(vm.setUp(pod([{ name: 'creds', secret: { secretName: 'nope' } }]).pod, lookups)).rejects.toThrow('MountVolume.SetUp failed for volume "creds" : secret "nope" not found');
    await expect(vm.setUp(pod([{ name: 'config', configMap: { name: 'nope' } }]).pod, lookups)).rejects.toThrow('MountVolume.SetUp failed for volume "config" : configmap "nope" not found');
    await expect(vm.setUp(pod([{ name: 'config', configMap: { name: 'cfg', items: [{ key: 'MISSING', path: 'm' }] } }]).pod, lookups)).rejects.toThrow(
      'configmap references non-existent config key: MISSING',
    );
    await expect(vm.setUp(pod([{ name: 'creds', secret: { secretName: 'db', items: [{ key: 'token', path: 't' }] } }]).pod, lookups)).rejects.toThrow(
      'references non-existent secret key: token',
    );
    await vm.setUp(pod([{ name: 'opt', secret: { secretName: 'nope', optional: true } }]).pod, lookups);
    expect(readdirSync(vm.volumeDir('uid-1', 'opt')).filter((e) => !e.startsWith('..'))).toEqual([]);
  });

  it('rejects item paths that would leave the volume', async () => {
    for (const bad of ['../evil', 'a/../../evil', '/etc/passwd', '..hidden']) {
      await expect(vm.setUp(pod([{ name: 'config', configMap: { name: 'cfg', items: [{ key: 'LOG', path: bad }] } }]).pod, lookups)).rejects.toThrow(/invalid path/);
    }
    expect(existsSync(join(root, 'evil'))).toBe(false);
    expect(existsSync(join(root, 'pods', 'uid-1', 'volumes', 'evil'))).toBe(false);
  });

  it('mounts a subPath of a volume, creating it if missing, and never outside the volume', async () => {
    const { pod: p, c } = pod(
      [
        { name: 'config', configMap: { name: 'cfg' } },
        { name: 'data', emptyDir: {} },
      ],
      [
        { name: 'config', mountPath: '/etc/app.properties', subPath: 'app.properties' },
        { name: 'data', mountPath: '/var/lib/db', subPath: 'db/files' },
        { name: 'data', mountPath: '/logs', subPathExpr: '$(POD_NAME)/logs', readOnly: true },
      ],
    );
    await vm.setUp(p, lookups);
    const mounts = await vm.mounts(p, c, { env: [{ name: 'POD_NAME', value: 'p' }] });
    expect(readFileSync(mounts[0].hostPath, 'utf8')).toBe('a=1\n');
    expect(mounts[0].readOnly).toBe(true);
    expect(mounts[1]).toEqual({ hostPath: join(vm.volumeDir('uid-1', 'data'), 'db', 'files'), containerPath: '/var/lib/db', readOnly: false });
    expect(statSync(mounts[1].hostPath).isDirectory()).toBe(true);
    expect(mounts[2]).toEqual({ hostPath: join(vm.volumeDir('uid-1', 'data'), 'p', 'logs'), containerPath: '/logs', readOnly: true });

    const bad = (subPath: string) => vm.mounts(p, { ...c, volumeMounts: [{ name: 'data', mountPath: '/x', subPath }] });
    await expect(bad('../../..')).rejects.toThrow("unable to provision SubPath `../../..`: must not contain '..'");
    await expect(bad('a/../b')).rejects.toThrow(/must not contain '\.\.'/);
    await expect(bad('/etc')).rejects.toThrow('error SubPath `/etc` must not be an absolute path');
    // A symlink planted inside the volume cannot carry a subPath out of it.
    symlinkSync('/etc', join(vm.volumeDir('uid-1', 'data'), 'escape'));
    await expect(bad('escape')).rejects.toThrow(/resolves outside the volume/);
    await expect(vm.mounts(p, { ...c, volumeMounts: [{ name: 'nope', mountPath: '/x' }] })).rejects.toThrow('cannot find volume "nope" to mount into container "app"');
  });

  it('checks hostPath types and creates what the *OrCreate types ask for', async () => {
    const host = join(root, 'host');
    mkdirSync(host);
    writeFileSync(join(host, 'file'), 'f');
    const hp = (path: string, type?: string) => pod([{ name: 'h', hostPath: { path, ...(type ? { type } : {}) } as Volume['hostPath'] }], [{ name: 'h', mountPath: '/h' }]);
    await vm.setUp(hp(host, 'Directory').pod, lookups);
    await expect(vm.setUp(hp(join(host, 'missing'), 'Directory').pod, lookups)).rejects.toThrow(`hostPath type check failed: ${join(host, 'missing')} is not a directory`);
    await expect(vm.setUp(hp(join(host, 'file'), 'Directory').pod, lookups)).rejects.toThrow('is not a directory');
    await expect(vm.setUp(hp(host, 'File').pod, lookups)).rejects.toThrow(`hostPath type check failed: ${host} is not a file`);
    await vm.setUp(hp(join(host, 'file'), 'File').pod, lookups);
    await vm.setUp(hp(join(host, 'made', 'deep'), 'DirectoryOrCreate').pod, lookups);
    expect(statSync(join(host, 'made', 'deep')).isDirectory()).toBe(true);
    await vm.setUp(hp(join(host, 'new-file'), 'FileOrCreate').pod, lookups);
    expect(statSync(join(host, 'new-file')).isFile()).toBe(true);
    await expect(vm.setUp(hp(host, 'Socket').pod, lookups)).rejects.toThrow('is not a socket file');
    const { pod: p, c } = hp(host);
    await vm.setUp(p, lookups);
    expect(await vm.mounts(p, c)).toEqual([{ hostPath: host, containerPath: '/h', readOnly: false }]);
  });

  it('resolves a bound claim to its PersistentVolume’s path; an unbound claim is an error', async () => {
    const pvPath = join(root, 'pv-data');
    put({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data', namespace: 'default' }, spec: { volumeName: 'pv-1' }, status: { phase: 'Bound' } });
    put({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'pending', namespace: 'default' }, spec: {}, status: { phase: 'Pending' } });
    put({ apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'pv-1', namespace: '' }, spec: { hostPath: { path: pvPath } } });
    const { pod: p, c } = pod([{ name: 'data', persistentVolumeClaim: { claimName: 'data', readOnly: true } }], [{ name: 'data', mountPath: '/data' }]);
    await vm.setUp(p, lookups);
    expect(statSync(pvPath).isDirectory()).toBe(true);
    expect(await vm.mounts(p, c, { lookups })).toEqual([{ hostPath: pvPath, containerPath: '/data', readOnly: true }]);
    await expect(vm.setUp(pod([{ name: 'data', persistentVolumeClaim: { claimName: 'pending' } }]).pod, lookups)).rejects.toThrow(
      'PVC default/pending has non-bound phase ("Pending") or empty pvc.Spec.VolumeName ("")',
    );
    await expect(vm.setUp(pod([{ name: 'data', persistentVolumeClaim: { claimName: 'ghost' } }]).pod, lookups)).rejects.toThrow('persistentvolumeclaim "ghost" not found');
  });

  it('writes downwardAPI files and refuses unsupported volume types clearly', async () => {
    const { pod: p } = pod([
      {
        name: 'info',
        downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }, { path: 'name', fieldRef: { fieldPath: 'metadata.name' } }] },
      },
    ]);
    await vm.setUp(p, lookups);
    const dir = vm.volumeDir('uid-1', 'info');
    expect(readFileSync(join(dir, 'labels'), 'utf8')).toBe('app="web"\ntier="front"');
    expect(readFileSync(join(dir, 'name'), 'utf8')).toBe('p');
    await expect(vm.setUp(pod([{ name: 'n', nfs: { server: 'x', path: '/' } }]).pod, lookups)).rejects.toThrow(/volume type nfs is not supported by kubeterm/);
  });
});
