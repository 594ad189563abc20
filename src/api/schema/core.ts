// Known fields of metav1 and core/v1 structures shared by many kinds:
// ObjectMeta, LabelSelector, PodSpec and Container, PVC spec, Service spec.
// Each leaf names its Go type (see ./tree.ts): plain names are strings.
import { f, renamed, type Node } from './tree.js';

const RL = 'v1.ResourceList'; // map of resource name → Quantity (number or string)
const MS = 'map[string]string';
const SS = '[]string';

export const objectMeta: Node = f(
  'v1.ObjectMeta',
  `name generateName namespace uid:types.UID resourceVersion generation:int64 creationTimestamp:v1.Time deletionTimestamp:v1.Time deletionGracePeriodSeconds:int64 labels:${MS} annotations:${MS} finalizers:${SS} managedFields:* selfLink`,
  { 'ownerReferences[]': f('v1.OwnerReference', 'apiVersion kind name uid:types.UID controller:bool blockOwnerDeletion:bool') },
);

export const labelSelector: Node = f('v1.LabelSelector', `matchLabels:${MS}`, {
  'matchExpressions[]': f('v1.LabelSelectorRequirement', `key operator:v1.LabelSelectorOperator values:${SS}`),
});

const keyToPath = f('v1.KeyToPath', 'key path mode:int32');
const objectFieldSelector = f('v1.ObjectFieldSelector', 'apiVersion fieldPath');
const resourceFieldSelector = f('v1.ResourceFieldSelector', 'containerName resource divisor:resource.Quantity');
const httpGet = f('v1.HTTPGetAction', 'path port:intstr.IntOrString host scheme:v1.URIScheme', { 'httpHeaders[]': f('v1.HTTPHeader', 'name value') });
const exec = f('v1.ExecAction', `command:${SS}`);
const tcpSocket = f('v1.TCPSocketAction', 'port:intstr.IntOrString host');
const handler = { exec, httpGet, tcpSocket };
const probe = f('v1.Probe', 'initialDelaySeconds:int32 timeoutSeconds:int32 periodSeconds:int32 successThreshold:int32 failureThreshold:int32 terminationGracePeriodSeconds:int64', {
  ...handler,
  grpc: f('v1.GRPCAction', 'port:int32 service'),
});
const lifecycleHandler = f('v1.LifecycleHandler', '', { ...handler, sleep: f('v1.SleepAction', 'seconds:int64') });
const seLinux = f('v1.SELinuxOptions', 'user role type level');
const seccomp = f('v1.SeccompProfile', 'type:v1.SeccompProfileType localhostProfile');
const appArmor = f('v1.AppArmorProfile', 'type:v1.AppArmorProfileType localhostProfile');
const windowsOptions = f('v1.WindowsSecurityContextOptions', 'gmsaCredentialSpecName gmsaCredentialSpec runAsUserName hostProcess:bool');

export const resourceRequirements: Node = f('v1.ResourceRequirements', `limits:${RL} requests:${RL}`, { 'claims[]': f('v1.ResourceClaim', 'name request') });

export const container: Node = f(
  'v1.Container',
  `name image command:${SS} args:${SS} workingDir imagePullPolicy:v1.PullPolicy terminationMessagePath terminationMessagePolicy:v1.TerminationMessagePolicy stdin:bool stdinOnce:bool tty:bool restartPolicy:v1.ContainerRestartPolicy`,
  {
    'ports[]': f('v1.ContainerPort', 'name containerPort:int32 hostPort:int32 hostIP protocol:v1.Protocol'),
    'envFrom[]': f('v1.EnvFromSource', 'prefix', {
      configMapRef: f('v1.ConfigMapEnvSource', 'name optional:bool'),
      secretRef: f('v1.SecretEnvSource', 'name optional:bool'),
    }),
    'env[]': f('v1.EnvVar', 'name value', {
      valueFrom: f('v1.EnvVarSource', '', {
        fieldRef: objectFieldSelector,
        resourceFieldRef: resourceFieldSelector,
        configMapKeyRef: f('v1.ConfigMapKeySelector', 'name key optional:bool'),
        secretKeyRef: f('v1.SecretKeySelector', 'name key optional:bool'),
        fileKeyRef: f('v1.FileKeySelector', 'volumeName path key optional:bool'),
      }),
    }),
    resources: resourceRequirements,
    'resizePolicy[]': f('v1.ContainerResizePolicy', 'resourceName:v1.ResourceName restartPolicy:v1.ResourceResizeRestartPolicy'),
    'restartPolicyRules[]': f('v1.ContainerRestartRule', 'action:v1.ContainerRestartRuleAction', {
      exitCodes: f('v1.ContainerRestartRuleOnExitCodes', 'operator:v1.ContainerRestartRuleOnExitCodesOperator values:[]int32'),
    }),
    'volumeMounts[]': f('v1.VolumeMount', 'name readOnly:bool recursiveReadOnly:v1.RecursiveReadOnlyMode mountPath subPath subPathExpr mountPropagation:v1.MountPropagationMode'),
    'volumeDevices[]': f('v1.VolumeDevice', 'name devicePath'),
    livenessProbe: probe,
    readinessProbe: probe,
    startupProbe: probe,
    lifecycle: f('v1.Lifecycle', 'stopSignal:v1.Signal', { postStart: lifecycleHandler, preStop: lifecycleHandler }),
    securityContext: f(
      'v1.SecurityContext',
      'privileged:bool runAsUser:int64 runAsGroup:int64 runAsNonRoot:bool readOnlyRootFilesystem:bool allowPrivilegeEscalation:bool procMount:v1.ProcMountType',
      {
        capabilities: f('v1.Capabilities', 'add:[]v1.Capability drop:[]v1.Capability'),
        seLinuxOptions: seLinux,
        seccompProfile: seccomp,
        appArmorProfile: appArmor,
        windowsOptions,
      },
    ),
  },
);

