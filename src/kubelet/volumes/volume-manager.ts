// Pod volumes as host directories, ready to bind into containers:
//
//   <rootDir>/pods/<uid>/volumes/<volume name>/
//
//  - emptyDir: an empty directory (mode 0777, like the kubelet's), removed with
//    the pod. `medium: Memory` is still a plain directory here: kubeterm does not
//    mount tmpfs on the host, so the data is not memory-backed (documented gap).
//  - configMap / secret / downwardAPI / projected: files written with the
//    AtomicWriter layout (./atomic-writer.ts), so calling setUp again after the
//    object changed updates what running containers see — as the kubelet's
//    periodic resync does. Mounted read-only, as on Kubernetes. A projected
//    `serviceAccountToken` source gets its token from the TokenManager
//    (./token-manager.ts), bound to the pod; each setUp rewrites the file once
//    the token is due for refresh (80% of its lifetime). Without a token
//    manager the source contributes nothing.
//  - hostPath: the host path itself, after the `type` check (Directory,
//    DirectoryOrCreate, File, FileOrCreate, Socket, CharDevice, BlockDevice) —
//    when the `hostPath` policy allows it; otherwise a private directory under
//    <rootDir>/hostpath, or a refusal (./host-path.ts).
//  - persistentVolumeClaim: claim → bound PersistentVolume → its hostPath or
//    local path, under the same policy. An unbound claim is an error.
//
// mounts() turns a container's volumeMounts into runtime Mounts; subPath picks
// a file or directory inside the volume and can never escape it.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { KubeObject } from '../../api/meta.js';
import type { ConfigMap, Secret } from '../../api/types/config.js';
import type { Container, DownwardAPIVolumeFile, KeyToPath, Pod, Volume } from '../../api/types/pod.js';
import type { PersistentVolume, PersistentVolumeClaim } from '../../api/types/storage.js';
import { expandVars, fieldRefValue, resourceFieldValue, secretData } from '../container-env.js';
import type { EnvVar, Mount } from '../runtime/types.js';
import { validatePayloadPath, writeAtomic, type PayloadFile } from './atomic-writer.js';
import { checkHostPathType, placeHostPath, remappedRealPath, type HostPathPolicy } from './host-path.js';
import type { TokenManager } from './token-manager.js';

export interface VolumeLookups {
  configMap(namespace: string, name: string): ConfigMap | KubeObject | undefined;
  secret(namespace: string, name: string): Secret | KubeObject | undefined;
  persistentVolumeClaim?(namespace: string, name: string): PersistentVolumeClaim | KubeObject | undefined;
  persistentVolume?(name: string): PersistentVolume | KubeObject | undefined;
  /** For downwardAPI items reading status.podIP / status.hostIP. */
  podIP?: string;
  hostIP?: string;
}

export interface VolumeManagerConfig {
  /** The kubelet's state directory; pod volumes live under <rootDir>/pods/<uid>/volumes. */
  rootDir: string;
  /**
   * Where hostPaths may point (./host-path.ts). `allow`: directories used as
   * they are; anything else is remapped into <rootDir>/hostpath (mode 'remap',
   * the default) or refused ('refuse'). Absent: no restriction at all — for
   * tests of the volume types themselves; the Kubelet always passes a policy.
   */
  hostPath?: { allow: string[]; mode?: HostPathPolicy['mode'] };
  /** Issues the tokens of projected serviceAccountToken sources (absent: those sources write nothing). */
  tokens?: TokenManager;
}

/** A volume could not be set up; `message` is what the kubelet puts in its FailedMount Event. */
export class VolumeError extends Error {
  constructor(
    readonly volume: string,
    message: string,
  ) {
    super(message);
    this.name = 'VolumeError';
  }
}

const DEFAULT_MODE = 0o644;

interface PreparedVolume {
  hostPath: string;
  readOnly: boolean;
}

export class VolumeManager {
  readonly rootDir: string;
  readonly hostPathPolicy: HostPathPolicy | undefined;
  private readonly tokens: TokenManager | undefined;

