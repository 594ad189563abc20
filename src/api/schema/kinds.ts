// Known-field schemas per kind (top level), built from the shared pieces in ./core.ts.
// Leaves name their Go type (see ./tree.ts): plain names are strings.
import { labelSelector, nodeSelectorTerm, objectMeta, objectReference, podSpec, podTemplateSpec, pvcSpec, serviceSpec } from './core.js';
import { f, type Leaf, type Node } from './tree.js';

/** Every object: type meta, metadata, and a status the server owns (not checked). */
function kind(go: string, leaves: string, extra: Record<string, Node | Leaf> = {}): Node {
  // apiVersion and kind are checked (and reported) before decoding: see Api.requireKind.
  return f(go, `apiVersion:* kind:* status:* ${leaves}`, { metadata: objectMeta, ...extra });
}

const RL = 'v1.ResourceList';
const MS = 'map[string]string';
const SS = '[]string';
const IOS = 'intstr.IntOrString';

const pvcTemplate: Node = f('v1.PersistentVolumeClaim', 'apiVersion:* kind:* status:*', { metadata: objectMeta, spec: pvcSpec });

const jobSpec: Node = f(
  'v1.JobSpec',
  'parallelism:int32 completions:int32 activeDeadlineSeconds:int64 backoffLimit:int32 backoffLimitPerIndex:int32 maxFailedIndexes:int32 manualSelector:bool ttlSecondsAfterFinished:int32 completionMode:v1.CompletionMode suspend:bool podReplacementPolicy:v1.PodReplacementPolicy managedBy',
  {
    selector: labelSelector,
    template: podTemplateSpec,
    podFailurePolicy: f('v1.PodFailurePolicy', '', {
      'rules[]': f('v1.PodFailurePolicyRule', 'action:v1.PodFailurePolicyAction', {
        onExitCodes: f('v1.PodFailurePolicyOnExitCodesRequirement', 'containerName operator:v1.PodFailurePolicyOnExitCodesOperator values:[]int32'),
        'onPodConditions[]': f('v1.PodFailurePolicyOnPodConditionsPattern', 'type:v1.PodConditionType status:v1.ConditionStatus'),
      }),
    }),
    successPolicy: f('v1.SuccessPolicy', '', { 'rules[]': f('v1.SuccessPolicyRule', 'succeededIndexes succeededCount:int32') }),
  },
);

const metricIdentifier = f('v2.MetricIdentifier', 'name', { selector: labelSelector });
const metricTarget = f('v2.MetricTarget', 'type:v2.MetricTargetType value:resource.Quantity averageValue:resource.Quantity averageUtilization:int32');
const crossVersionRef = f('v2.CrossVersionObjectReference', 'kind name apiVersion');
const scalingRules = f('v2.HPAScalingRules', 'stabilizationWindowSeconds:int32 selectPolicy:v2.ScalingPolicySelect tolerance:resource.Quantity', {
  'policies[]': f('v2.HPAScalingPolicy', 'type:v2.HPAScalingPolicyType value:int32 periodSeconds:int32'),
});

const ingressBackend = f('v1.IngressBackend', '', {
  service: f('v1.IngressServiceBackend', 'name', { port: f('v1.ServiceBackendPort', 'name number:int32') }),
  resource: f('v1.TypedLocalObjectReference', 'apiGroup kind name'),
});

const netpolPeer = f('v1.NetworkPolicyPeer', '', {
  podSelector: labelSelector,
  namespaceSelector: labelSelector,
  ipBlock: f('v1.IPBlock', `cidr except:${SS}`),
});
const netpolPort = f('v1.NetworkPolicyPort', `protocol:v1.Protocol port:${IOS} endPort:int32`);

const endpointAddress = f('v1.EndpointAddress', 'ip hostname nodeName', { targetRef: objectReference });
const endpointPort = f('v1.EndpointPort', 'name port:int32 protocol:v1.Protocol appProtocol');

const policyRule = f('v1.PolicyRule', `verbs:${SS} apiGroups:${SS} resources:${SS} resourceNames:${SS} nonResourceURLs:${SS}`);
const rbacSubject = f('v1.Subject', 'kind apiGroup name namespace');
const roleRef = f('v1.RoleRef', 'apiGroup kind name');

