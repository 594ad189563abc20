// Known-field schemas per kind (top level), built from the shared pieces in ./core.ts.
import { labelSelector, objectMeta, objectReference, podSpec, podTemplateSpec, pvcSpec, serviceSpec } from './core.js';
import { f, type Node } from './tree.js';

/** Every object: type meta, metadata, and a status the server owns (not checked). */
function kind(extra: Record<string, Node | true>): Node {
  return { apiVersion: true, kind: true, metadata: objectMeta, status: true, ...extra };
}

const intOrPercentRolling = f('maxUnavailable maxSurge');
const pvcTemplate: Node = f('apiVersion kind status', { metadata: objectMeta, spec: pvcSpec });

const jobSpec: Node = f(
  'parallelism completions activeDeadlineSeconds backoffLimit backoffLimitPerIndex maxFailedIndexes manualSelector ttlSecondsAfterFinished completionMode suspend podReplacementPolicy managedBy',
  {
    selector: labelSelector,
    template: podTemplateSpec,
    podFailurePolicy: f('', {
      rules: f('action', { onExitCodes: f('containerName operator values'), onPodConditions: f('type status') }),
    }),
    successPolicy: f('', { rules: f('succeededIndexes succeededCount') }),
  },
);

const metricIdentifier = f('name', { selector: labelSelector });
const metricTarget = f('type value averageValue averageUtilization');
const crossVersionRef = f('kind name apiVersion');
const scalingRules = f('stabilizationWindowSeconds selectPolicy tolerance', { policies: f('type value periodSeconds') });

const ingressBackend = f('', {
  service: f('name', { port: f('name number') }),
  resource: f('apiGroup kind name'),
});

const netpolPeer = f('', { podSelector: labelSelector, namespaceSelector: labelSelector, ipBlock: f('cidr except') });
const netpolPort = f('protocol port endPort');

const endpointAddress = f('ip hostname nodeName', { targetRef: objectReference });
const endpointPort = f('name port protocol appProtocol');

