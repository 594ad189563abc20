// The PersistentVolume controller (kubernetes pkg/controller/volume/
// persistentvolume) with kubeterm's local provisioner: binds each claim to
// the smallest Available volume that fits (class, volumeMode, access modes,
// capacity, selector; volumeName pre-binding), dynamically provisions a
// directory <dataDir>/pv/<claim uid> for claims of a `kubeterm.io/local`
// class (WaitForFirstConsumer: once a pod uses the claim), walks volumes
// through Available → Bound → Released and reclaims them (Retain keeps,
// Delete removes the volume and, for provisioned ones, its directory).
// It makes the default StorageClass `local` on start.
// The decisions are pure functions in pv-binding.ts; PVReconciler reads
// state, asks them, and writes the difference.
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Api } from '../api/api.js';
import { EventRecorder } from '../api/events.js';
import { isStatusError } from '../api/errors.js';
import { splitNsName } from '../api/meta.js';
import type { PersistentVolume, PersistentVolumeClaim, StorageClass } from '../api/types/storage.js';
import type { WatchEvent } from '../api/store-types.js';
import { rfc3339 } from '../api/time.js';
import type { Clock } from '../util/clock.js';
import { Controller, type ControllerOptions, type ReconcileResult } from './controller.js';
import {
  BIND_COMPLETED,
  BOUND_BY_CONTROLLER,
  DEFAULT_CLASS_ANNOTATION,
  LOCAL_PROVISIONER,
  SELECTED_NODE_ANNOTATION,
  findBestMatch,
  namedVolumeDecision,
  podClaims,
  provisionedVolume,
  volumeDecision,
} from './pv-binding.js';

export { DEFAULT_CLASS_ANNOTATION, LOCAL_PROVISIONER, SELECTED_NODE_ANNOTATION, findBestMatch, namedVolumeDecision, provisionedVolume, volumeDecision } from './pv-binding.js';

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

