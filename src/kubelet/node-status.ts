// What the kubelet reports about its node: the Node object it registers
// (capacity/allocatable, nodeInfo, addresses, the four node conditions, the
// well-known labels) and the Lease in kube-node-lease it renews as its
// heartbeat. Pure builders; the Kubelet does the writes.
import type { Condition, KubeObject } from '../api/meta.js';
import type { Node, NodeSystemInfo } from '../api/types/node.js';
import type { NodeResources } from './runtime/types.js';
import { formatCpu, formatMemory } from './quantities.js';
import { rfc3339 } from '../api/time.js';

export const KUBELET_VERSION = 'v1.32.0';
export const NODE_LEASE_NAMESPACE = 'kube-node-lease';
export const LEASE_DURATION_SECONDS = 40;

export { rfc3339 };

/** metav1.MicroTime as the API writes it: microsecond precision. */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

export function capacityOf(res: NodeResources): Record<string, string> {
  return {
    cpu: formatCpu(res.cpu),
    'ephemeral-storage': formatMemory(100 * 2 ** 30),
    'hugepages-1Gi': '0',
    'hugepages-2Mi': '0',
    memory: formatMemory(res.memory),
    pods: String(res.pods ?? 110),
  };
}

export function nodeLabels(nodeName: string, res: NodeResources, role: string | undefined, extra: Record<string, string>): Record<string, string> {
  const os = res.os ?? 'linux';
  const arch = res.arch ?? 'amd64';
  return {
    'beta.kubernetes.io/arch': arch,
    'beta.kubernetes.io/os': os,
    'kubernetes.io/arch': arch,
    'kubernetes.io/hostname': nodeName,
    'kubernetes.io/os': os,
    ...(role ? { [`node-role.kubernetes.io/${role}`]: '' } : {}),
    ...extra,
  };
}

export function nodeInfoOf(nodeName: string, res: NodeResources, runtime: string): NodeSystemInfo {
  const id = Buffer.from(nodeName).toString('hex').padEnd(32, '0').slice(0, 32);
  return {
    machineID: id,
    systemUUID: `${id.slice(0, 8)}-${id.slice(8, 12)}-${id.slice(12, 16)}-${id.slice(16, 20)}-${id.slice(20, 32)}`,
    bootID: id.split('').reverse().join(''),
    kernelVersion: res.kernelVersion ?? 'unknown',
    osImage: runtime === 'simulated' ? 'kubeterm simulated node' : `kubeterm ${runtime} node`,
    containerRuntimeVersion: res.runtimeVersion ?? `${runtime}://unknown`,
    kubeletVersion: KUBELET_VERSION,
    kubeProxyVersion: KUBELET_VERSION,
    operatingSystem: res.os ?? 'linux',
    architecture: res.arch ?? 'amd64',
  };
}

/** The four conditions the kubelet owns, with the kubelet's reasons and messages. */
export function nodeConditions(nowMs: number, runtimeError: string | undefined, old: Condition[] | undefined): Condition[] {
  const now = rfc3339(nowMs);
  const mk = (type: string, status: 'True' | 'False', reason: string, message: string): Condition => {
    const prev = old?.find((c) => c.type === type);
    return {
      type,
      status,
      lastHeartbeatTime: now,
      lastTransitionTime: prev && prev.status === status ? (prev.lastTransitionTime ?? now) : now,
      reason,
      message,
    };
  };
  return [
    mk('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
    mk('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
    mk('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
    runtimeError
      ? mk('Ready', 'False', 'KubeletNotReady', `container runtime is down: ${runtimeError}`)
      : mk('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
  ];
}

export function buildNode(opts: {
  nodeName: string;
  res: NodeResources;
  runtime: string;
  address: string;
  role?: string;
  labels: Record<string, string>;
  nowMs: number;
  runtimeError?: string;
}): Node {
  const cap = capacityOf(opts.res);
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: opts.nodeName,
      labels: nodeLabels(opts.nodeName, opts.res, opts.role, opts.labels),
      annotations: {
        'node.alpha.kubernetes.io/ttl': '0',
        'volumes.kubernetes.io/controller-managed-attach-detach': 'true',
      },
    },
    spec: {},
    status: {
      capacity: cap,
      allocatable: { ...cap },
      conditions: nodeConditions(opts.nowMs, opts.runtimeError, undefined),
      addresses: [
        { type: 'InternalIP', address: opts.address },
        { type: 'Hostname', address: opts.nodeName },
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: nodeInfoOf(opts.nodeName, opts.res, opts.runtime),
    },
  };
}

export function buildLease(node: Node, nowMs: number): KubeObject {
  const name = node.metadata.name!;
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: {
      name,
      namespace: NODE_LEASE_NAMESPACE,
      ownerReferences: node.metadata.uid ? [{ apiVersion: 'v1', kind: 'Node', name, uid: node.metadata.uid }] : undefined,
    },
    spec: { holderIdentity: name, leaseDurationSeconds: LEASE_DURATION_SECONDS, renewTime: microTime(nowMs) },
  };
}