export const KIND_SCHEMAS: Record<string, Node> = {
  Pod: kind({ spec: podSpec }),
  Deployment: kind({
    spec: f('replicas minReadySeconds revisionHistoryLimit paused progressDeadlineSeconds', {
      selector: labelSelector,
      template: podTemplateSpec,
      strategy: f('type', { rollingUpdate: intOrPercentRolling }),
    }),
  }),
  ReplicaSet: kind({ spec: f('replicas minReadySeconds', { selector: labelSelector, template: podTemplateSpec }) }),
  StatefulSet: kind({
    spec: f('replicas serviceName podManagementPolicy revisionHistoryLimit minReadySeconds', {
      selector: labelSelector,
      template: podTemplateSpec,
      volumeClaimTemplates: pvcTemplate,
      updateStrategy: f('type', { rollingUpdate: f('partition maxUnavailable') }),
      persistentVolumeClaimRetentionPolicy: f('whenDeleted whenScaled'),
      ordinals: f('start'),
    }),
  }),
  DaemonSet: kind({
    spec: f('minReadySeconds revisionHistoryLimit', {
      selector: labelSelector,
      template: podTemplateSpec,
      updateStrategy: f('type', { rollingUpdate: intOrPercentRolling }),
    }),
  }),
  ControllerRevision: kind({ data: true, revision: true }),
  Job: kind({ spec: jobSpec }),
  CronJob: kind({
    spec: f('schedule timeZone startingDeadlineSeconds concurrencyPolicy suspend successfulJobsHistoryLimit failedJobsHistoryLimit', {
      jobTemplate: f('', { metadata: objectMeta, spec: jobSpec }),
    }),
  }),
  HorizontalPodAutoscaler: kind({
    spec: f('minReplicas maxReplicas', {
      scaleTargetRef: crossVersionRef,
      metrics: f('type', {
        object: f('', { describedObject: crossVersionRef, target: metricTarget, metric: metricIdentifier }),
        pods: f('', { metric: metricIdentifier, target: metricTarget }),
        resource: f('name', { target: metricTarget }),
        containerResource: f('name container', { target: metricTarget }),
        external: f('', { metric: metricIdentifier, target: metricTarget }),
      }),
      behavior: f('', { scaleUp: scalingRules, scaleDown: scalingRules }),
    }),
  }),
  Service: kind({ spec: serviceSpec }),
  Endpoints: kind({ subsets: f('', { addresses: endpointAddress, notReadyAddresses: endpointAddress, ports: endpointPort }) }),
  EndpointSlice: kind({
    addressType: true,
    endpoints: f('addresses hostname nodeName zone', {
      conditions: f('ready serving terminating'),
      targetRef: objectReference,
      hints: f('', { forZones: f('name'), forNodes: f('name') }),
    }),
    ports: endpointPort,
  }),
  Ingress: kind({
    spec: f('ingressClassName', {
      defaultBackend: ingressBackend,
      tls: f('hosts secretName'),
      rules: f('host', { http: f('', { paths: f('path pathType', { backend: ingressBackend }) }) }),
    }),
  }),
  IngressClass: kind({ spec: f('controller', { parameters: f('apiGroup kind name scope namespace') }) }),
  NetworkPolicy: kind({
    spec: f('policyTypes', {
      podSelector: labelSelector,
      ingress: f('', { ports: netpolPort, from: netpolPeer }),
      egress: f('', { ports: netpolPort, to: netpolPeer }),
    }),
  }),
  ConfigMap: kind({ data: true, binaryData: true, immutable: true }),
  Secret: kind({ data: true, stringData: true, type: true, immutable: true }),
  Namespace: kind({ spec: f('finalizers') }),
  Node: kind({
    spec: f('podCIDR podCIDRs providerID unschedulable externalID', {
      taints: f('key value effect timeAdded'),
      configSource: true,
    }),
  }),
  Event: kind({
    involvedObject: objectReference,
    reason: true,
    message: true,
    source: f('component host'),
    firstTimestamp: true,
    lastTimestamp: true,
    count: true,
    type: true,
    eventTime: true,
    series: f('count lastObservedTime'),
    action: true,
    related: objectReference,
    reportingComponent: true,
    reportingInstance: true,
  }),
  PersistentVolume: kind({
    spec: f(
      'capacity accessModes persistentVolumeReclaimPolicy storageClassName mountOptions volumeMode volumeAttributesClassName gcePersistentDisk awsElasticBlockStore iscsi fc cephfs rbd azureDisk azureFile vsphereVolume flexVolume cinder glusterfs portworxVolume scaleIO storageos photonPersistentDisk quobyte flocker',
      {
        claimRef: objectReference,
        nodeAffinity: f('', {
          required: f('', { nodeSelectorTerms: f('', { matchExpressions: f('key operator values'), matchFields: f('key operator values') }) }),
        }),
        hostPath: f('path type'),
        local: f('path fsType'),
        nfs: f('server path readOnly'),
        csi: f('driver volumeHandle readOnly fsType volumeAttributes controllerPublishSecretRef nodeStageSecretRef nodePublishSecretRef controllerExpandSecretRef nodeExpandSecretRef'),
      },
    ),
  }),
  PersistentVolumeClaim: kind({ spec: pvcSpec }),
  StorageClass: kind({
    provisioner: true,
    parameters: true,
    reclaimPolicy: true,
    mountOptions: true,
    allowVolumeExpansion: true,
    volumeBindingMode: true,
    allowedTopologies: f('', { matchLabelExpressions: f('key values') }),
  }),
  ResourceQuota: kind({
    spec: f('hard scopes', { scopeSelector: f('', { matchExpressions: f('scopeName operator values') }) }),
  }),
  LimitRange: kind({ spec: f('', { limits: f('type max min default defaultRequest maxLimitRequestRatio') }) }),
  PriorityClass: kind({ value: true, globalDefault: true, description: true, preemptionPolicy: true }),
  Lease: kind({
    spec: f('holderIdentity leaseDurationSeconds acquireTime renewTime leaseTransitions strategy preferredHolder'),
  }),
  ServiceAccount: kind({ secrets: objectReference, imagePullSecrets: f('name'), automountServiceAccountToken: true }),
};
