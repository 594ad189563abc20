// The default renderer registry. Built by a function so each App (and each test)
// gets its own map; callers may pass a different one to <App renderers={…}>.
import type { KindInfo } from '../../src/api/kinds.js';
import type { KubeObject } from '../../src/api/meta.js';
import { configMapRenderer } from './configmap.js';
import { crdRenderer } from './crd.js';
import { cronJobRenderer } from './cronjob.js';
import { customRenderer } from './custom.js';
import { daemonSetRenderer } from './daemonset.js';
import { deploymentRenderer } from './deployment.js';
import { eventRenderer } from './event.js';
import { genericRenderer } from './generic.js';
import { hpaRenderer } from './hpa.js';
import { ingressRenderer } from './ingress.js';
import { jobRenderer } from './job.js';
import { namespaceRenderer } from './namespace.js';
import { nodeRenderer } from './node.js';
import { podRenderer } from './pod.js';
import { portForwardRenderer } from './portforward.js';
import { pvRenderer } from './pv.js';
import { pvcRenderer } from './pvc.js';
import { replicaSetRenderer } from './replicaset.js';
import { clusterRoleRenderer, roleRenderer } from './role.js';
import { clusterRoleBindingRenderer, roleBindingRenderer } from './rolebinding.js';
import { secretRenderer } from './secret.js';
import { serviceRenderer } from './service.js';
import { serviceAccountRenderer } from './serviceaccount.js';
import { statefulSetRenderer } from './statefulset.js';
import type { Renderer, RendererRegistry } from './types.js';

export type { Column, MetricsSample, Renderer, RendererRegistry, SortSpec, Usage } from './types.js';
export { bindMetrics } from './metrics.js';

export function defaultRenderers(): RendererRegistry {
  const all = [
    podRenderer,
    deploymentRenderer,
    replicaSetRenderer,
    statefulSetRenderer,
    daemonSetRenderer,
    jobRenderer,
    cronJobRenderer,
    nodeRenderer,
    serviceRenderer,
    ingressRenderer,
    configMapRenderer,
    secretRenderer,
    pvcRenderer,
    pvRenderer,
    portForwardRenderer,
    namespaceRenderer,
    eventRenderer,
    hpaRenderer,
    crdRenderer,
    serviceAccountRenderer,
    roleRenderer,
    clusterRoleRenderer,
    roleBindingRenderer,
    clusterRoleBindingRenderer,
  ];
  return new Map(all.map((r) => [r.kind, r]));
}

const GENERIC = new Map<string, Renderer>();

/**
 * The renderer of a kind: the registry's, else — for a kind a CRD defines —
 * one from its printer columns, else NAME AGE. The same renderer object comes
 * back for the same kind (and the same KindInfo), so tables keep their row cache.
 */
export function rendererFor(registry: RendererRegistry, kind: string, info?: KindInfo): Renderer {
  const own = registry.get(kind);
  if (own) return own;
  if (info?.custom && info.kind === kind) return customRenderer(info);
  let g = GENERIC.get(kind);
  if (!g) {
    g = genericRenderer(kind);
    GENERIC.set(kind, g);
  }
  return g;
}

/** Renders one object's cells; exported for tests and the bench. */
export function renderRow(registry: RendererRegistry, obj: KubeObject, now: number, info?: KindInfo): string[] {
  return rendererFor(registry, obj.kind, info).row(obj, now);
}
