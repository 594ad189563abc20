// hostPath volumes under the allow-list (src/kubelet/volumes/host-path.ts):
// allowed paths are used as they are; anything else is remapped into
// <rootDir>/hostpath (the host untouched) or refused with the FailedMount
// message naming --allow-host-path. Symlinks and `..` cannot carry a path out
// of an allowed folder; a PersistentVolume reached through a claim obeys the
// same rule. Plain files in temp folders; the Kubelet on the simulated runtime.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { KubeObject } from '../../src/api/meta.js';
import type { Container, Pod, Volume } from '../../src/api/types/pod.js';
import { VolumeManager, type VolumeLookups } from '../../src/kubelet/volumes/index.js';
import { boundPod, eventsOf, kubeletEnv, kubeletsStoppedAfterEach, recordContainerConfigs, settle } from './helpers.js';

let root: string; // the kubelet's rootDir
let allowed: string; // an allow-listed folder (the state folder, the watched folder…)
let outside: string; // a folder on the host that is not allowed
let ghost: string; // a path outside that does not exist and must never be created
let objects: Record<string, KubeObject>;
const lookups: VolumeLookups = {
  configMap: () => undefined,
  secret: () => undefined,
  persistentVolumeClaim: (ns, n) => objects[`PersistentVolumeClaim/${ns}/${n}`],
  persistentVolume: (n) => objects[`PersistentVolume//${n}`],
};
const put = (o: KubeObject) => (objects[`${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`] = o);

const temp = (prefix: string) => realpathSync(mkdtempSync(join(tmpdir(), prefix)));

beforeEach(() => {
  root = temp('kt-hp-root-');
  allowed = temp('kt-hp-allowed-');
  outside = temp('kt-hp-outside-');
  ghost = join(tmpdir(), `kt-hp-ghost-${process.pid}-${Date.now()}`, 'data');
  writeFileSync(join(outside, 'secret.txt'), 'host data');
  objects = {};
});

afterEach(() => {
  for (const d of [root, allowed, outside]) rmSync(d, { recursive: true, force: true });
});

const manager = (mode?: 'remap' | 'refuse', allow = [allowed]) => new VolumeManager({ rootDir: root, hostPath: { allow, ...(mode ? { mode } : {}) } });