  constructor(config: VolumeManagerConfig) {
    if (!config?.rootDir) throw new Error('VolumeManager: rootDir is required');
    this.rootDir = path.resolve(config.rootDir);
    this.tokens = config.tokens;
    const hp = config.hostPath;
    if (hp) {
      const mode = hp.mode ?? 'remap';
      if (mode !== 'remap' && mode !== 'refuse') throw new Error(`VolumeManager: hostPath mode must be remap or refuse, not ${JSON.stringify(mode)}`);
      // Allowed folders given relative (a FOLDER argument) are relative to the working directory.
      this.hostPathPolicy = { allow: [...new Set((hp.allow ?? []).map((a) => path.resolve(a)))], mode };
    }
  }

  podDir(uid: string): string {
    return path.join(this.rootDir, 'pods', safeName(uid, 'pod uid'));
  }

  volumeDir(uid: string, volume: string): string {
    return path.join(this.podDir(uid), 'volumes', safeName(volume, 'volume name'));
  }

  /**
   * Prepares every volume of the pod (idempotent; call again to pick up changed
   * ConfigMaps/Secrets). Throws VolumeError with the kubelet-style message of the first failure.
   */
  async setUp(pod: Pod | KubeObject, lookups: VolumeLookups): Promise<void> {
    for (const v of (pod.spec?.volumes ?? []) as Volume[]) await this.prepare(pod as Pod, v, lookups);
  }

  /**
   * Runtime mounts for one container's volumeMounts (after setUp). `lookups`
   * resolve persistentVolumeClaims; `env` (the container's resolved env) feeds subPathExpr.
   */
  async mounts(pod: Pod | KubeObject, container: Container, opts: { lookups?: VolumeLookups; env?: EnvVar[] } = {}): Promise<Mount[]> {
    const env = opts.env ?? [];
    const volumes = new Map(((pod.spec?.volumes ?? []) as Volume[]).map((v) => [v.name, v]));
    const out: Mount[] = [];
    for (const vm of container.volumeMounts ?? []) {
      const vol = volumes.get(vm.name);
      if (!vol) throw new VolumeError(vm.name, `cannot find volume "${vm.name}" to mount into container "${container.name}"`);
      const base = await this.location(pod as Pod, vol, opts.lookups);
      let hostPath = base.hostPath;
      let subPath = vm.subPath ?? '';
      if (vm.subPathExpr) {
        const vars = new Map(env.map((e) => [e.name, e.value]));
        subPath = expandVars(vm.subPathExpr, (n) => vars.get(n));
      }
      if (subPath) hostPath = await this.subPathOf(base.hostPath, subPath, vm.name);
      out.push({ hostPath, containerPath: vm.mountPath, readOnly: !!vm.readOnly || base.readOnly });
    }
    return out;
  }

  /** Removes the pod's directory (emptyDirs and written files go with it; hostPath/PV data stays). */
  async cleanup(uid: string): Promise<void> {
    this.tokens?.forgetPod(uid);
    await fs.rm(this.podDir(uid), { recursive: true, force: true });
  }

  // ---- per volume type ------------------------------------------------------

