// The PersistentVolume controller (kubernetes pkg/controller/volume/
// persistentvolume) with kubeterm's local provisioner: binds each claim to
// the smallest Available volume that fits (class, volumeMode, access modes,
// capacity, selector; volumeName pre-binding), dynamically provisions a
// directory <dataDir>/pv/<claim uid> for claims of a `kubeterm.io/local`
// class (WaitForFirstConsumer: once a pod uses the claim), walks volumes
// through Available → Bound → Released and reclaims them (Retain keeps,
// Delete removes the volume and, for provisioned ones, its directory).
// It makes the default StorageClass `local` on start.
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Api } from '../api/api.js';
import { EventRecorder } from '../api/events.js';
import { isStatusError } from '../api/errors.js';
import { splitNsName, type KubeObject } from '../api/meta.js';
import { compareQuantities } from '../api/quantity.js';
import { selectorMatches } from '../api/selectors.js';
import type { PersistentVolume, PersistentVolumeClaim, StorageClass } from '../api/types/storage.js';
import type { WatchEvent } from '../api/store-types.js';
import type { Clock } from '../util/clock.js';
import { Controller, type ControllerOptions, type ReconcileResult } from './controller.js';

export const LOCAL_PROVISIONER = 'kubeterm.io/local';
export const DEFAULT_CLASS_ANNOTATION = 'storageclass.kubernetes.io/is-default-class';
export const SELECTED_NODE_ANNOTATION = 'volume.kubernetes.io/selected-node';
const BOUND_BY_CONTROLLER = 'pv.kubernetes.io/bound-by-controller';
const BIND_COMPLETED = 'pv.kubernetes.io/bind-completed';
const PROVISIONED_BY = 'pv.kubernetes.io/provisioned-by';
const ENSURE_DEFAULT_CLASS = '#default-storage-class';

/** The directory operations provisioning needs; tests pass a temp-dir backed one. */
export interface VolumeFs {
  mkdir(path: string): Promise<void>;
  remove(path: string): Promise<void>;
}

export const nodeVolumeFs: VolumeFs = {
  async mkdir(path) {
    await mkdir(path, { recursive: true });
  },
  async remove(path) {
    await rm(path, { recursive: true, force: true });
  },
};

export interface PVControllerOptions {
  api: Api;
  clock: Clock;
  /** The state folder: provisioned volumes live under <dataDir>/pv/. */
  dataDir: string;
  fs?: VolumeFs;
  /** Create the default `local` StorageClass on start (default true). */
  defaultClass?: boolean;
  workers?: number;
}

/** For engine wiring: `pvControllerFactory(stateDir)` next to CONTROLLER_FACTORIES. */
export function pvControllerFactory(dataDir: string, fs?: VolumeFs) {
  return (deps: { api: Api; clock: Clock }): Controller => newPVController({ ...deps, dataDir, fs });
}

export function defaultStorageClass(): StorageClass {
  return {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: { name: 'local', annotations: { [DEFAULT_CLASS_ANNOTATION]: 'true' } },
    provisioner: LOCAL_PROVISIONER,
    reclaimPolicy: 'Delete',
    volumeBindingMode: 'WaitForFirstConsumer',
  };
}

class PVController extends Controller {
  constructor(
    opts: ControllerOptions,
    private readonly ensureClass: boolean,
  ) {
    super(opts);
  }
  override start(): void {
    super.start();
    if (this.ensureClass) this.enqueue(ENSURE_DEFAULT_CLASS);
  }
}

function requestOf(pvc: PersistentVolumeClaim): string {
  return String(pvc.spec.resources?.requests?.storage ?? '0');
}

/** The claims a pod mounts. */
function podClaims(pod: KubeObject): string[] {
  return ((pod.spec?.volumes ?? []) as { persistentVolumeClaim?: { claimName?: string } }[])
    .map((v) => v.persistentVolumeClaim?.claimName)
    .filter((n): n is string => !!n);
}