function hostPathPod(path: string, type?: string): { pod: Pod; c: Container } {
  const c: Container = { name: 'app', image: 'busybox', volumeMounts: [{ name: 'data', mountPath: '/data' }] };
  const volumes: Volume[] = [{ name: 'data', hostPath: { path, ...(type ? { type } : {}) } as Volume['hostPath'] }];
  return { pod: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default', uid: 'uid-1' }, spec: { volumes, containers: [c] } }, c };
}

/** Where the volume is mounted from, after setUp. */
async function mountedFrom(vm: VolumeManager, path: string, type?: string): Promise<string> {
  const { pod, c } = hostPathPod(path, type);
  await vm.setUp(pod, lookups);
  const mounts = await vm.mounts(pod, c, { lookups });
  expect(mounts).toHaveLength(1);
  return mounts[0].hostPath;
}

const remapOf = (p: string) => join(root, 'hostpath', p.slice(1));

describe('hostPath allow-list', () => {
  it('uses an allowed path as it is (creating what DirectoryOrCreate/FileOrCreate ask for, in place)', async () => {
    const vm = manager();
    expect(await mountedFrom(vm, allowed)).toBe(allowed);
    expect(await mountedFrom(vm, join(allowed, 'made', 'deep'), 'DirectoryOrCreate')).toBe(join(allowed, 'made', 'deep'));
    expect(statSync(join(allowed, 'made', 'deep')).isDirectory()).toBe(true);
    expect(await mountedFrom(vm, join(allowed, 'log.txt'), 'FileOrCreate')).toBe(join(allowed, 'log.txt'));
    expect(statSync(join(allowed, 'log.txt')).isFile()).toBe(true);
    // The kubelet's type check still applies, with its message naming the path.
    await expect(vm.setUp(hostPathPod(join(allowed, 'missing'), 'Directory').pod, lookups)).rejects.toThrow(
      `MountVolume.SetUp failed for volume "data" : hostPath type check failed: ${join(allowed, 'missing')} is not a directory`,
    );
    expect(existsSync(join(root, 'hostpath'))).toBe(false);
  });

  it('remaps a path outside into <rootDir>/hostpath and leaves the host untouched', async () => {
    const vm = manager();
    // Unset type: the private directory is made; the host path is not.
    const at = await mountedFrom(vm, ghost);
    expect(at).toBe(remapOf(ghost));
    expect(statSync(at).isDirectory()).toBe(true);
    expect(existsSync(ghost)).toBe(false);
    expect(existsSync(join(ghost, '..'))).toBe(false);
    // The same path maps to the same directory every time: data survives a pod restart.
    writeFileSync(join(at, 'kept'), 'yes');
    expect(readFileSync(join(await mountedFrom(vm, ghost), 'kept'), 'utf8')).toBe('yes');
    // An existing host folder is not used either, nor written.
    const out = await mountedFrom(vm, outside, 'DirectoryOrCreate');
    expect(out).toBe(remapOf(outside));
    expect(readdirSync(out)).toEqual([]);
    expect(readdirSync(outside)).toEqual(['secret.txt']);
    // FileOrCreate makes the file (and its folders) in the private tree.
    const file = await mountedFrom(vm, join(ghost, 'app.log'), 'FileOrCreate');
    expect(file).toBe(remapOf(join(ghost, 'app.log')));
    expect(statSync(file).isFile()).toBe(true);
    expect(existsSync(ghost)).toBe(false);
  });

  it('fails Directory/File types on a remapped path that does not exist with the kubelet message', async () => {
    const vm = manager();
    const msg = (what: string) =>
      `MountVolume.SetUp failed for volume "data" : hostPath type check failed: ${outside} is not a ${what} (kubeterm maps ${outside}, outside the allowed host paths, to ${remapOf(outside)}; start kubeterm with --allow-host-path ${outside} to use the host's)`;
    await expect(vm.setUp(hostPathPod(outside, 'Directory').pod, lookups)).rejects.toThrow(msg('directory'));
    await expect(vm.setUp(hostPathPod(outside, 'File').pod, lookups)).rejects.toThrow(msg('file'));
    expect(existsSync(remapOf(outside))).toBe(false);
    // Once the private directory exists (an earlier DirectoryOrCreate), Directory is satisfied.
    await mountedFrom(vm, outside, 'DirectoryOrCreate');
    expect(await mountedFrom(vm, outside, 'Directory')).toBe(remapOf(outside));
  });

  it('refuses a path outside in refuse mode, naming the allow-list and the flag', async () => {
    const vm = manager('refuse');
    await expect(vm.setUp(hostPathPod('/etc').pod, lookups)).rejects.toThrow(
      `MountVolume.SetUp failed for volume "data" : hostPath /etc is outside the allowed host paths (${allowed}); start kubeterm with --allow-host-path /etc to mount it`,
    );
    const none = manager('refuse', []);
    await expect(none.setUp(hostPathPod('/etc', 'Directory').pod, lookups)).rejects.toThrow(
      'hostPath /etc is outside the allowed host paths (none); start kubeterm with --allow-host-path /etc to mount it',
    );
    await expect(vm.setUp(hostPathPod(ghost, 'DirectoryOrCreate').pod, lookups)).rejects.toThrow(`hostPath ${ghost} is outside the allowed host paths`);
    expect(existsSync(ghost)).toBe(false);
    // The flag's directory then opens it.
    expect(await mountedFrom(manager('refuse', [allowed, outside]), outside, 'Directory')).toBe(outside);
    // A relative allow entry (a FOLDER argument) is relative to the working directory.
    expect(await mountedFrom(manager('refuse', [relative(process.cwd(), allowed)]), allowed)).toBe(allowed);
    // Allowing "/" opens everything.
    expect(await mountedFrom(manager('refuse', ['/']), outside)).toBe(outside);
  });

  it('treats a symlink inside an allowed folder that points outside as outside', async () => {
    symlinkSync(outside, join(allowed, 'link'));
    symlinkSync(join(outside, 'not-yet'), join(allowed, 'dangling'));
    symlinkSync('../' + basename(outside), join(allowed, 'relative'));
    mkdirSync(join(allowed, 'inner'));
    symlinkSync(join(allowed, 'inner'), join(allowed, 'inner-link'));

    const refuse = manager('refuse');
    await expect(refuse.setUp(hostPathPod(join(allowed, 'link')).pod, lookups)).rejects.toThrow(
      `hostPath ${join(allowed, 'link')} (really ${outside}) is outside the allowed host paths (${allowed}); start kubeterm with --allow-host-path ${outside} to mount it`,
    );
    await expect(refuse.setUp(hostPathPod(join(allowed, 'link', 'sub')).pod, lookups)).rejects.toThrow(`(really ${join(outside, 'sub')}) is outside`);
    await expect(refuse.setUp(hostPathPod(join(allowed, 'relative')).pod, lookups)).rejects.toThrow(`(really ${outside}) is outside`);
    // A dangling link is followed to where it points: DirectoryOrCreate would create it outside.
    await expect(refuse.setUp(hostPathPod(join(allowed, 'dangling'), 'DirectoryOrCreate').pod, lookups)).rejects.toThrow(`(really ${join(outside, 'not-yet')}) is outside`);
    expect(existsSync(join(outside, 'not-yet'))).toBe(false);

    const remap = manager();
    expect(await mountedFrom(remap, join(allowed, 'link'))).toBe(remapOf(join(allowed, 'link')));
    expect(await mountedFrom(remap, join(allowed, 'dangling'), 'DirectoryOrCreate')).toBe(remapOf(join(allowed, 'dangling')));
    expect(existsSync(join(outside, 'not-yet'))).toBe(false);
    expect(readdirSync(outside)).toEqual(['secret.txt']);
    // A link that stays inside is fine, and what is mounted is its real target.
    expect(await mountedFrom(remap, join(allowed, 'inner-link'))).toBe(join(allowed, 'inner'));
  });

  it('follows symlinked allowed folders and fails a symlink loop cleanly', async () => {
    const alias = join(outside, 'alias-of-allowed');
    symlinkSync(allowed, alias);
    // The allow-list entry itself is a link: what it points to is allowed.
    expect(await mountedFrom(manager('refuse', [alias]), join(allowed, 'x'), 'DirectoryOrCreate')).toBe(join(allowed, 'x'));
    symlinkSync(join(allowed, 'loop-b'), join(allowed, 'loop-a'));
    symlinkSync(join(allowed, 'loop-a'), join(allowed, 'loop-b'));
    await expect(manager().setUp(hostPathPod(join(allowed, 'loop-a')).pod, lookups)).rejects.toThrow(/MountVolume.SetUp failed for volume "data" : hostPath .*loop-a: too many levels of symbolic links/);
  });

  it('normalises `..` before the check', async () => {
    const refuse = manager('refuse');
    const sneaky = `${allowed}/../${basename(outside)}`;
    await expect(refuse.setUp(hostPathPod(sneaky).pod, lookups)).rejects.toThrow(`hostPath ${outside} is outside the allowed host paths`);
    await expect(refuse.setUp(hostPathPod(`${allowed}/a/../../../../etc`).pod, lookups)).rejects.toThrow('hostPath /etc is outside');
    // Remapped under its normalised name: `..` cannot climb out of <rootDir>/hostpath either.
    expect(await mountedFrom(manager(), sneaky)).toBe(remapOf(outside));
    expect(await mountedFrom(manager(), '/../../../mnt/../mnt/data')).toBe(remapOf('/mnt/data'));
    // `..` that stays inside is just a path inside.
    expect(await mountedFrom(refuse, `${outside}/../${basename(allowed)}/y/../z`, 'DirectoryOrCreate')).toBe(join(allowed, 'z'));
  });

  it('does not follow a symlink planted in the private tree back to the host', async () => {
    const vm = manager();
    const dir = await mountedFrom(vm, '/mnt/data');
    // A container with /mnt/data mounted can create links in it.
    symlinkSync(outside, join(dir, 'evil'));
    await expect(vm.setUp(hostPathPod('/mnt/data/evil/x', 'DirectoryOrCreate').pod, lookups)).rejects.toThrow(
      `MountVolume.SetUp failed for volume "data" : hostPath /mnt/data/evil/x: its private directory ${remapOf('/mnt/data/evil/x')} leads outside ${join(root, 'hostpath')}`,
    );
    expect(existsSync(join(outside, 'x'))).toBe(false);
  });
});

describe('PersistentVolumes through a claim', () => {
  /** The seed's mysql PV (hostPath /mnt/data), claim and pod, the claim bound. */
  function seedMysql(): { pod: Pod; c: Container } {
    const seed = (f: string) => parse(readFileSync(join('examples', 'seeds', f), 'utf8')) as KubeObject;
    const pv = seed('mysql-pv.yaml');
    const pvc = seed('mysql-pvc.yaml');
    put({ ...pv, metadata: { ...pv.metadata, namespace: '' } });
    put({ ...pvc, metadata: { ...pvc.metadata, namespace: 'default' }, spec: { ...pvc.spec, volumeName: 'mysql-pv' }, status: { phase: 'Bound' } });
    const pod = seed('mysql-pod.yaml') as Pod;
    pod.metadata = { ...pod.metadata, namespace: 'default', uid: 'uid-mysql' };
    return { pod, c: pod.spec.containers[0] };
  }

  it('remaps the seed’s /mnt/data PV into the private tree', async () => {
    const hostHad = existsSync('/mnt/data');
    const vm = manager();
    const { pod, c } = seedMysql();
    await vm.setUp(pod, lookups);
    const mounts = await vm.mounts(pod, c, { lookups });
    expect(mounts).toEqual([{ hostPath: remapOf('/mnt/data'), containerPath: '/var/lib/mysql', readOnly: false }]);
    expect(statSync(remapOf('/mnt/data')).isDirectory()).toBe(true);
    expect(existsSync('/mnt/data')).toBe(hostHad);
  });

  it('refuses the PV’s path in refuse mode with the PV’s name', async () => {
    const { pod } = seedMysql();
    await expect(manager('refuse').setUp(pod, lookups)).rejects.toThrow(
      `MountVolume.SetUp failed for volume "mysql-pv" : hostPath /mnt/data is outside the allowed host paths (${allowed}); start kubeterm with --allow-host-path /mnt/data to mount it`,
    );
  });

  it('uses an allowed PV path as it is, and applies the rule to local volumes and symlinks too', async () => {
    const claim = (pvName: string, spec: Record<string, unknown>) => {
      put({ apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: pvName, namespace: '' }, spec });
      put({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: `c-${pvName}`, namespace: 'default' }, spec: { volumeName: pvName }, status: { phase: 'Bound' } });
      const c: Container = { name: 'app', image: 'busybox', volumeMounts: [{ name: 'vol', mountPath: '/data' }] };
      const pod: Pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default', uid: 'uid-2' }, spec: { volumes: [{ name: 'vol', persistentVolumeClaim: { claimName: `c-${pvName}` } }], containers: [c] } };
      return { pod, c };
    };
    const vm = manager();
    const mountOf = async (x: { pod: Pod; c: Container }) => {
      await vm.setUp(x.pod, lookups);
      return (await vm.mounts(x.pod, x.c, { lookups }))[0].hostPath;
    };
    // hostPath inside the allowed folder: used, and created (a PV's unset type is DirectoryOrCreate).
    expect(await mountOf(claim('in', { hostPath: { path: join(allowed, 'pv-in') } }))).toBe(join(allowed, 'pv-in'));
    expect(statSync(join(allowed, 'pv-in')).isDirectory()).toBe(true);
    // local inside: must exist, as on Kubernetes.
    await expect(vm.setUp(claim('local-missing', { local: { path: join(allowed, 'nope') } }).pod, lookups)).rejects.toThrow(
      `MountVolume.SetUp failed for volume "local-missing" : path "${join(allowed, 'nope')}" does not exist`,
    );
    expect(await mountOf(claim('local-in', { local: { path: allowed } }))).toBe(allowed);
    // local outside: remapped (the private directory made), the host folder unused.
    expect(await mountOf(claim('local-out', { local: { path: outside } }))).toBe(remapOf(outside));
    // A PV path through a symlink out of the allowed folder is outside.
    symlinkSync(outside, join(allowed, 'link'));
    expect(await mountOf(claim('linked', { hostPath: { path: join(allowed, 'link') } }))).toBe(remapOf(join(allowed, 'link')));
    await expect(manager('refuse').setUp(claim('linked2', { hostPath: { path: join(allowed, 'link'), type: 'Directory' } }).pod, lookups)).rejects.toThrow(
      `MountVolume.SetUp failed for volume "linked2" : hostPath ${join(allowed, 'link')} (really ${outside}) is outside the allowed host paths`,
    );
    expect(readdirSync(outside)).toEqual(['secret.txt']);
  });
});