const ephemeralContainer: Node = renamed(container, 'v1.EphemeralContainer', { targetContainerName: 'string' });

const nodeSelectorRequirement = f('v1.NodeSelectorRequirement', `key operator:v1.NodeSelectorOperator values:${SS}`);
export const nodeSelectorTerm: Node = f('v1.NodeSelectorTerm', '', { 'matchExpressions[]': nodeSelectorRequirement, 'matchFields[]': nodeSelectorRequirement });
const podAffinityTerm = f('v1.PodAffinityTerm', `namespaces:${SS} topologyKey matchLabelKeys:${SS} mismatchLabelKeys:${SS}`, {
  labelSelector,
  namespaceSelector: labelSelector,
});
const podAffinity = (go: string): Node =>
  f(go, '', {
    'requiredDuringSchedulingIgnoredDuringExecution[]': podAffinityTerm,
    'preferredDuringSchedulingIgnoredDuringExecution[]': f('v1.WeightedPodAffinityTerm', 'weight:int32', { podAffinityTerm }),
  });

export const pvcSpec: Node = f(
  'v1.PersistentVolumeClaimSpec',
  'accessModes:[]v1.PersistentVolumeAccessMode volumeName storageClassName volumeMode:v1.PersistentVolumeMode volumeAttributesClassName',
  {
    selector: labelSelector,
    resources: f('v1.VolumeResourceRequirements', `limits:${RL} requests:${RL}`),
    dataSource: f('v1.TypedLocalObjectReference', 'apiGroup kind name'),
    dataSourceRef: f('v1.TypedObjectReference', 'apiGroup kind name namespace'),
  },
);

const downwardAPIFile = f('v1.DownwardAPIVolumeFile', 'path mode:int32', { fieldRef: objectFieldSelector, resourceFieldRef: resourceFieldSelector });

export const volume: Node = f('v1.Volume', 'name', {
  emptyDir: f('v1.EmptyDirVolumeSource', 'medium:v1.StorageMedium sizeLimit:resource.Quantity'),
  hostPath: f('v1.HostPathVolumeSource', 'path type:v1.HostPathType'),
  configMap: f('v1.ConfigMapVolumeSource', 'name defaultMode:int32 optional:bool', { 'items[]': keyToPath }),
  secret: f('v1.SecretVolumeSource', 'secretName defaultMode:int32 optional:bool', { 'items[]': keyToPath }),
  persistentVolumeClaim: f('v1.PersistentVolumeClaimVolumeSource', 'claimName readOnly:bool'),
  downwardAPI: f('v1.DownwardAPIVolumeSource', 'defaultMode:int32', { 'items[]': downwardAPIFile }),
  projected: f('v1.ProjectedVolumeSource', 'defaultMode:int32', {
    'sources[]': f('v1.VolumeProjection', '', {
      secret: f('v1.SecretProjection', 'name optional:bool', { 'items[]': keyToPath }),
      configMap: f('v1.ConfigMapProjection', 'name optional:bool', { 'items[]': keyToPath }),
      downwardAPI: f('v1.DownwardAPIProjection', '', { 'items[]': downwardAPIFile }),
      serviceAccountToken: f('v1.ServiceAccountTokenProjection', 'audience expirationSeconds:int64 path'),
      clusterTrustBundle: f('v1.ClusterTrustBundleProjection', 'name signerName optional:bool path', { labelSelector }),
      podCertificate: f('v1.PodCertificateProjection', 'signerName keyType maxExpirationSeconds:int32 credentialBundlePath keyPath certificateChainPath'),
    }),
  }),
  nfs: f('v1.NFSVolumeSource', 'server path readOnly:bool'),
  csi: f('v1.CSIVolumeSource', `driver readOnly:bool fsType volumeAttributes:${MS}`, { nodePublishSecretRef: f('v1.LocalObjectReference', 'name') }),
  ephemeral: f('v1.EphemeralVolumeSource', '', { volumeClaimTemplate: f('v1.PersistentVolumeClaimTemplate', '', { metadata: objectMeta, spec: pvcSpec }) }),
  image: f('v1.ImageVolumeSource', 'reference pullPolicy:v1.PullPolicy'),
  // Legacy in-tree sources: accepted, their inner fields not checked.
  gcePersistentDisk: true,
  awsElasticBlockStore: true,
  gitRepo: true,
  iscsi: true,
  glusterfs: true,
  rbd: true,
  flexVolume: true,
  cinder: true,
  cephfs: true,
  flocker: true,
  fc: true,
  azureFile: true,
  azureDisk: true,
  vsphereVolume: true,
  quobyte: true,
  photonPersistentDisk: true,
  portworxVolume: true,
  scaleIO: true,
  storageos: true,
});