/** findBestMatchForClaim: the smallest Available volume that satisfies the claim; a volume pre-bound to it wins. */
export function findBestMatch(pvc: PersistentVolumeClaim, volumes: PersistentVolume[], claimClass: string): PersistentVolume | undefined {
  const want = requestOf(pvc);
  const modes = pvc.spec.accessModes ?? [];
  let best: PersistentVolume | undefined;
  for (const pv of volumes) {
    const ref = pv.spec.claimRef;
    if (ref) {
      const mine = ref.name === pvc.metadata.name && (ref.namespace ?? 'default') === pvc.metadata.namespace && (!ref.uid || ref.uid === pvc.metadata.uid);
      if (!mine) continue;
    }
    if (pv.metadata.deletionTimestamp) continue;
    if (pv.status?.phase === 'Released' || pv.status?.phase === 'Failed') continue;
    if ((pv.spec.storageClassName ?? '') !== claimClass) continue;
    if ((pv.spec.volumeMode ?? 'Filesystem') !== (pvc.spec.volumeMode ?? 'Filesystem')) continue;
    if (!modes.every((m) => (pv.spec.accessModes ?? []).includes(m))) continue;
    const cap = String(pv.spec.capacity?.storage ?? '0');
    if (compareQuantities(cap, want) < 0) continue;
    if (pvc.spec.selector && !selectorMatches(pvc.spec.selector, pv.metadata.labels)) continue;
    if (pvc.spec.volumeName && pvc.spec.volumeName !== pv.metadata.name) continue;
    if (ref) return pv; // pre-bound to this claim
    if (!best || compareQuantities(cap, String(best.spec.capacity?.storage ?? '0')) < 0) best = pv;
  }
  return best;
}