describe('the Kubelet option', () => {
  const kubelets = kubeletsStoppedAfterEach();

  async function kubeletWith(hostPath?: { allow: string[]; mode?: 'remap' | 'refuse' }) {
    const dataDir = temp('kt-hp-kubelet-');
    kubelets.dirs.push(dataDir);
    const env = kubeletEnv({ kubelet: { dataDir, ...(hostPath ? { hostPath } : {}) } });
    const configs = recordContainerConfigs(env.driver);
    await kubelets.start(env.kubelet);
    return { ...env, dataDir, configs };
  }

  const hostPathSpec = (path: string, type?: string) => ({
    containers: [{ name: 'app', image: 'nginx:1.25', volumeMounts: [{ name: 'data', mountPath: '/data' }] }],
    volumes: [{ name: 'data', hostPath: { path, ...(type ? { type } : {}) } } as Volume],
  });

  it('remaps everything by default (no allow-list), into <dataDir>/hostpath', async () => {
    const env = await kubeletWith();
    await env.api.create(boundPod('web', { spec: hostPathSpec(outside, 'DirectoryOrCreate') }));
    await settle(env.kubelet);
    expect(env.api.get('Pod', 'default', 'web')?.status?.containerStatuses?.[0]?.state?.running).toBeDefined();
    const m = env.configs.at(-1)!.mounts.find((x) => x.containerPath === '/data')!;
    expect(m.hostPath).toBe(join(env.dataDir, 'hostpath', outside.slice(1)));
    expect(readdirSync(outside)).toEqual(['secret.txt']);
  });

  it('passes allow and mode through: allowed used as is, outside refused with FailedMount', async () => {
    const env = await kubeletWith({ allow: [allowed], mode: 'refuse' });
    await env.api.create(boundPod('ok', { spec: hostPathSpec(allowed, 'Directory') }));
    await env.api.create(boundPod('etc', { spec: hostPathSpec('/etc') }));
    await settle(env.kubelet);
    expect(env.configs.find((c) => c.mounts.some((x) => x.containerPath === '/data'))?.mounts.find((x) => x.containerPath === '/data')?.hostPath).toBe(allowed);
    const etc = env.api.get('Pod', 'default', 'etc')!;
    expect(etc.status?.containerStatuses?.[0]?.state?.waiting?.reason).toBe('ContainerCreating');
    expect(eventsOf(env.api, 'etc').find((e) => e.reason === 'FailedMount')).toMatchObject({
      type: 'Warning',
      message: `MountVolume.SetUp failed for volume "data" : hostPath /etc is outside the allowed host paths (${allowed}); start kubeterm with --allow-host-path /etc to mount it`,
    });
  });
});
