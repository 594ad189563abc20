// Known fields of metav1 and core/v1 structures shared by many kinds:
// ObjectMeta, LabelSelector, PodSpec and Container, PVC spec, Service spec.
import { f, type Node } from './tree.js';

export const objectMeta: Node = f(
  'name generateName namespace uid resourceVersion generation creationTimestamp deletionTimestamp deletionGracePeriodSeconds labels annotations finalizers managedFields selfLink',
  { ownerReferences: f('apiVersion kind name uid controller blockOwnerDeletion') },
);

export const labelSelector: Node = f('matchLabels', { matchExpressions: f('key operator values') });

const keyToPath = f('key path mode');
const objectFieldSelector = f('apiVersion fieldPath');
const resourceFieldSelector = f('containerName resource divisor');
const keySelector = f('name key optional');
const httpGet = f('path port host scheme', { httpHeaders: f('name value') });
const exec = f('command');
const tcpSocket = f('port host');
const handler = { exec, httpGet, tcpSocket };
const probe = f('initialDelaySeconds timeoutSeconds periodSeconds successThreshold failureThreshold terminationGracePeriodSeconds', {
  ...handler,
  grpc: f('port service'),
});
const lifecycleHandler = f('', { ...handler, sleep: f('seconds') });
const seLinux = f('user role type level');
const seccomp = f('type localhostProfile');
const appArmor = f('type localhostProfile');
const windowsOptions = f('gmsaCredentialSpecName gmsaCredentialSpec runAsUserName hostProcess');

export const resourceRequirements: Node = f('limits requests', { claims: f('name request') });

export const container: Node = f('name image command args workingDir imagePullPolicy terminationMessagePath terminationMessagePolicy stdin stdinOnce tty restartPolicy', {
  ports: f('name containerPort hostPort hostIP protocol'),
  envFrom: f('prefix', { configMapRef: f('name optional'), secretRef: f('name optional') }),
  env: f('name value', {
    valueFrom: f('', {
      fieldRef: objectFieldSelector,
      resourceFieldRef: resourceFieldSelector,
      configMapKeyRef: keySelector,
      secretKeyRef: keySelector,
      fileKeyRef: f('volumeName path key optional'),
    }),
  }),
  resources: resourceRequirements,
  resizePolicy: f('resourceName restartPolicy'),
  restartPolicyRules: f('action', { exitCodes: f('operator values') }),
  volumeMounts: f('name readOnly recursiveReadOnly mountPath subPath subPathExpr mountPropagation'),
  volumeDevices: f('name devicePath'),
  livenessProbe: probe,
  readinessProbe: probe,
  startupProbe: probe,
  lifecycle: f('stopSignal', { postStart: lifecycleHandler, preStop: lifecycleHandler }),
  securityContext: f('privileged runAsUser runAsGroup runAsNonRoot readOnlyRootFilesystem allowPrivilegeEscalation procMount', {
    capabilities: f('add drop'),
    seLinuxOptions: seLinux,
    seccompProfile: seccomp,
    appArmorProfile: appArmor,
    windowsOptions,
  }),
});

const ephemeralContainer: Node = { ...container, targetContainerName: true };

const nodeSelectorRequirement = f('key operator values');
const nodeSelectorTerm = f('', { matchExpressions: nodeSelectorRequirement, matchFields: nodeSelectorRequirement });
const podAffinityTerm = f('namespaces topologyKey matchLabelKeys mismatchLabelKeys', { labelSelector, namespaceSelector: labelSelector });
const podAffinity = f('', {
  requiredDuringSchedulingIgnoredDuringExecution: podAffinityTerm,
  preferredDuringSchedulingIgnoredDuringExecution: f('weight', { podAffinityTerm }),
});

export const pvcSpec: Node = f('accessModes volumeName storageClassName volumeMode volumeAttributesClassName', {
  selector: labelSelector,
  resources: f('limits requests'),
  dataSource: f('apiGroup kind name'),
  dataSourceRef: f('apiGroup kind name namespace'),
});