export const podSpec: Node = f(
  'v1.PodSpec',
  `restartPolicy:v1.RestartPolicy terminationGracePeriodSeconds:int64 activeDeadlineSeconds:int64 dnsPolicy:v1.DNSPolicy nodeSelector:${MS} serviceAccountName serviceAccount automountServiceAccountToken:bool nodeName hostNetwork:bool hostPID:bool hostIPC:bool shareProcessNamespace:bool hostname subdomain schedulerName priorityClassName priority:int32 runtimeClassName enableServiceLinks:bool preemptionPolicy:v1.PreemptionPolicy overhead:${RL} setHostnameAsFQDN:bool hostUsers:bool hostnameOverride`,
  {
    'volumes[]': volume,
    'initContainers[]': container,
    'containers[]': container,
    'ephemeralContainers[]': ephemeralContainer,
    securityContext: f(
      'v1.PodSecurityContext',
      'runAsUser:int64 runAsGroup:int64 runAsNonRoot:bool supplementalGroups:[]int64 supplementalGroupsPolicy:v1.SupplementalGroupsPolicy fsGroup:int64 fsGroupChangePolicy:v1.PodFSGroupChangePolicy seLinuxChangePolicy:v1.PodSELinuxChangePolicy',
      {
        seLinuxOptions: seLinux,
        seccompProfile: seccomp,
        appArmorProfile: appArmor,
        windowsOptions,
        'sysctls[]': f('v1.Sysctl', 'name value'),
      },
    ),
    'imagePullSecrets[]': f('v1.LocalObjectReference', 'name'),
    affinity: f('v1.Affinity', '', {
      nodeAffinity: f('v1.NodeAffinity', '', {
        requiredDuringSchedulingIgnoredDuringExecution: f('v1.NodeSelector', '', { 'nodeSelectorTerms[]': nodeSelectorTerm }),
        'preferredDuringSchedulingIgnoredDuringExecution[]': f('v1.PreferredSchedulingTerm', 'weight:int32', { preference: nodeSelectorTerm }),
      }),
      podAffinity: podAffinity('v1.PodAffinity'),
      podAntiAffinity: podAffinity('v1.PodAntiAffinity'),
    }),
    'tolerations[]': f('v1.Toleration', 'key operator:v1.TolerationOperator value effect:v1.TaintEffect tolerationSeconds:int64'),
    'hostAliases[]': f('v1.HostAlias', `ip hostnames:${SS}`),
    dnsConfig: f('v1.PodDNSConfig', `nameservers:${SS} searches:${SS}`, { 'options[]': f('v1.PodDNSConfigOption', 'name value') }),
    'readinessGates[]': f('v1.PodReadinessGate', 'conditionType:v1.PodConditionType'),
    'topologySpreadConstraints[]': f(
      'v1.TopologySpreadConstraint',
      `maxSkew:int32 topologyKey whenUnsatisfiable:v1.UnsatisfiableConstraintAction minDomains:int32 nodeAffinityPolicy:v1.NodeInclusionPolicy nodeTaintsPolicy:v1.NodeInclusionPolicy matchLabelKeys:${SS}`,
      { labelSelector },
    ),
    os: f('v1.PodOS', 'name:v1.OSName'),
    'schedulingGates[]': f('v1.PodSchedulingGate', 'name'),
    'resourceClaims[]': f('v1.PodResourceClaim', 'name resourceClaimName resourceClaimTemplateName'),
    resources: resourceRequirements,
  },
);

export const podTemplateSpec: Node = f('v1.PodTemplateSpec', '', { metadata: objectMeta, spec: podSpec });

export const serviceSpec: Node = f(
  'v1.ServiceSpec',
  `selector:${MS} clusterIP clusterIPs:${SS} type:v1.ServiceType externalIPs:${SS} sessionAffinity:v1.ServiceAffinity loadBalancerIP loadBalancerSourceRanges:${SS} externalName externalTrafficPolicy:v1.ServiceExternalTrafficPolicy healthCheckNodePort:int32 publishNotReadyAddresses:bool ipFamilies:[]v1.IPFamily ipFamilyPolicy:v1.IPFamilyPolicy allocateLoadBalancerNodePorts:bool loadBalancerClass internalTrafficPolicy:v1.ServiceInternalTrafficPolicy trafficDistribution`,
  {
    'ports[]': f('v1.ServicePort', 'name protocol:v1.Protocol appProtocol port:int32 targetPort:intstr.IntOrString nodePort:int32'),
    sessionAffinityConfig: f('v1.SessionAffinityConfig', '', { clientIP: f('v1.ClientIPConfig', 'timeoutSeconds:int32') }),
  },
);

export const objectReference: Node = f('v1.ObjectReference', 'apiVersion kind namespace name uid:types.UID resourceVersion fieldPath');
