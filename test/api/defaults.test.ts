import { describe, expect, it } from 'vitest';
import { applyDefaults, imageTag } from '../../src/api/defaults.js';
import { clone, type KubeObject } from '../../src/api/meta.js';

function d<T extends KubeObject>(o: T): any {
  return applyDefaults(clone(o));
}

const template = {
  metadata: { labels: { app: 'web' } },
  spec: { containers: [{ name: 'web', image: 'nginx:1.27', ports: [{ containerPort: 80 }] }] },
};

const deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'default' },
  spec: { selector: { matchLabels: { app: 'web' } }, template },
};

describe('pod template and container defaults', () => {
  it('fills every PodSpec and Container default Kubernetes applies', () => {
    const out = d(deployment);
    const spec = out.spec.template.spec;
    expect(spec).toMatchObject({
      restartPolicy: 'Always',
      terminationGracePeriodSeconds: 30,
      dnsPolicy: 'ClusterFirst',
      schedulerName: 'default-scheduler',
      securityContext: {},
    });
    expect(spec.containers[0]).toEqual({
      name: 'web',
      image: 'nginx:1.27',
      ports: [{ containerPort: 80, protocol: 'TCP' }],
      resources: {},
      imagePullPolicy: 'IfNotPresent',
      terminationMessagePath: '/dev/termination-log',
      terminationMessagePolicy: 'File',
    });
  });

  it('pulls Always for :latest or untagged images, IfNotPresent for tags and digests', () => {
    expect(imageTag('nginx')).toBe('latest');
    expect(imageTag('nginx:latest')).toBe('latest');
    expect(imageTag('localhost:5000/app')).toBe('latest');
    expect(imageTag('localhost:5000/app:v2')).toBe('v2');
    expect(imageTag('nginx@sha256:abc')).toBe('');
    const pol = (image: string) =>
      d({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image }] } }).spec.containers[0].imagePullPolicy;
    expect(pol('nginx')).toBe('Always');
    expect(pol('nginx:latest')).toBe('Always');
    expect(pol('nginx:1.27')).toBe('IfNotPresent');
    expect(pol('nginx@sha256:0123')).toBe('IfNotPresent');
  });

  it('defaults probes and their httpGet path and scheme, treating 0 as unset', () => {
    const out = d({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p' },
      spec: {
        containers: [
          { name: 'c', image: 'x:1', livenessProbe: { httpGet: { port: 8080 }, periodSeconds: 0 }, readinessProbe: { tcpSocket: { port: 80 }, failureThreshold: 5 } },
        ],
      },
    });
    const c = out.spec.containers[0];
    expect(c.livenessProbe).toEqual({ httpGet: { port: 8080, path: '/', scheme: 'HTTP' }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 });
    expect(c.readinessProbe).toEqual({ tcpSocket: { port: 80 }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 5 });
  });

  it('on Pods (not templates) copies limits into missing requests, canonicalises quantities and sets the QoS class', () => {
    const pod = d({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p' },
      spec: { containers: [{ name: 'c', image: 'x:1', resources: { limits: { cpu: 0.5, memory: '128Mi' } } }] },
    });
    expect(pod.spec.containers[0].resources).toEqual({ limits: { cpu: '500m', memory: '128Mi' }, requests: { cpu: '500m', memory: '128Mi' } });
    expect(pod.spec.enableServiceLinks).toBe(true);
    expect(pod.status).toEqual({ phase: 'Pending', qosClass: 'Guaranteed' });

    const dep = d({
      ...deployment,
      spec: { ...deployment.spec, template: { ...template, spec: { containers: [{ name: 'c', image: 'x:1', resources: { limits: { cpu: '1' } } }] } } },
    });
    expect(dep.spec.template.spec.containers[0].resources).toEqual({ limits: { cpu: '1' } });
    expect(dep.spec.template.spec.enableServiceLinks).toBeUndefined();
  });

  it('classifies BestEffort and Burstable pods', () => {
    const qos = (resources: unknown) =>
      d({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'x:1', resources }] } }).status.qosClass;
    expect(qos(undefined)).toBe('BestEffort');
    expect(qos({ requests: { cpu: '100m' } })).toBe('Burstable');
    expect(qos({ requests: { cpu: '100m', memory: '1Gi' }, limits: { cpu: '200m', memory: '1Gi' } })).toBe('Burstable');
  });

  it('defaults volumes: emptyDir when no source, 0644 modes, hostPath type', () => {
    const out = d({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p' },
      spec: {
        containers: [{ name: 'c', image: 'x:1', env: [{ name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } }] }],
        volumes: [{ name: 'scratch' }, { name: 'cfg', configMap: { name: 'cfg' } }, { name: 's', secret: { secretName: 's' } }, { name: 'h', hostPath: { path: '/tmp' } }],
      },
    });
    expect(out.spec.volumes).toEqual([
      { name: 'scratch', emptyDir: {} },
      { name: 'cfg', configMap: { name: 'cfg', defaultMode: 420 } },
      { name: 's', secret: { secretName: 's', defaultMode: 420 } },
      { name: 'h', hostPath: { path: '/tmp', type: '' } },
    ]);
    expect(out.spec.containers[0].env[0].valueFrom.fieldRef).toEqual({ fieldPath: 'spec.nodeName', apiVersion: 'v1' });
  });
});