  private async prepare(pod: Pod, v: Volume, lookups: VolumeLookups): Promise<void> {
    const ns = pod.metadata.namespace || 'default';
    const dir = this.volumeDir(pod.metadata.uid ?? '', v.name);
    const failed = (msg: string) => new VolumeError(v.name, `MountVolume.SetUp failed for volume "${v.name}" : ${msg}`);
    if (v.emptyDir) {
      await fs.mkdir(dir, { recursive: true });
      await fs.chmod(dir, 0o777);
      return;
    }
    if (v.configMap) {
      const name = v.configMap.name ?? '';
      const cm = lookups.configMap(ns, name) as ConfigMap | undefined;
      if (!cm && !v.configMap.optional) throw failed(`configmap "${name}" not found`);
      const all = cm ? configMapFiles(cm) : new Map<string, Buffer>();
      const payload = itemsPayload(all, v.configMap.items, v.configMap.defaultMode, !!v.configMap.optional, (k) => `configmap references non-existent config key: ${k}`);
      if (typeof payload === 'string') throw failed(payload);
      await this.write(dir, payload, failed);
      return;
    }
    if (v.secret) {
      const name = v.secret.secretName ?? '';
      const s = lookups.secret(ns, name) as Secret | undefined;
      if (!s && !v.secret.optional) throw failed(`secret "${name}" not found`);
      const all = s ? secretFiles(s) : new Map<string, Buffer>();
      const payload = itemsPayload(all, v.secret.items, v.secret.defaultMode, !!v.secret.optional, (k) => `references non-existent secret key: ${k}`);
      if (typeof payload === 'string') throw failed(payload);
      await this.write(dir, payload, failed);
      return;
    }
    if (v.downwardAPI) {
      const payload = downwardPayload(pod, v.downwardAPI.items ?? [], v.downwardAPI.defaultMode, lookups);
      if (typeof payload === 'string') throw failed(payload);
      await this.write(dir, payload, failed);
      return;
    }
    if (v.projected) {
      const payload = new Map<string, PayloadFile>();
      for (const src of v.projected.sources ?? []) {
        let part: Map<string, PayloadFile> | string = new Map();
        if (src.configMap) {
          const name = src.configMap.name ?? '';
          const cm = lookups.configMap(ns, name) as ConfigMap | undefined;
          if (!cm && !src.configMap.optional) throw failed(`configmap "${name}" not found`);
          part = itemsPayload(cm ? configMapFiles(cm) : new Map(), src.configMap.items, v.projected.defaultMode, !!src.configMap.optional, (k) => `configmap references non-existent config key: ${k}`);
        } else if (src.secret) {
          const name = src.secret.name ?? '';
          const s = lookups.secret(ns, name) as Secret | undefined;
          if (!s && !src.secret.optional) throw failed(`secret "${name}" not found`);
          part = itemsPayload(s ? secretFiles(s) : new Map(), src.secret.items, v.projected.defaultMode, !!src.secret.optional, (k) => `references non-existent secret key: ${k}`);
        } else if (src.downwardAPI) {
          part = downwardPayload(pod, src.downwardAPI.items ?? [], v.projected.defaultMode, lookups);
        } else if (src.serviceAccountToken && this.tokens) {
          part = await this.tokenPayload(pod, src.serviceAccountToken, v.projected.defaultMode, failed);
        }
        if (typeof part === 'string') throw failed(part);
        for (const [k, f] of part) payload.set(k, f);
      }
      await this.write(dir, payload, failed);
      return;
    }
    if (v.hostPath) {
      await this.hostPathVolume(v.hostPath.path, v.hostPath.type ?? '', failed);
      return;
    }
    if (v.persistentVolumeClaim) {
      await this.claimPath(pod, v, lookups);
      return;
    }
    const kind = Object.keys(v).find((k) => k !== 'name') ?? 'unknown';
    throw new VolumeError(v.name, `MountVolume.SetUp failed for volume "${v.name}" : volume type ${kind} is not supported by kubeterm (supported: emptyDir, configMap, secret, downwardAPI, projected, hostPath, persistentVolumeClaim)`);
  }

  /**
   * The host directory (or file) a hostPath or local volume mounts, after the
   * policy and the `type` check. Idempotent: setUp and mounts() both call it.
   * `local` volumes must exist, with their own message — except when remapped,
   * where kubeterm makes the private directory the administrator would have.
   */
  private async hostPathVolume(p: string, type: string, failed: (m: string) => VolumeError, kind: 'hostPath' | 'local' = 'hostPath'): Promise<string> {
    const mustExist = async (at: string) => {
      if (!(await fs.stat(at).catch(() => undefined))) throw failed(`path "${p}" does not exist`);
    };
    const policy = this.hostPathPolicy;
    if (!policy) {
      if (kind === 'local') await mustExist(p);
      else await checkHostPathType(p, type, p, failed);
      return path.resolve(p);
    }
    let placed;
    try {
      placed = await placeHostPath(p, policy, this.rootDir);
    } catch (e) {
      throw failed(`hostPath ${p}: ${(e as Error).message}`);
    }
    if ('refused' in placed) throw failed(placed.refused);
    const { requested, real, remapped } = placed;
    if (!remapped) {
      if (kind === 'local') await mustExist(real);
      else await checkHostPathType(real, type, requested, failed);
      return real;
    }
    const target = await remappedRealPath(remapped, this.rootDir);
    if (!target) throw failed(`hostPath ${requested}: its private directory ${remapped} leads outside ${path.join(this.rootDir, 'hostpath')}`);
    // Unset and *OrCreate types get their private directory (or file) made;
    // the types that require something to exist fail as on a bare host.
    if (!(await fs.lstat(target).then(() => true, () => false))) {
      if (kind === 'local' || type === '') await fs.mkdir(target, { recursive: true, mode: 0o755 });
      else if (type === 'DirectoryOrCreate' || type === 'FileOrCreate') await fs.mkdir(path.dirname(target), { recursive: true, mode: 0o755 });
    }
    const note = ` (kubeterm maps ${requested}, outside the allowed host paths, to ${remapped}; start kubeterm with --allow-host-path ${real} to use the host's)`;
    if (kind === 'hostPath') await checkHostPathType(target, type, requested, failed, note);
    return target;
  }