const downwardAPIFile = f('path mode', { fieldRef: objectFieldSelector, resourceFieldRef: resourceFieldSelector });

export const volume: Node = f('name', {
  emptyDir: f('medium sizeLimit'),
  hostPath: f('path type'),
  configMap: f('name defaultMode optional', { items: keyToPath }),
  secret: f('secretName defaultMode optional', { items: keyToPath }),
  persistentVolumeClaim: f('claimName readOnly'),
  downwardAPI: f('defaultMode', { items: downwardAPIFile }),
  projected: f('defaultMode', {
    sources: f('', {
      secret: f('name optional', { items: keyToPath }),
      configMap: f('name optional', { items: keyToPath }),
      downwardAPI: f('', { items: downwardAPIFile }),
      serviceAccountToken: f('audience expirationSeconds path'),
      clusterTrustBundle: f('name signerName optional path', { labelSelector }),
      podCertificate: f('signerName keyType maxExpirationSeconds credentialBundlePath keyPath certificateChainPath'),
    }),
  }),
  nfs: f('server path readOnly'),
  csi: f('driver readOnly fsType volumeAttributes', { nodePublishSecretRef: f('name') }),
  ephemeral: f('', { volumeClaimTemplate: f('', { metadata: objectMeta, spec: pvcSpec }) }),
  image: f('reference pullPolicy'),
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
  'restartPolicy terminationGracePeriodSeconds activeDeadlineSeconds dnsPolicy nodeSelector serviceAccountName serviceAccount automountServiceAccountToken nodeName hostNetwork hostPID hostIPC shareProcessNamespace hostname subdomain schedulerName priorityClassName priority runtimeClassName enableServiceLinks preemptionPolicy overhead setHostnameAsFQDN hostUsers hostnameOverride',
  {
    volumes: volume,
    initContainers: container,
    containers: container,
    ephemeralContainers: ephemeralContainer,
    securityContext: f('runAsUser runAsGroup runAsNonRoot supplementalGroups supplementalGroupsPolicy fsGroup fsGroupChangePolicy seLinuxChangePolicy', {
      seLinuxOptions: seLinux,
      seccompProfile: seccomp,
      appArmorProfile: appArmor,
      windowsOptions,
      sysctls: f('name value'),
    }),
    imagePullSecrets: f('name'),
    affinity: f('', {
      nodeAffinity: f('', {
        requiredDuringSchedulingIgnoredDuringExecution: f('', { nodeSelectorTerms: nodeSelectorTerm }),
        preferredDuringSchedulingIgnoredDuringExecution: f('weight', { preference: nodeSelectorTerm }),
      }),
      podAffinity,
      podAntiAffinity: podAffinity,
    }),
    tolerations: f('key operator value effect tolerationSeconds'),
    hostAliases: f('ip hostnames'),
    dnsConfig: f('nameservers searches', { options: f('name value') }),
    readinessGates: f('conditionType'),
    topologySpreadConstraints: f('maxSkew topologyKey whenUnsatisfiable minDomains nodeAffinityPolicy nodeTaintsPolicy matchLabelKeys', { labelSelector }),
    os: f('name'),
    schedulingGates: f('name'),
    resourceClaims: f('name resourceClaimName resourceClaimTemplateName'),
    resources: resourceRequirements,
  },
);

export const podTemplateSpec: Node = f('', { metadata: objectMeta, spec: podSpec });

export const serviceSpec: Node = f(
  'selector clusterIP clusterIPs type externalIPs sessionAffinity loadBalancerIP loadBalancerSourceRanges externalName externalTrafficPolicy healthCheckNodePort publishNotReadyAddresses ipFamilies ipFamilyPolicy allocateLoadBalancerNodePorts loadBalancerClass internalTrafficPolicy trafficDistribution',
  {
    ports: f('name protocol appProtocol port targetPort nodePort'),
    sessionAffinityConfig: f('', { clientIP: f('timeoutSeconds') }),
  },
);

export const objectReference: Node = f('apiVersion kind namespace name uid resourceVersion fieldPath');