describe('workload defaults', () => {
  it('Deployment: replicas 1, RollingUpdate 25%/25%, history 10, progress deadline 600', () => {
    const out = d(deployment);
    expect(out.spec).toMatchObject({
      replicas: 1,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
    });
    expect(out.spec.minReadySeconds).toBeUndefined();
  });

  it('Deployment keeps replicas 0 and a Recreate strategy without rollingUpdate', () => {
    const out = d({ ...deployment, spec: { ...deployment.spec, replicas: 0, strategy: { type: 'Recreate' } } });
    expect(out.spec.replicas).toBe(0);
    expect(out.spec.strategy).toEqual({ type: 'Recreate' });
  });

  it('ReplicaSet: replicas 1 and a defaulted template', () => {
    const out = d({ apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'rs' }, spec: { selector: deployment.spec.selector, template } });
    expect(out.spec.replicas).toBe(1);
    expect(out.spec.template.spec.restartPolicy).toBe('Always');
  });

  it('StatefulSet: OrderedReady, RollingUpdate partition 0, Retain/Retain, replicas 1, history 10, claim templates', () => {
    const out = d({
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'db' },
      spec: {
        selector: deployment.spec.selector,
        serviceName: 'db',
        template,
        volumeClaimTemplates: [{ metadata: { name: 'data', creationTimestamp: null }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
      },
    });
    expect(out.spec).toMatchObject({
      podManagementPolicy: 'OrderedReady',
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
      persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
      replicas: 1,
      revisionHistoryLimit: 10,
    });
    expect(out.spec.volumeClaimTemplates[0]).toEqual({
      metadata: { name: 'data' },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, volumeMode: 'Filesystem' },
    });
  });

  it('DaemonSet: RollingUpdate maxUnavailable 1 maxSurge 0, history 10', () => {
    const out = d({ apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'ds' }, spec: { selector: deployment.spec.selector, template } });
    expect(out.spec.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } });
    expect(out.spec.revisionHistoryLimit).toBe(10);
  });

  const jobTemplate = { spec: { restartPolicy: 'Never', containers: [{ name: 'pi', image: 'perl:5.34' }] } };

  it('Job: completions and parallelism 1 when both unset, backoffLimit 6, NonIndexed, not suspended', () => {
    const out = d({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'pi' }, spec: { template: jobTemplate } });
    expect(out.spec).toMatchObject({
      completions: 1,
      parallelism: 1,
      backoffLimit: 6,
      completionMode: 'NonIndexed',
      suspend: false,
      podReplacementPolicy: 'TerminatingOrFailed',
    });
    expect(out.spec.template.spec.restartPolicy).toBe('Never');
    expect(out.spec.template.metadata).toEqual({});
  });

  it('Job: parallelism alone leaves completions unset (a work queue); template restartPolicy is left as given', () => {
    const out = d({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'q' },
      spec: { parallelism: 3, template: { metadata: { labels: { app: 'q' } }, spec: { containers: [{ name: 'w', image: 'w:1' }] } } },
    });
    expect(out.spec.completions).toBeUndefined();
    expect(out.spec.parallelism).toBe(3);
    expect(out.spec.template.spec.restartPolicy).toBeUndefined();
    expect(out.metadata.labels).toEqual({ app: 'q' });
  });

  it('CronJob: Allow, not suspended, history 3/1; pod defaults reach the job template but Job defaults do not', () => {
    const out = d({
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'tick' },
      spec: { schedule: '*/1 * * * *', jobTemplate: { spec: { template: jobTemplate } } },
    });
    expect(out.spec).toMatchObject({ concurrencyPolicy: 'Allow', suspend: false, successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 1 });
    expect(out.spec.jobTemplate.spec.template.spec.dnsPolicy).toBe('ClusterFirst');
    expect(out.spec.jobTemplate.spec.backoffLimit).toBeUndefined();
  });
});