export function newPVController(opts: PVControllerOptions): Controller {
  const { api, clock } = opts;
  const pv = new PVReconciler(api, clock, opts.dataDir, opts.fs ?? nodeVolumeFs);

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
      for (const v of api.list('PersistentVolume').items) {
        if (v.spec?.claimRef?.uid === ev.object.metadata.uid) keys.push(`pv:${v.metadata.name}`);
      }
    }
    return keys;
  };
  const podKeys = (ev: WatchEvent): string[] => {
    if (ev.type === 'DELETED') return [];
    return podClaims(ev.object).map((c) => `pvc:${ev.object.metadata.namespace}/${c}`);
  };

  return new PVController(
    {
      name: 'persistentvolume-controller',
      api,
      clock,
      reconcile: (key) => pv.reconcile(key),
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

class PVReconciler {
  private readonly recorder: EventRecorder;

  constructor(
    private readonly api: Api,
    private readonly clock: Clock,
    private readonly dataDir: string,
    private readonly fs: VolumeFs,
  ) {
    this.recorder = new EventRecorder({ api, component: 'persistentvolume-controller' });
  }

  async reconcile(key: string): Promise<ReconcileResult | void> {
    if (key === ENSURE_DEFAULT_CLASS) return this.ensureDefaultClass();
    if (key.startsWith('pvc:')) {
      const { namespace, name } = splitNsName(key.slice(4));
      return this.syncClaim(namespace, name);
    }
    if (key.startsWith('pv:')) return this.syncVolume(key.slice(3));
  }

  private defaultClass(): StorageClass | undefined {
    return this.api.list('StorageClass').items.find((c) => c.metadata.annotations?.[DEFAULT_CLASS_ANNOTATION] === 'true');
  }

  private async ensureDefaultClass(): Promise<void> {
    if (this.api.get('StorageClass', '', 'local') || this.defaultClass()) return;
    try {
      await this.api.create(defaultStorageClass());
    } catch (e) {
      if (!isStatusError(e, 'AlreadyExists')) throw e;
    }
  }

  private async setClaimStatus(pvc: PersistentVolumeClaim, status: PersistentVolumeClaim['status']): Promise<void> {
    await this.api.modify<PersistentVolumeClaim>('PersistentVolumeClaim', pvc.metadata.namespace ?? '', pvc.metadata.name ?? '', (c) => {
      if (JSON.stringify(c.status ?? {}) === JSON.stringify(status)) return undefined;
      c.status = status;
    }, { status: true });
  }

  private async setVolumePhase(pv: PersistentVolume, phase: NonNullable<PersistentVolume['status']>['phase'], message?: string): Promise<void> {
    await this.api.modify<PersistentVolume>('PersistentVolume', '', pv.metadata.name ?? '', (v) => {
      if (v.status?.phase === phase && (v.status?.message ?? undefined) === message) return undefined;
      const changed = v.status?.phase !== phase;
      v.status = {
        phase,
        ...(message ? { message } : {}),
        lastPhaseTransitionTime: changed ? rfc3339(this.clock.now()) : v.status?.lastPhaseTransitionTime,
      };
    }, { status: true });
  }

  /** bind: the volume's claimRef first, then the claim's volumeName, annotations and status. */
  private async bind(pvc: PersistentVolumeClaim, pv: PersistentVolume): Promise<void> {
    const byController = !pv.spec.claimRef?.uid;
    await this.api.modify<PersistentVolume>('PersistentVolume', '', pv.metadata.name!, (v) => {
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
    const fresh = this.api.get('PersistentVolume', '', pv.metadata.name!)!;
    await this.setVolumePhase(fresh, 'Bound');
    await this.api.modify<PersistentVolumeClaim>('PersistentVolumeClaim', pvc.metadata.namespace!, pvc.metadata.name!, (c) => {
      c.spec.volumeName = pv.metadata.name;
      c.metadata.annotations = { ...(c.metadata.annotations ?? {}), [BIND_COMPLETED]: 'yes', ...(pvc.spec.volumeName ? {} : { [BOUND_BY_CONTROLLER]: 'yes' }) };
    });
    const claim = this.api.get('PersistentVolumeClaim', pvc.metadata.namespace!, pvc.metadata.name!)!;
    await this.setClaimStatus(claim, { phase: 'Bound', accessModes: pv.spec.accessModes, capacity: pv.spec.capacity });
  }

  private async provision(pvc: PersistentVolumeClaim, sc: StorageClass, node: string | undefined): Promise<void> {
    if (this.api.get('PersistentVolume', '', `pvc-${pvc.metadata.uid}`)) return;
    const dir = join(this.dataDir, 'pv', pvc.metadata.uid!);
    try {
      await this.fs.mkdir(dir);
    } catch (e) {
      await this.recorder.event(pvc, 'Warning', 'ProvisioningFailed', `failed to provision volume with StorageClass "${sc.metadata.name}": ${(e as Error).message}`);
      throw e;
    }
    const pv = provisionedVolume(pvc, sc, node, dir);
    await this.api.create(pv);
    await this.recorder.event(pvc, 'Normal', 'ProvisioningSucceeded', `Successfully provisioned volume ${pv.metadata.name}`);
  }

  private async syncClaim(namespace: string, name: string): Promise<void> {
    const pvc = this.api.get('PersistentVolumeClaim', namespace, name);
    if (!pvc || pvc.metadata.deletionTimestamp) return;
    const volumes = this.api.list('PersistentVolume').items;
    if (pvc.spec.volumeName) return this.syncNamedVolume(pvc, volumes.find((v) => v.metadata.name === pvc.spec.volumeName));
    const explicitClass = pvc.spec.storageClassName;
    const match = findBestMatch(pvc, volumes, explicitClass ?? '');
    if (match) return this.bind(pvc, match);
    return this.provisionFor(pvc);
  }

  private async syncNamedVolume(pvc: PersistentVolumeClaim, pv: PersistentVolume | undefined): Promise<void> {
    const d = namedVolumeDecision(pvc, pv);
    switch (d.action) {
      case 'lost':
        await this.recorder.event(pvc, 'Warning', 'ClaimLost', 'Bound claim has lost its PersistentVolume. Data on the volume is lost!');
        return this.setClaimStatus(pvc, { phase: 'Lost' });
      case 'volumeMissing':
        return this.recorder.event(pvc, 'Normal', 'FailedBinding', `volume "${pvc.spec.volumeName}" not found`);
      case 'confirmBound':
        if (d.claimPhase) await this.setClaimStatus(pvc, { phase: 'Bound', accessModes: pv!.spec.accessModes, capacity: pv!.spec.capacity });
        if (d.volumePhase) await this.setVolumePhase(pv!, 'Bound');
        return;
      case 'boundElsewhere':
        return this.recorder.event(pvc, 'Warning', 'FailedBinding', `volume "${pv!.metadata.name}" already bound to a different claim.`);
      case 'bind':
        return this.bind(pvc, pv!);
      case 'mismatch':
        return this.recorder.event(pvc, 'Warning', 'VolumeMismatch', `Cannot bind to requested volume "${pv!.metadata.name}": requested PV is too small`);
    }
  }

  /** No volume fits: provision one through the claim's class (a class-less claim takes the default class). */
  private async provisionFor(pvc: PersistentVolumeClaim): Promise<void> {
    const namespace = pvc.metadata.namespace ?? '';
    const name = pvc.metadata.name ?? '';
    const explicitClass = pvc.spec.storageClassName;
    let className = explicitClass ?? '';
    if (explicitClass === undefined || explicitClass === null) {
      const d = this.defaultClass();
      if (d) {
        className = d.metadata.name!;
        await this.api.modify<PersistentVolumeClaim>('PersistentVolumeClaim', namespace, name, (c) => {
          c.spec.storageClassName = className;
        });
      }
    }
    if (!className) {
      await this.recorder.event(pvc, 'Normal', 'FailedBinding', 'no persistent volumes available for this claim and no storage class is set');
      return;
    }
    const sc = this.api.get('StorageClass', '', className);
    if (!sc) {
      await this.recorder.event(pvc, 'Warning', 'ProvisioningFailed', `storageclass.storage.k8s.io "${className}" not found`);
      return;
    }
    if (sc.provisioner !== LOCAL_PROVISIONER) {
      await this.recorder.event(pvc, 'Normal', 'ExternalProvisioning', `Waiting for a volume to be created either by the external provisioner '${sc.provisioner}' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.`);
      return;
    }
    let node = pvc.metadata.annotations?.[SELECTED_NODE_ANNOTATION];
    if ((sc.volumeBindingMode ?? 'Immediate') === 'WaitForFirstConsumer') {
      const consumers = this.api.list('Pod', {
        namespace,
        filter: (p) => !p.metadata.deletionTimestamp && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed' && podClaims(p).includes(name),
      }).items;
      if (!consumers.length && !node) {
        await this.recorder.event(pvc, 'Normal', 'WaitForFirstConsumer', 'waiting for first consumer to be created before binding');
        return;
      }
      node ??= consumers.find((p) => p.spec?.nodeName)?.spec?.nodeName;
      // As Kubernetes' provisioner: wait until the scheduler has picked the
      // consumer's node (selected-node annotation), so the volume lands there.
      if (!node) return;
    }
    const fresh = this.api.get('PersistentVolumeClaim', namespace, name)!;
    await this.provision(fresh, sc, node);
  }

  private async syncVolume(name: string): Promise<void> {
    const pv = this.api.get('PersistentVolume', '', name);
    if (!pv || pv.metadata.deletionTimestamp) return;
    const ref = pv.spec.claimRef;
    const claim = ref?.uid ? this.api.get('PersistentVolumeClaim', ref.namespace ?? 'default', ref.name ?? '') : undefined;
    const d = volumeDecision(pv, claim);
    if (d.phase) await this.setVolumePhase(pv, d.phase);
    if (d.reclaim === 'unsupported') {
      const msg = 'error getting deleter volume plugin for volume "' + name + '": no deletable volume plugin matched';
      if (pv.status?.phase !== 'Failed') {
        await this.recorder.event(pv, 'Warning', 'VolumeFailedDelete', msg);
        await this.setVolumePhase(this.api.get('PersistentVolume', '', name)!, 'Failed', msg);
      }
    } else if (d.reclaim === 'delete') {
      await this.deleteVolume(pv);
    }
  }

  /** Reclaim policy Delete on a provisioned volume: its directory, then the object. */
  private async deleteVolume(pv: PersistentVolume): Promise<void> {
    const path = pv.spec.hostPath?.path;
    try {
      if (path && path.startsWith(join(this.dataDir, 'pv') + '/')) await this.fs.remove(path);
      await this.api.delete('PersistentVolume', '', pv.metadata.name ?? '');
    } catch (e) {
      if (isStatusError(e, 'NotFound')) return;
      await this.recorder.event(pv, 'Warning', 'VolumeFailedDelete', (e as Error).message);
      throw e;
    }
  }
}