export function newPVController(opts: PVControllerOptions): Controller {
  const { api, clock } = opts;
  const fs = opts.fs ?? nodeVolumeFs;
  const recorder = new EventRecorder({ api, component: 'persistentvolume-controller' });
  const provisionedDir = (uid: string) => join(opts.dataDir, 'pv', uid);

  const pendingClaims = (): string[] =>
    api
      .list('PersistentVolumeClaim', { filter: (c) => c.status?.phase !== 'Bound' })
      .items.map((c) => `pvc:${c.metadata.namespace}/${c.metadata.name}`);

  const pvKeys = (ev: WatchEvent): string[] => {
    const keys = new Set<string>([`pv:${ev.object.metadata.name}`]);
    const ref = ev.object.spec?.claimRef;
    if (ref?.name) keys.add(`pvc:${ref.namespace ?? 'default'}/${ref.name}`);
    for (const k of pendingClaims()) keys.add(k);
    return [...keys];
  };
  const pvcKeys = (ev: WatchEvent): string[] => {
    const keys = [`pvc:${ev.object.metadata.namespace}/${ev.object.metadata.name}`];
    const vol = ev.object.spec?.volumeName;
    if (ev.type === 'DELETED' && vol) keys.push(`pv:${vol}`);
    // A deleted claim releases its volume: find volumes that point at it.
    if (ev.type === 'DELETED') {
      for (const pv of api.list('PersistentVolume').items) {
        if (pv.spec?.claimRef?.uid === ev.object.metadata.uid) keys.push(`pv:${pv.metadata.name}`);
      }
    }
    return keys;
  };
  const podKeys = (ev: WatchEvent): string[] => {
    if (ev.type === 'DELETED') return [];
    return podClaims(ev.object).map((c) => `pvc:${ev.object.metadata.namespace}/${c}`);
  };

  const defaultClass = (): StorageClass | undefined =>
    api.list<StorageClass>('StorageClass').items.find((c) => c.metadata.annotations?.[DEFAULT_CLASS_ANNOTATION] === 'true');

  const setClaimStatus = async (pvc: PersistentVolumeClaim, status: PersistentVolumeClaim['status']) => {
    await api.modify<PersistentVolumeClaim>('PersistentVolumeClaim', pvc.metadata.namespace ?? '', pvc.metadata.name ?? '', (c) => {
      if (JSON.stringify(c.status ?? {}) === JSON.stringify(status)) return undefined;
      c.status = status;
    }, { status: true });
  };
  const setVolumePhase = async (pv: PersistentVolume, phase: NonNullable<PersistentVolume['status']>['phase'], message?: string) => {
    await api.modify<PersistentVolume>('PersistentVolume', '', pv.metadata.name ?? '', (v) => {
      if (v.status?.phase === phase && (v.status?.message ?? undefined) === message) return undefined;
      const changed = v.status?.phase !== phase;
      v.status = {
        phase,
        ...(message ? { message } : {}),
        lastPhaseTransitionTime: changed ? new Date(clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z') : v.status?.lastPhaseTransitionTime,
      };
    }, { status: true });
  };

  /** bind: the volume's claimRef first, then the claim's volumeName, annotations and status. */
  const bind = async (pvc: PersistentVolumeClaim, pv: PersistentVolume): Promise<void> => {
    const byController = !pv.spec.claimRef?.uid;
    await api.modify<PersistentVolume>('PersistentVolume', '', pv.metadata.name!, (v) => {
      v.spec.claimRef = {
        kind: 'PersistentVolumeClaim',
        namespace: pvc.metadata.namespace,
        name: pvc.metadata.name,
        uid: pvc.metadata.uid,
        apiVersion: 'v1',
        resourceVersion: pvc.metadata.resourceVersion,
      };
      if (byController) v.metadata.annotations = { ...(v.metadata.annotations ?? {}), [BOUND_BY_CONTROLLER]: 'yes' };
    });
    const fresh = api.get<PersistentVolume>('PersistentVolume', '', pv.metadata.name!)!;
    await setVolumePhase(fresh, 'Bound');
    await api.modify<PersistentVolumeClaim>('PersistentVolumeClaim', pvc.metadata.namespace!, pvc.metadata.name!, (c) => {
      c.spec.volumeName = pv.metadata.name;
      c.metadata.annotations = { ...(c.metadata.annotations ?? {}), [BIND_COMPLETED]: 'yes', ...(pvc.spec.volumeName ? {} : { [BOUND_BY_CONTROLLER]: 'yes' }) };
    });
    const claim = api.get<PersistentVolumeClaim>('PersistentVolumeClaim', pvc.metadata.namespace!, pvc.metadata.name!)!;
    await setClaimStatus(claim, { phase: 'Bound', accessModes: pv.spec.accessModes, capacity: pv.spec.capacity });
  };

  const provision = async (pvc: PersistentVolumeClaim, sc: StorageClass, node: string | undefined): Promise<void> => {
    const name = `pvc-${pvc.metadata.uid}`;
    if (api.get('PersistentVolume', '', name)) return;
    const dir = provisionedDir(pvc.metadata.uid!);
    try {
      await fs.mkdir(dir);
    } catch (e) {
      await recorder.event(pvc, 'Warning', 'ProvisioningFailed', `failed to provision volume with StorageClass "${sc.metadata.name}": ${(e as Error).message}`);
      throw e;
    }
    const pv: PersistentVolume = {
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name, annotations: { [PROVISIONED_BY]: sc.provisioner } },
      spec: {
        capacity: { storage: requestOf(pvc) },
        accessModes: pvc.spec.accessModes ?? ['ReadWriteOnce'],
        persistentVolumeReclaimPolicy: sc.reclaimPolicy ?? 'Delete',
        storageClassName: sc.metadata.name,
        volumeMode: pvc.spec.volumeMode ?? 'Filesystem',
        hostPath: { path: dir, type: 'DirectoryOrCreate' },
        claimRef: { kind: 'PersistentVolumeClaim', apiVersion: 'v1', namespace: pvc.metadata.namespace, name: pvc.metadata.name, uid: pvc.metadata.uid },
        ...(node
          ? { nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [node] }] }] } } }
          : {}),
      },
    };
    await api.create(pv);
    await recorder.event(pvc, 'Normal', 'ProvisioningSucceeded', `Successfully provisioned volume ${name}`);
  };

  const syncClaim = async (namespace: string, name: string): Promise<void> => {
    const pvc = api.get<PersistentVolumeClaim>('PersistentVolumeClaim', namespace, name);
    if (!pvc || pvc.metadata.deletionTimestamp) return;
    const volumes = api.list<PersistentVolume>('PersistentVolume').items;
    if (pvc.spec.volumeName) {
      const pv = volumes.find((v) => v.metadata.name === pvc.spec.volumeName);
      if (!pv) {
        if (pvc.status?.phase === 'Bound') {
          await recorder.event(pvc, 'Warning', 'ClaimLost', 'Bound claim has lost its PersistentVolume. Data on the volume is lost!');
          await setClaimStatus(pvc, { phase: 'Lost' });
        } else {
          await recorder.event(pvc, 'Normal', 'FailedBinding', `volume "${pvc.spec.volumeName}" not found`);
        }
        return;
      }
      const ref = pv.spec.claimRef;
      if (ref?.uid === pvc.metadata.uid) {
        if (pvc.status?.phase !== 'Bound') await setClaimStatus(pvc, { phase: 'Bound', accessModes: pv.spec.accessModes, capacity: pv.spec.capacity });
        if (pv.status?.phase !== 'Bound') await setVolumePhase(pv, 'Bound');
        return;
      }
      if (ref && !(ref.name === name && (ref.namespace ?? 'default') === namespace && !ref.uid)) {
        await recorder.event(pvc, 'Warning', 'FailedBinding', `volume "${pv.metadata.name}" already bound to a different claim.`);
        return;
      }
      if (findBestMatch(pvc, [pv], pvc.spec.storageClassName ?? pv.spec.storageClassName ?? '')) await bind(pvc, pv);
      else await recorder.event(pvc, 'Warning', 'VolumeMismatch', `Cannot bind to requested volume "${pv.metadata.name}": requested PV is too small`);
      return;
    }
    const explicitClass = pvc.spec.storageClassName;
    const match = findBestMatch(pvc, volumes, explicitClass ?? '');
    if (match) {
      await bind(pvc, match);
      return;
    }
    // A claim without a class that no class-less volume fits takes the default class (retroactive default class).
    let className = explicitClass ?? '';
    if (explicitClass === undefined || explicitClass === null) {
      const d = defaultClass();
      if (d) {
        className = d.metadata.name!;
        await api.modify<PersistentVolumeClaim>('PersistentVolumeClaim', namespace, name, (c) => {
          c.spec.storageClassName = className;
        });
      }
    }
    if (!className) {
      await recorder.event(pvc, 'Normal', 'FailedBinding', 'no persistent volumes available for this claim and no storage class is set');
      return;
    }
    const sc = api.get<StorageClass>('StorageClass', '', className);
    if (!sc) {
      await recorder.event(pvc, 'Warning', 'ProvisioningFailed', `storageclass.storage.k8s.io "${className}" not found`);
      return;
    }
    if (sc.provisioner !== LOCAL_PROVISIONER) {
      await recorder.event(pvc, 'Normal', 'ExternalProvisioning', `Waiting for a volume to be created either by the external provisioner '${sc.provisioner}' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.`);
      return;
    }
    let node = pvc.metadata.annotations?.[SELECTED_NODE_ANNOTATION];
    if ((sc.volumeBindingMode ?? 'Immediate') === 'WaitForFirstConsumer') {
      const consumers = api.list('Pod', {
        namespace,
        filter: (p) => !p.metadata.deletionTimestamp && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed' && podClaims(p).includes(name),
      }).items;
      if (!consumers.length && !node) {
        await recorder.event(pvc, 'Normal', 'WaitForFirstConsumer', 'waiting for first consumer to be created before binding');
        return;
      }
      node ??= consumers.find((p) => p.spec?.nodeName)?.spec?.nodeName;
      // As Kubernetes' provisioner: wait until the scheduler has picked the
      // consumer's node (selected-node annotation), so the volume lands there.
      if (!node) return;
    }
    const fresh = api.get<PersistentVolumeClaim>('PersistentVolumeClaim', namespace, name)!;
    await provision(fresh, sc, node);
  };

  const syncVolume = async (name: string): Promise<void> => {
    const pv = api.get<PersistentVolume>('PersistentVolume', '', name);
    if (!pv || pv.metadata.deletionTimestamp) return;
    const ref = pv.spec.claimRef;
    if (!ref) {
      if (pv.status?.phase !== 'Available') await setVolumePhase(pv, 'Available');
      return;
    }
    if (!ref.uid) {
      if (pv.status?.phase !== 'Available') await setVolumePhase(pv, 'Available'); // pre-bound, waiting for its claim
      return;
    }
    const claim = api.get('PersistentVolumeClaim', ref.namespace ?? 'default', ref.name ?? '');
    if (claim && claim.metadata.uid === ref.uid) {
      if (claim.spec?.volumeName === name && pv.status?.phase !== 'Bound') await setVolumePhase(pv, 'Bound');
      return;
    }
    // The claim is gone: the volume is Released and reclaimed by its policy.
    if (pv.status?.phase !== 'Released' && pv.status?.phase !== 'Failed') await setVolumePhase(pv, 'Released');
    const policy = pv.spec.persistentVolumeReclaimPolicy ?? 'Retain';
    if (policy !== 'Delete') return;
    const provisioned = pv.metadata.annotations?.[PROVISIONED_BY] === LOCAL_PROVISIONER;
    if (!provisioned) {
      const msg = 'error getting deleter volume plugin for volume "' + name + '": no deletable volume plugin matched';
      if (pv.status?.phase !== 'Failed') {
        await recorder.event(pv, 'Warning', 'VolumeFailedDelete', msg);
        await setVolumePhase(api.get<PersistentVolume>('PersistentVolume', '', name)!, 'Failed', msg);
      }
      return;
    }
    const path = pv.spec.hostPath?.path;
    try {
      if (path && path.startsWith(join(opts.dataDir, 'pv') + '/')) await fs.remove(path);
      await api.delete('PersistentVolume', '', name);
    } catch (e) {
      if (isStatusError(e, 'NotFound')) return;
      await recorder.event(pv, 'Warning', 'VolumeFailedDelete', (e as Error).message);
      throw e;
    }
  };

  const reconcile = async (key: string): Promise<ReconcileResult | void> => {
    if (key === ENSURE_DEFAULT_CLASS) {
      if (!api.get('StorageClass', '', 'local') && !defaultClass()) {
        try {
          await api.create(defaultStorageClass());
        } catch (e) {
          if (!isStatusError(e, 'AlreadyExists')) throw e;
        }
      }
      return;
    }
    if (key.startsWith('pvc:')) {
      const { namespace, name } = splitNsName(key.slice(4));
      return syncClaim(namespace, name);
    }
    if (key.startsWith('pv:')) return syncVolume(key.slice(3));
  };

  return new PVController(
    {
      name: 'persistentvolume-controller',
      api,
      clock,
      reconcile,
      workers: opts.workers,
      watches: [
        { kind: 'PersistentVolumeClaim', toKeys: pvcKeys },
        { kind: 'PersistentVolume', toKeys: pvKeys },
        { kind: 'Pod', toKeys: podKeys },
        { kind: 'StorageClass', toKeys: () => pendingClaims() },
      ],
    },
    opts.defaultClass ?? true,
  );
}
