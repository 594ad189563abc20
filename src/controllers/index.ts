// Starts the engine's controllers and lets tests wait until they have all
// settled. To add a controller (DaemonSet, StatefulSet, Job, CronJob, HPA,
// endpoints …), write `newXController({ api, clock })` returning a Controller
// and add it to CONTROLLER_FACTORIES below — nothing else changes.
import type { Api } from '../api/api.js';
import type { Clock } from '../util/clock.js';
import { Controller } from './controller.js';
import { newDeploymentController } from './deployment.js';
import { newEndpointsController } from './endpoints.js';
import { newEventTTLController } from './event-ttl.js';
import { newGarbageCollector } from './garbage-collector.js';
import { SYSTEM_NAMESPACES } from '../api/system-namespaces.js';
import { newNamespaceController } from './namespace.js';
import { newReplicaSetController } from './replicaset.js';
import { newJobController } from './job.js';
import { newCronJobController } from './cronjob.js';
import { newDaemonSetController } from './daemonset.js';
import { newStatefulSetController } from './statefulset.js';
import { newResourceQuotaController } from './quota.js';
import { newCrdController } from './crd.js';
import { newDisruptionController } from './disruption.js';
import { newRbacBootstrapController } from './rbac-bootstrap.js';
import { newClusterRoleAggregationController } from './clusterrole-aggregation.js';
import { newServiceAccountController } from './serviceaccount.js';

export interface ControllerDeps {
  api: Api;
  clock: Clock;
}

/**
 * What the manager needs from a controller. Controller implements it; a
 * controller with its own loop (e.g. node lifecycle) can too.
 */
export interface ManagedController {
  readonly name: string;
  start(): void;
  stop(): Promise<void>;
  whenIdle(): Promise<void>;
  isIdle(): boolean;
  readonly stats?: { reconciles: number; failures: number; conflicts: number };
}

export type ControllerFactory = (deps: ControllerDeps) => ManagedController;

/** Every controller the engine runs, in start order. */
export const CONTROLLER_FACTORIES: readonly ControllerFactory[] = [
  newCrdController,
  newNamespaceController,
  newServiceAccountController,
  newGarbageCollector,
  newReplicaSetController,
  newDeploymentController,
  newEndpointsController,
  newDaemonSetController,
  newStatefulSetController,
  newJobController,
  newCronJobController,
  newResourceQuotaController,
  newEventTTLController,
  newDisruptionController,
  newRbacBootstrapController,
  newClusterRoleAggregationController,
  // Controllers with extra dependencies are wired by the engine next to these:
  // hpaControllerFactory(metrics) (./hpa.js), pvControllerFactory(dataDir) (./pv-controller.js),
  // clusterAutoscalerFactory({ pools, addNode, removeNode }) (./cluster-autoscaler.js),
  // rootCACertPublisherFactory(caPEM) (./serviceaccount.js) when the engine serves the API.
];

export interface StartControllersOptions extends ControllerDeps {
  /** Defaults to CONTROLLER_FACTORIES. */
  factories?: readonly ControllerFactory[];
}

export interface RunningControllers {
  readonly controllers: readonly ManagedController[];
  stop(): Promise<void>;
  /** Resolves once every controller has nothing queued and nothing in flight, all at the same time. */
  whenIdle(): Promise<void>;
}

export function startControllers(opts: StartControllersOptions): RunningControllers {
  const controllers = (opts.factories ?? CONTROLLER_FACTORIES).map((f) => f({ api: opts.api, clock: opts.clock }));
  for (const c of controllers) c.start();
  const ns = controllers.find((c): c is Controller => c instanceof Controller && c.name === 'namespace-controller');
  for (const n of SYSTEM_NAMESPACES) ns?.enqueue(n);
  return {
    controllers,
    async stop() {
      await Promise.all(controllers.map((c) => c.stop()));
    },
    whenIdle: () => whenAllIdle(controllers),
  };
}

/**
 * One controller's write wakes others through the watch, so wait in rounds
 * until a round finds every queue empty. A macrotask turn between rounds lets
 * pending store writes (group commit) resolve.
 */
export async function whenAllIdle(controllers: readonly ManagedController[], maxRounds = 10_000): Promise<void> {
  for (let i = 0; i < maxRounds; i++) {
    await Promise.all(controllers.map((c) => c.whenIdle()));
    await new Promise<void>((r) => setImmediate(r));
    if (controllers.every((c) => c.isIdle())) return;
  }
  throw new Error(`controllers did not settle after ${maxRounds} rounds: ${controllers.filter((c) => !c.isIdle()).map((c) => c.name).join(', ')}`);
}

export { Controller } from './controller.js';
export type { ControllerOptions, Reconcile, ReconcileResult, WatchSpec } from './controller.js';
export { WorkQueue, type WorkQueueOptions } from './workqueue.js';
export { Informer, ownerKeys, selfKey, controllerOwnerKey, type KeyMapper } from './informer.js';