describe('service, network, storage and cluster defaults', () => {
  it('Service: ClusterIP, None affinity, TCP, targetPort = port, internalTrafficPolicy Cluster', () => {
    const out = d({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }, { port: 443, targetPort: 'https' }] } });
    expect(out.spec).toEqual({
      selector: { app: 'web' },
      ports: [
        { port: 80, protocol: 'TCP', targetPort: 80 },
        { port: 443, targetPort: 'https', protocol: 'TCP' },
      ],
      sessionAffinity: 'None',
      type: 'ClusterIP',
      internalTrafficPolicy: 'Cluster',
    });
  });

  it('Service NodePort/LoadBalancer get externalTrafficPolicy Cluster; LB allocates node ports; ClientIP gets a timeout', () => {
    const np = d({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'a' }, spec: { type: 'NodePort', ports: [{ port: 80 }] } });
    expect(np.spec.externalTrafficPolicy).toBe('Cluster');
    const lb = d({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'a' }, spec: { type: 'LoadBalancer', sessionAffinity: 'ClientIP', ports: [{ port: 80 }] } });
    expect(lb.spec).toMatchObject({ externalTrafficPolicy: 'Cluster', allocateLoadBalancerNodePorts: true, sessionAffinityConfig: { clientIP: { timeoutSeconds: 10800 } } });
    const ext = d({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'a' }, spec: { type: 'ExternalName', externalName: 'example.com' } });
    expect(ext.spec.internalTrafficPolicy).toBeUndefined();
  });

  it('HPA v2: minReplicas 1 and an 80% CPU metric when none is given; behavior defaults when present', () => {
    const out = d({
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'web' },
      spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, maxReplicas: 5, behavior: { scaleDown: { stabilizationWindowSeconds: 60 } } },
    });
    expect(out.spec.minReplicas).toBe(1);
    expect(out.spec.metrics).toEqual([{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }]);
    expect(out.spec.behavior.scaleUp).toEqual({
      stabilizationWindowSeconds: 0,
      selectPolicy: 'Max',
      policies: [
        { type: 'Pods', value: 4, periodSeconds: 15 },
        { type: 'Percent', value: 100, periodSeconds: 15 },
      ],
    });
    expect(out.spec.behavior.scaleDown).toEqual({ stabilizationWindowSeconds: 60, selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] });
  });

  it('PVC: volumeMode Filesystem, phase Pending; PV: Retain, Filesystem', () => {
    const pvc = d({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'c' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } });
    expect(pvc.spec.volumeMode).toBe('Filesystem');
    expect(pvc.status).toEqual({ phase: 'Pending' });
    const pv = d({ apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'v' }, spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/d' } } });
    expect(pv.spec).toMatchObject({ persistentVolumeReclaimPolicy: 'Retain', volumeMode: 'Filesystem', hostPath: { path: '/d', type: '' } });
  });

  it('Secret: type Opaque and stringData merged into base64 data', () => {
    const out = d({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, stringData: { password: 'hunter2' }, data: { user: 'YWRtaW4=' } });
    expect(out).toMatchObject({ type: 'Opaque', data: { user: 'YWRtaW4=', password: 'aHVudGVyMg==' } });
    expect(out.stringData).toBeUndefined();
  });

  it('Namespace: kubernetes finalizer, Active phase and the metadata.name label', () => {
    const out = d({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a' } });
    expect(out.spec).toEqual({ finalizers: ['kubernetes'] });
    expect(out.status).toEqual({ phase: 'Active' });
    expect(out.metadata.labels).toEqual({ 'kubernetes.io/metadata.name': 'team-a' });
  });

  it('Node: allocatable defaults to capacity', () => {
    const out = d({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' }, status: { capacity: { cpu: '4', memory: '8Gi', pods: '110' } } });
    expect(out.status.allocatable).toEqual({ cpu: '4', memory: '8Gi', pods: '110' });
  });

  it('NetworkPolicy policyTypes, StorageClass, PriorityClass, LimitRange, EndpointSlice and IngressClass defaults', () => {
    const np = d({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'n' }, spec: { podSelector: {}, egress: [{ ports: [{ port: 53 }] }] } });
    expect(np.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(np.spec.egress[0].ports[0].protocol).toBe('TCP');
    const sc = d({ apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 's' }, provisioner: 'x.io/p' });
    expect(sc).toMatchObject({ reclaimPolicy: 'Delete', volumeBindingMode: 'Immediate' });
    const pc = d({ apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'p' }, value: 10 });
    expect(pc.preemptionPolicy).toBe('PreemptLowerPriority');
    const lr = d({ apiVersion: 'v1', kind: 'LimitRange', metadata: { name: 'l' }, spec: { limits: [{ type: 'Container', max: { cpu: '2' }, min: { memory: '64Mi' } }] } });
    expect(lr.spec.limits[0]).toEqual({ type: 'Container', max: { cpu: '2' }, min: { memory: '64Mi' }, default: { cpu: '2' }, defaultRequest: { cpu: '2', memory: '64Mi' } });
    const es = d({ apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: 'e' }, addressType: 'IPv4', endpoints: [], ports: [{ port: 80 }] });
    expect(es.ports).toEqual([{ port: 80, protocol: 'TCP', name: '' }]);
    const ic = d({ apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass', metadata: { name: 'i' }, spec: { controller: 'k.io/c', parameters: { kind: 'X', name: 'y' } } });
    expect(ic.spec.parameters.scope).toBe('Cluster');
  });

  it('leaves kinds without defaults (ConfigMap, Ingress pathType) as given', () => {
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: 'b' } };
    expect(d(cm)).toEqual(cm);
    const ing = d({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: 'i' },
      spec: { rules: [{ http: { paths: [{ path: '/', backend: { service: { name: 's', port: { number: 80 } } } }] } }] },
    });
    expect(ing.spec.rules[0].http.paths[0].pathType).toBeUndefined();
  });
});
