import { describe, expect, expectTypeOf, it } from 'vitest';
import { applyDefaults } from '../../src/api/defaults.js';
import type { KubeObject } from '../../src/api/meta.js';
import type * as T from '../../src/api/types/index.js';
import { validateObject } from '../../src/api/validation/index.js';
import { SAMPLES } from './validation-samples.js';

/** Accepts only KubeObjects: passing each typed kind here is the compile-time assignability check. */
const asKube = (o: KubeObject): KubeObject => o;

describe('typed kinds', () => {
  it('every kind interface is assignable to KubeObject', () => {
    expectTypeOf<T.Pod>().toExtend<KubeObject>();
    expectTypeOf<T.Deployment>().toExtend<KubeObject>();
    expectTypeOf<T.ReplicaSet>().toExtend<KubeObject>();
    expectTypeOf<T.StatefulSet>().toExtend<KubeObject>();
    expectTypeOf<T.DaemonSet>().toExtend<KubeObject>();
    expectTypeOf<T.ControllerRevision>().toExtend<KubeObject>();
    expectTypeOf<T.Job>().toExtend<KubeObject>();
    expectTypeOf<T.CronJob>().toExtend<KubeObject>();
    expectTypeOf<T.HorizontalPodAutoscaler>().toExtend<KubeObject>();
    expectTypeOf<T.Ingress>().toExtend<KubeObject>();
    expectTypeOf<T.IngressClass>().toExtend<KubeObject>();
    expectTypeOf<T.NetworkPolicy>().toExtend<KubeObject>();
    expectTypeOf<T.Service>().toExtend<KubeObject>();
    expectTypeOf<T.Endpoints>().toExtend<KubeObject>();
    expectTypeOf<T.EndpointSlice>().toExtend<KubeObject>();
    expectTypeOf<T.ConfigMap>().toExtend<KubeObject>();
    expectTypeOf<T.Secret>().toExtend<KubeObject>();
    expectTypeOf<T.Namespace>().toExtend<KubeObject>();
    expectTypeOf<T.Node>().toExtend<KubeObject>();
    expectTypeOf<T.Event>().toExtend<KubeObject>();
    expectTypeOf<T.PersistentVolume>().toExtend<KubeObject>();
    expectTypeOf<T.PersistentVolumeClaim>().toExtend<KubeObject>();
    expectTypeOf<T.StorageClass>().toExtend<KubeObject>();
    expectTypeOf<T.ResourceQuota>().toExtend<KubeObject>();
    expectTypeOf<T.LimitRange>().toExtend<KubeObject>();
    expectTypeOf<T.PriorityClass>().toExtend<KubeObject>();
    expectTypeOf<T.Lease>().toExtend<KubeObject>();
    expectTypeOf<T.ServiceAccount>().toExtend<KubeObject>();
  });

  it('typed literals build valid objects and survive defaulting with their type', () => {
    const dep: T.Deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'default' },
      spec: {
        selector: { matchLabels: { app: 'web' } },
        template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27', ports: [{ containerPort: 80 }] }] } },
      },
    };
    const out = applyDefaults(dep);
    expectTypeOf(out).toEqualTypeOf<T.Deployment>();
    expect(out.spec.replicas).toBe(1);
    expect(out.spec.template.spec.containers[0].imagePullPolicy).toBe('IfNotPresent');
    expect(validateObject(asKube(out))).toEqual([]);

    const svc: T.Service = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default' }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } };
    expect(applyDefaults(svc).spec.ports?.[0].targetPort).toBe(80);

    const cm: T.ConfigMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'default' }, data: { k: 'v' } };
    expect(asKube(cm).data).toEqual({ k: 'v' });
  });

  it('narrows stored objects by kind', () => {
    const pod = SAMPLES.find((s) => s.kind === 'Pod') as T.Pod;
    const ports = pod.spec.containers.flatMap((c) => c.ports ?? []).map((p) => p.containerPort);
    expect(ports).toEqual([80]);
    const ev = SAMPLES.find((s) => s.kind === 'Event') as T.Event;
    expect(ev.involvedObject.kind).toBe('Pod');
  });
});
