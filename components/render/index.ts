// The default renderer registry. Built by a function so each App (and each test)
// gets its own map; callers may pass a different one to <App renderers={…}>.
import type { KubeObject } from '../../src/api/meta.js';
import { configMapRenderer } from './configmap.js';
import { cronJobRenderer } from './cronjob.js';
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
import { secretRenderer } from './secret.js';
import { serviceRenderer } from './service.js';
import { statefulSetRenderer } from './statefulset.js';
import type { Renderer, RendererRegistry } from './types.js';

export type { Column, Renderer, RendererRegistry, SortSpec } from './types.js';

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
  ];
  return new Map(all.map((r) => [r.kind, r]));
}

export function rendererFor(registry: RendererRegistry, kind: string): Renderer {
  return registry.get(kind) ?? genericRenderer(kind);
}

/** Renders one object's cells; exported for tests and the bench. */
export function renderRow(registry: RendererRegistry, obj: KubeObject, now: number): string[] {
  return rendererFor(registry, obj.kind).row(obj, now);
}