export const KIND_SCHEMAS: Record<string, Node> = {
  Pod: kind('v1.Pod', '', { spec: podSpec }),
  Deployment: kind('v1.Deployment', '', {
    spec: f('v1.DeploymentSpec', 'replicas:int32 minReadySeconds:int32 revisionHistoryLimit:int32 paused:bool progressDeadlineSeconds:int32', {
      selector: labelSelector,
      template: podTemplateSpec,
      strategy: f('v1.DeploymentStrategy', 'type:v1.DeploymentStrategyType', {
        rollingUpdate: f('v1.RollingUpdateDeployment', `maxUnavailable:${IOS} maxSurge:${IOS}`),
      }),
    }),
  }),
  ReplicaSet: kind('v1.ReplicaSet', '', {
    spec: f('v1.ReplicaSetSpec', 'replicas:int32 minReadySeconds:int32', { selector: labelSelector, template: podTemplateSpec }),
  }),
  StatefulSet: kind('v1.StatefulSet', '', {
    spec: f('v1.StatefulSetSpec', 'replicas:int32 serviceName podManagementPolicy:v1.PodManagementPolicyType revisionHistoryLimit:int32 minReadySeconds:int32', {
      selector: labelSelector,
      template: podTemplateSpec,
      'volumeClaimTemplates[]': pvcTemplate,
      updateStrategy: f('v1.StatefulSetUpdateStrategy', 'type:v1.StatefulSetUpdateStrategyType', {
        rollingUpdate: f('v1.RollingUpdateStatefulSetStrategy', `partition:int32 maxUnavailable:${IOS}`),
      }),
      persistentVolumeClaimRetentionPolicy: f(
        'v1.StatefulSetPersistentVolumeClaimRetentionPolicy',
        'whenDeleted:v1.PersistentVolumeClaimRetentionPolicyType whenScaled:v1.PersistentVolumeClaimRetentionPolicyType',
      ),
      ordinals: f('v1.StatefulSetOrdinals', 'start:int32'),
    }),
  }),
  DaemonSet: kind('v1.DaemonSet', '', {
    spec: f('v1.DaemonSetSpec', 'minReadySeconds:int32 revisionHistoryLimit:int32', {
      selector: labelSelector,
      template: podTemplateSpec,
      updateStrategy: f('v1.DaemonSetUpdateStrategy', 'type:v1.DaemonSetUpdateStrategyType', {
        rollingUpdate: f('v1.RollingUpdateDaemonSet', `maxUnavailable:${IOS} maxSurge:${IOS}`),
      }),
    }),
  }),
  // data is a runtime.RawExtension: any JSON.
  ControllerRevision: kind('v1.ControllerRevision', 'data:* revision:int64'),
  Job: kind('v1.Job', '', { spec: jobSpec }),
  CronJob: kind('v1.CronJob', '', {
    spec: f(
      'v1.CronJobSpec',
      'schedule timeZone startingDeadlineSeconds:int64 concurrencyPolicy:v1.ConcurrencyPolicy suspend:bool successfulJobsHistoryLimit:int32 failedJobsHistoryLimit:int32',
      { jobTemplate: f('v1.JobTemplateSpec', '', { metadata: objectMeta, spec: jobSpec }) },
    ),
  }),
  HorizontalPodAutoscaler: kind('v2.HorizontalPodAutoscaler', '', {
    spec: f('v2.HorizontalPodAutoscalerSpec', 'minReplicas:int32 maxReplicas:int32', {
      scaleTargetRef: crossVersionRef,
      'metrics[]': f('v2.MetricSpec', 'type:v2.MetricSourceType', {
        object: f('v2.ObjectMetricSource', '', { describedObject: crossVersionRef, target: metricTarget, metric: metricIdentifier }),
        pods: f('v2.PodsMetricSource', '', { metric: metricIdentifier, target: metricTarget }),
        resource: f('v2.ResourceMetricSource', 'name:v1.ResourceName', { target: metricTarget }),
        containerResource: f('v2.ContainerResourceMetricSource', 'name:v1.ResourceName container', { target: metricTarget }),
        external: f('v2.ExternalMetricSource', '', { metric: metricIdentifier, target: metricTarget }),
      }),
      behavior: f('v2.HorizontalPodAutoscalerBehavior', '', { scaleUp: scalingRules, scaleDown: scalingRules }),
    }),
  }),
  Service: kind('v1.Service', '', { spec: serviceSpec }),
  Endpoints: kind('v1.Endpoints', '', {
    'subsets[]': f('v1.EndpointSubset', '', { 'addresses[]': endpointAddress, 'notReadyAddresses[]': endpointAddress, 'ports[]': endpointPort }),
  }),
  EndpointSlice: kind('v1.EndpointSlice', 'addressType:v1.AddressType', {
    'endpoints[]': f('v1.Endpoint', `addresses:${SS} hostname nodeName zone`, {
      conditions: f('v1.EndpointConditions', 'ready:bool serving:bool terminating:bool'),
      targetRef: objectReference,
      hints: f('v1.EndpointHints', '', { 'forZones[]': f('v1.ForZone', 'name'), 'forNodes[]': f('v1.ForNode', 'name') }),
    }),
    'ports[]': endpointPort,
  }),
  Ingress: kind('v1.Ingress', '', {
    spec: f('v1.IngressSpec', 'ingressClassName', {
      defaultBackend: ingressBackend,
      'tls[]': f('v1.IngressTLS', `hosts:${SS} secretName`),
      'rules[]': f('v1.IngressRule', 'host', {
        http: f('v1.HTTPIngressRuleValue', '', { 'paths[]': f('v1.HTTPIngressPath', 'path pathType:v1.PathType', { backend: ingressBackend }) }),
      }),
    }),
  }),
  IngressClass: kind('v1.IngressClass', '', {
    spec: f('v1.IngressClassSpec', 'controller', { parameters: f('v1.IngressClassParametersReference', 'apiGroup kind name scope namespace') }),
  }),
  NetworkPolicy: kind('v1.NetworkPolicy', '', {
    spec: f('v1.NetworkPolicySpec', 'policyTypes:[]v1.PolicyType', {
      podSelector: labelSelector,
      'ingress[]': f('v1.NetworkPolicyIngressRule', '', { 'ports[]': netpolPort, 'from[]': netpolPeer }),
      'egress[]': f('v1.NetworkPolicyEgressRule', '', { 'ports[]': netpolPort, 'to[]': netpolPeer }),
    }),
  }),
  // binaryData and Secret data are []byte in Go: base64 strings on the wire.
  ConfigMap: kind('v1.ConfigMap', `data:${MS} binaryData:map[string][]uint8 immutable:bool`),
  Secret: kind('v1.Secret', `data:map[string][]uint8 stringData:${MS} type:v1.SecretType immutable:bool`),
  Namespace: kind('v1.Namespace', '', { spec: f('v1.NamespaceSpec', 'finalizers:[]v1.FinalizerName') }),
  Node: kind('v1.Node', '', {
    spec: f('v1.NodeSpec', `podCIDR podCIDRs:${SS} providerID unschedulable:bool externalID configSource:*`, {
      'taints[]': f('v1.Taint', 'key value effect:v1.TaintEffect timeAdded:v1.Time'),
    }),
  }),
  Event: kind('v1.Event', 'reason message firstTimestamp:v1.Time lastTimestamp:v1.Time count:int32 type eventTime:v1.MicroTime action reportingComponent reportingInstance', {
    involvedObject: objectReference,
    source: f('v1.EventSource', 'component host'),
    series: f('v1.EventSeries', 'count:int32 lastObservedTime:v1.MicroTime'),
    related: objectReference,
  }),
  PersistentVolume: kind('v1.PersistentVolume', '', {
    spec: f(
      'v1.PersistentVolumeSpec',
      `capacity:${RL} accessModes:[]v1.PersistentVolumeAccessMode persistentVolumeReclaimPolicy:v1.PersistentVolumeReclaimPolicy storageClassName mountOptions:${SS} volumeMode:v1.PersistentVolumeMode volumeAttributesClassName` +
        // Legacy in-tree sources: accepted, their inner fields not checked.
        ' gcePersistentDisk:* awsElasticBlockStore:* iscsi:* fc:* cephfs:* rbd:* azureDisk:* azureFile:* vsphereVolume:* flexVolume:* cinder:* glusterfs:* portworxVolume:* scaleIO:* storageos:* photonPersistentDisk:* quobyte:* flocker:*',
      {
        claimRef: objectReference,
        nodeAffinity: f('v1.VolumeNodeAffinity', '', { required: f('v1.NodeSelector', '', { 'nodeSelectorTerms[]': nodeSelectorTerm }) }),
        hostPath: f('v1.HostPathVolumeSource', 'path type:v1.HostPathType'),
        local: f('v1.LocalVolumeSource', 'path fsType'),
        nfs: f('v1.NFSVolumeSource', 'server path readOnly:bool'),
        csi: f(
          'v1.CSIPersistentVolumeSource',
          `driver volumeHandle readOnly:bool fsType volumeAttributes:${MS} controllerPublishSecretRef:* nodeStageSecretRef:* nodePublishSecretRef:* controllerExpandSecretRef:* nodeExpandSecretRef:*`,
        ),
      },
    ),
  }),
  PersistentVolumeClaim: kind('v1.PersistentVolumeClaim', '', { spec: pvcSpec }),
  StorageClass: kind(
    'v1.StorageClass',
    `provisioner parameters:${MS} reclaimPolicy:v1.PersistentVolumeReclaimPolicy mountOptions:${SS} allowVolumeExpansion:bool volumeBindingMode:v1.VolumeBindingMode`,
    {
      'allowedTopologies[]': f('v1.TopologySelectorTerm', '', {
        'matchLabelExpressions[]': f('v1.TopologySelectorLabelRequirement', `key values:${SS}`),
      }),
    },
  ),
  ResourceQuota: kind('v1.ResourceQuota', '', {
    spec: f('v1.ResourceQuotaSpec', `hard:${RL} scopes:[]v1.ResourceQuotaScope`, {
      scopeSelector: f('v1.ScopeSelector', '', {
        'matchExpressions[]': f('v1.ScopedResourceSelectorRequirement', `scopeName:v1.ResourceQuotaScope operator:v1.ScopeSelectorOperator values:${SS}`),
      }),
    }),
  }),
  LimitRange: kind('v1.LimitRange', '', {
    spec: f('v1.LimitRangeSpec', '', {
      'limits[]': f('v1.LimitRangeItem', `type:v1.LimitType max:${RL} min:${RL} default:${RL} defaultRequest:${RL} maxLimitRequestRatio:${RL}`),
    }),
  }),
  PriorityClass: kind('v1.PriorityClass', 'value:int32 globalDefault:bool description preemptionPolicy:v1.PreemptionPolicy'),
  Lease: kind('v1.Lease', '', {
    spec: f(
      'v1.LeaseSpec',
      'holderIdentity leaseDurationSeconds:int32 acquireTime:v1.MicroTime renewTime:v1.MicroTime leaseTransitions:int32 strategy:v1.CoordinatedLeaseStrategy preferredHolder',
    ),
  }),
  ServiceAccount: kind('v1.ServiceAccount', 'automountServiceAccountToken:bool', {
    'secrets[]': objectReference,
    'imagePullSecrets[]': f('v1.LocalObjectReference', 'name'),
  }),
  PodDisruptionBudget: kind('v1.PodDisruptionBudget', '', {
    spec: f('v1.PodDisruptionBudgetSpec', `minAvailable:${IOS} maxUnavailable:${IOS} unhealthyPodEvictionPolicy:v1.UnhealthyPodEvictionPolicyType`, { selector: labelSelector }),
  }),
  Role: kind('v1.Role', '', { 'rules[]': policyRule }),
  ClusterRole: kind('v1.ClusterRole', '', {
    'rules[]': policyRule,
    aggregationRule: f('v1.AggregationRule', '', { 'clusterRoleSelectors[]': labelSelector }),
  }),
  RoleBinding: kind('v1.RoleBinding', '', { 'subjects[]': rbacSubject, roleRef }),
  ClusterRoleBinding: kind('v1.ClusterRoleBinding', '', { 'subjects[]': rbacSubject, roleRef }),
  CustomResourceDefinition: kind('v1.CustomResourceDefinition', '', {
    spec: f('v1.CustomResourceDefinitionSpec', 'group scope:v1.ResourceScope preserveUnknownFields:bool', {
      names: f('v1.CustomResourceDefinitionNames', `plural singular kind listKind shortNames:${SS} categories:${SS}`),
      'versions[]': f('v1.CustomResourceDefinitionVersion', 'name served:bool storage:bool deprecated:bool deprecationWarning', {
        // The schema itself is free-form JSON (JSONSchemaProps); src/api/crd validates it.
        schema: f('v1.CustomResourceValidation', 'openAPIV3Schema:*'),
        subresources: f('v1.CustomResourceSubresources', 'status:*', {
          scale: f('v1.CustomResourceSubresourceScale', 'specReplicasPath statusReplicasPath labelSelectorPath'),
        }),
        'additionalPrinterColumns[]': f('v1.CustomResourceColumnDefinition', 'name type format description priority:int32 jsonPath'),
        'selectableFields[]': f('v1.SelectableField', 'jsonPath'),
      }),
      conversion: f('v1.CustomResourceConversion', 'strategy:v1.ConversionStrategyType webhook:*'),
    }),
  }),
};