  /** The token file of a projected serviceAccountToken source: a token bound to this pod, for the pod's ServiceAccount. */
  private async tokenPayload(
    pod: Pod,
    tp: { audience?: string; expirationSeconds?: number; path: string },
    defaultMode: number | undefined,
    failed: (m: string) => VolumeError,
  ): Promise<Map<string, PayloadFile> | string> {
    const why = validatePayloadPath(tp.path ?? '');
    if (why) return `invalid path ${JSON.stringify(tp.path)}: ${why}`;
    let token: string;
    try {
      token = await this.tokens!.get({
        namespace: pod.metadata.namespace || 'default',
        serviceAccountName: pod.spec.serviceAccountName || 'default',
        audiences: tp.audience ? [tp.audience] : [],
        expirationSeconds: tp.expirationSeconds ?? 3600,
        pod: { name: pod.metadata.name ?? '', uid: pod.metadata.uid ?? '' },
      });
    } catch (e) {
      throw failed((e as Error).message);
    }
    return new Map([[tp.path, { data: Buffer.from(token, 'utf8'), mode: defaultMode ?? DEFAULT_MODE }]]);
  }

  private async write(dir: string, payload: Map<string, PayloadFile>, failed: (m: string) => VolumeError): Promise<void> {
    try {
      await writeAtomic(dir, payload);
    } catch (e) {
      throw failed((e as Error).message);
    }
  }

  /** Where a prepared volume lives on the host, and whether it is read-only by nature. */
  private async location(pod: Pod, v: Volume, lookups: VolumeLookups | undefined): Promise<PreparedVolume> {
    if (v.hostPath) {
      const failed = (msg: string) => new VolumeError(v.name, `MountVolume.SetUp failed for volume "${v.name}" : ${msg}`);
      return { hostPath: await this.hostPathVolume(v.hostPath.path, v.hostPath.type ?? '', failed), readOnly: false };
    }
    if (v.persistentVolumeClaim) {
      if (!lookups) throw new VolumeError(v.name, `volume "${v.name}" is a persistentVolumeClaim: mounts() needs lookups to resolve it`);
      return this.claimPath(pod, v, lookups);
    }
    const readOnly = !!(v.configMap || v.secret || v.downwardAPI || v.projected);
    return { hostPath: this.volumeDir(pod.metadata.uid ?? '', v.name), readOnly };
  }

  private async subPathOf(volumePath: string, subPath: string, volume: string): Promise<string> {
    if (path.posix.isAbsolute(subPath)) throw new VolumeError(volume, `error SubPath \`${subPath}\` must not be an absolute path`);
    if (subPath.split('/').includes('..')) throw new VolumeError(volume, `unable to provision SubPath \`${subPath}\`: must not contain '..'`);
    const full = path.join(volumePath, subPath);
    // Create a missing subPath as a directory (as the kubelet does), then make
    // sure that, symlinks resolved, it is still inside the volume.
    const exists = await fs.lstat(full).then(() => true, () => false);
    if (!exists) await fs.mkdir(full, { recursive: true, mode: 0o777 });
    const [realVol, realSub] = await Promise.all([fs.realpath(volumePath), fs.realpath(full).catch(() => full)]);
    if (realSub !== realVol && !realSub.startsWith(realVol + path.sep)) {
      throw new VolumeError(volume, `unable to provision SubPath \`${subPath}\`: it resolves outside the volume`);
    }
    return realSub;
  }

