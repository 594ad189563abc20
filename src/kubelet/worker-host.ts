// What a pod worker and its parts (container start, image pulls, probes,
// termination) share: the kubelet's services (WorkerHost) and the view of one
// pod worker the parts act through (PodContext). Each part keeps its own state;
// the worker orchestrates them.
import type { Api } from '../api/api.js';
import type { EventRecorder } from '../api/events.js';
import type { Container, Pod } from '../api/types/pod.js';
import type { Clock } from '../util/clock.js';
import { logger } from '../util/log.js';
import type { Backoff } from './backoff.js';
import type { clusterLookups, DnsConfigFn } from './pod-config.js';
import type { ContainerRecord } from './pod-status.js';
import type { RuntimeDriver, SandboxInfo } from './runtime/types.js';
import type { VolumeManager } from './volumes/index.js';

/** The kubelet's log: runtime errors no Event reports (a container that would not stop or be removed). */
export const kubeletLog = logger('kubelet');

/** A readiness opinion from outside the runtime (the prober); undefined = no opinion. */
export type ReadinessHook = (pod: Pod, container: string, containerId: string) => boolean | undefined;

export interface WorkerHost {
  api: Api;
  clock: Clock;
  driver: RuntimeDriver;
  instance: string;
  hostIP: string;
  recorder: EventRecorder;
  restartBackoff: Backoff;
  pullBackoff: Backoff;
  readiness?: ReadinessHook;
  /** Pod volumes (and the per-pod directory resolv.conf goes into). Absent: no volumes, no mounts. */
  volumes?: VolumeManager;
  /** Cluster DNS for resolv.conf (dnsPolicy ClusterFirst). */
  dnsConfig?: DnsConfigFn;
  /** Whether probes run (default true). */
  probes?: boolean;
  /** Counts async work for whenIdle. */
  track(p: Promise<unknown>): void;
  /** The worker finished tearing its pod down. */
  onRemoved(uid: string): void;
}

/** One pod worker as its parts see it. */
export interface PodContext {
  readonly host: WorkerHost;
  readonly pod: Pod;
  readonly uid: string;
  readonly sandbox?: SandboxInfo;
  /** An Event on the pod (none once the Pod object is gone). */
  event(type: 'Normal' | 'Warning', reason: string, message: string): Promise<void>;
  /** Syncs again at this time on the clock. */
  wakeAt(at: number): void;
  requestSync(): void;
  podIP(): string | undefined;
  lookups(): ReturnType<typeof clusterLookups>;
  /** The spec of a record's container (undefined if the spec no longer names it). */
  specOf(r: ContainerRecord): Container | undefined;
}

export function formatPod(pod: Pod): string {
  return `${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`;
}

/**
 * Runs a runtime call whose failure must not stop the caller (teardown goes
 * on, the next sync retries) but that the user should hear of: a container
 * that would not stop or be removed keeps running or takes space.
 */
export async function logFailure(what: string, call: Promise<unknown>): Promise<void> {
  try {
    await call;
  } catch (e) {
    kubeletLog.warn(what, e);
  }
}