  private async claimPath(pod: Pod, v: Volume, lookups: VolumeLookups): Promise<PreparedVolume> {
    const ns = pod.metadata.namespace || 'default';
    const claimName = v.persistentVolumeClaim!.claimName;
    const pvc = lookups.persistentVolumeClaim?.(ns, claimName) as PersistentVolumeClaim | undefined;
    if (!pvc) throw new VolumeError(v.name, `persistentvolumeclaim "${claimName}" not found`);
    const phase = pvc.status?.phase ?? '';
    const volumeName = pvc.spec?.volumeName ?? '';
    if (phase !== 'Bound' || !volumeName) {
      throw new VolumeError(v.name, `PVC ${ns}/${claimName} has non-bound phase (${JSON.stringify(phase)}) or empty pvc.Spec.VolumeName (${JSON.stringify(volumeName)})`);
    }
    const pv = lookups.persistentVolume?.(volumeName) as PersistentVolume | undefined;
    if (!pv) throw new VolumeError(v.name, `persistentvolume "${volumeName}" not found`);
    const failed = (msg: string) => new VolumeError(v.name, `MountVolume.SetUp failed for volume "${volumeName}" : ${msg}`);
    const readOnly = !!v.persistentVolumeClaim!.readOnly;
    if (pv.spec.hostPath) {
      // Unset type on a PV's hostPath: a provisioner would have made the directory; do the same.
      return { hostPath: await this.hostPathVolume(pv.spec.hostPath.path, pv.spec.hostPath.type || 'DirectoryOrCreate', failed), readOnly };
    }
    if (pv.spec.local) {
      return { hostPath: await this.hostPathVolume(pv.spec.local.path, '', failed, 'local'), readOnly };
    }
    const kind = Object.keys(pv.spec).find((k) => ['nfs', 'csi', 'iscsi', 'cephfs', 'rbd', 'awsElasticBlockStore', 'gcePersistentDisk', 'azureDisk'].includes(k)) ?? 'unknown';
    throw failed(`persistent volume source ${kind} is not supported by kubeterm (use hostPath or local)`);
  }
}

function safeName(s: string, what: string): string {
  if (!s || s.includes('/') || s.includes('\\') || s === '.' || s === '..') throw new Error(`invalid ${what} ${JSON.stringify(s)}`);
  return s;
}

function configMapFiles(cm: ConfigMap): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const [k, v] of Object.entries(cm.data ?? {})) out.set(k, Buffer.from(v, 'utf8'));
  for (const [k, v] of Object.entries(cm.binaryData ?? {})) out.set(k, Buffer.from(v, 'base64'));
  return out;
}

function secretFiles(s: Secret): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const [k, v] of Object.entries((s.data ?? {}) as Record<string, string>)) out.set(k, Buffer.from(v, 'base64'));
  for (const [k, v] of Object.entries(secretData(s))) if (!out.has(k)) out.set(k, Buffer.from(v, 'utf8'));
  return out;
}

/** Every key as a file, or only `items` (key → path, own mode); a bad path or missing key is a message. */
function itemsPayload(
  all: Map<string, Buffer>,
  items: KeyToPath[] | undefined,
  defaultMode: number | undefined,
  optional: boolean,
  missingKey: (k: string) => string,
): Map<string, PayloadFile> | string {
  const mode = defaultMode ?? DEFAULT_MODE;
  const out = new Map<string, PayloadFile>();
  if (!items || items.length === 0) {
    for (const [k, data] of all) out.set(k, { data, mode });
    return out;
  }
  for (const it of items) {
    const why = validatePayloadPath(it.path);
    if (why) return `invalid path ${JSON.stringify(it.path)} for key ${it.key}: ${why}`;
    const data = all.get(it.key);
    if (data === undefined) {
      if (optional) continue;
      return missingKey(it.key);
    }
    out.set(it.path, { data, mode: it.mode ?? mode });
  }
  return out;
}

function downwardPayload(pod: Pod, items: DownwardAPIVolumeFile[], defaultMode: number | undefined, lookups: VolumeLookups): Map<string, PayloadFile> | string {
  const out = new Map<string, PayloadFile>();
  for (const it of items) {
    const why = validatePayloadPath(it.path);
    if (why) return `invalid path ${JSON.stringify(it.path)}: ${why}`;
    let v: string | { error: string } = '';
    if (it.fieldRef) v = fieldRefValue(pod, it.fieldRef.fieldPath, lookups);
    else if (it.resourceFieldRef) {
      const c = pod.spec.containers.find((x) => x.name === it.resourceFieldRef!.containerName) ?? pod.spec.containers[0];
      v = resourceFieldValue(pod, c, it.resourceFieldRef, {});
    }
    if (typeof v === 'object') return v.error;
    out.set(it.path, { data: Buffer.from(v, 'utf8'), mode: it.mode ?? defaultMode ?? DEFAULT_MODE });
  }
  return out;
}
