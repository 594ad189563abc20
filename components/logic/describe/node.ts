// kubectl's Node describer (1.32): roles, labels, taints, its Lease,
// conditions with heartbeat times, addresses, capacity and allocatable, system
// info, the non-terminated pods on it with their requests and limits as a share
// of allocatable, the allocated totals, then events.
import type { KubeObject } from '../../../src/api/meta.js';
import { addQuantities, compareQuantities, formatQuantity, parseQuantity, quantityMilliValue, quantityValue, type Quantity } from '../../../src/api/quantity.js';
import type { Node, Pod, ResourceList } from '../../../src/api/types/index.js';
import { age } from '../age.js';
import { describeEvents, eventsFor, goBool, printAnnotationsMultiline, printLabelsMultiline, printTaintsMultiline, rfc1123z, type Lookup } from './common.js';
import { PrefixWriter } from './tabwriter.js';

const NODE_LEASE_NAMESPACE = 'kube-node-lease';

/** findNodeRoles: `node-role.kubernetes.io/<role>` labels and `kubernetes.io/role=<role>`, sorted. */
export function findNodeRoles(n: Node): string[] {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(n.metadata.labels ?? {})) {
    if (k.startsWith('node-role.kubernetes.io/')) {
      const role = k.slice('node-role.kubernetes.io/'.length);
      if (role) roles.add(role);
    } else if (k === 'kubernetes.io/role' && v) roles.add(v);
  }
  return [...roles].sort();
}

const ZERO: Quantity = { nanos: 0n, format: 'DecimalSI' };

/** resourcehelper.PodRequests / PodLimits: containers summed, each init container as a floor, plus overhead. */
export function podResources(pod: Pod, which: 'requests' | 'limits'): Map<string, Quantity> {
  const sum = new Map<string, Quantity>();
  const spec = pod.spec as (Pod['spec'] & { overhead?: ResourceList }) | undefined;
  for (const c of spec?.containers ?? []) {
    for (const [k, v] of Object.entries(c.resources?.[which] ?? {})) sum.set(k, addQuantities(sum.get(k) ?? ZERO, v));
  }
  for (const c of spec?.initContainers ?? []) {
    for (const [k, v] of Object.entries(c.resources?.[which] ?? {})) {
      const q = parseQuantity(v);
      const cur = sum.get(k);
      if (!cur || compareQuantities(q, cur) > 0) sum.set(k, q);
    }
  }
  for (const [k, v] of Object.entries(spec?.overhead ?? {})) if (which === 'requests' || sum.has(k)) sum.set(k, addQuantities(sum.get(k) ?? ZERO, v));
  return sum;
}

const pct = (part: Quantity | undefined, whole: Quantity | string | number | undefined, milli: boolean): number => {
  const w = whole === undefined ? 0 : Number(milli ? quantityMilliValue(whole) : quantityValue(whole));
  const p = part ? Number(milli ? quantityMilliValue(part) : quantityValue(part)) : 0;
  if (!w) return p ? Infinity : 0;
  return Math.trunc((p / w) * 100);
};
const fmt = (q: Quantity | undefined) => (q ? formatQuantity(q) : '0');
const pctText = (n: number) => (Number.isFinite(n) ? `${n}` : '-9223372036854775808');

const STANDARD = new Set(['cpu', 'memory', 'ephemeral-storage', 'storage', 'pods']);

/** describeNodeResource: the pods table and the allocated totals. */
function describeNodeResource(w: PrefixWriter, n: Node, pods: readonly Pod[], now: number): void {
  w.write(0, `Non-terminated Pods:\t(${pods.length} in total)\n`);
  w.write(1, 'Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge\n');
  w.write(1, '---------\t----\t\t------------\t----------\t---------------\t-------------\t---\n');
  const alloc: ResourceList = Object.keys(n.status?.allocatable ?? {}).length ? n.status!.allocatable! : (n.status?.capacity ?? {});
  const totalReq = new Map<string, Quantity>();
  const totalLim = new Map<string, Quantity>();
  for (const p of pods) {
    const req = podResources(p, 'requests');
    const lim = podResources(p, 'limits');
    for (const [k, v] of req) totalReq.set(k, addQuantities(totalReq.get(k) ?? ZERO, v));
    for (const [k, v] of lim) totalLim.set(k, addQuantities(totalLim.get(k) ?? ZERO, v));
    const cell = (q: Quantity | undefined, r: 'cpu' | 'memory') => `${fmt(q)} (${pctText(pct(q, alloc[r], r === 'cpu'))}%)`;
    w.write(
      1,
      `${p.metadata.namespace ?? ''}\t${p.metadata.name ?? ''}\t\t${cell(req.get('cpu'), 'cpu')}\t${cell(lim.get('cpu'), 'cpu')}\t${cell(req.get('memory'), 'memory')}\t${cell(lim.get('memory'), 'memory')}\t${age(p.metadata.creationTimestamp, now)}\n`,
    );
  }
  w.write(0, 'Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.)\n');
  w.write(1, 'Resource\tRequests\tLimits\n');
  w.write(1, '--------\t--------\t------\n');
  const total = (r: string, milli: boolean) => {
    const a = alloc[r];
    const has = a !== undefined && (milli ? quantityMilliValue(a) : quantityValue(a)) !== 0n;
    const rq = totalReq.get(r);
    const lm = totalLim.get(r);
    w.write(1, `${r}\t${fmt(rq)} (${has ? pct(rq, a, milli) : 0}%)\t${fmt(lm)} (${has ? pct(lm, a, milli) : 0}%)\n`);
  };
  total('cpu', true);
  total('memory', false);
  total('ephemeral-storage', false);
  const names = Object.keys(alloc);
  for (const r of names.filter((x) => x.startsWith('hugepages-')).sort()) total(r, false);
  for (const r of names.filter((x) => !x.startsWith('hugepages-') && !STANDARD.has(x) && !x.startsWith('requests.')).sort())
    w.write(1, `${r}\t${fmt(totalReq.get(r))}\t${fmt(totalLim.get(r))}\n`);
}

/** kubectl describe node. */
export function describeNode(n: Node, lookup: Lookup, events: readonly KubeObject[], now: number): string {
  const w = new PrefixWriter();
  const spec = (n.spec ?? {}) as NonNullable<Node['spec']> & { podCIDRs?: string[]; providerID?: string };
  const st = n.status ?? {};
  w.write(0, `Name:\t${n.metadata.name ?? ''}\n`);
  const roles = findNodeRoles(n);
  w.write(0, `Roles:\t${roles.length ? roles.join(',') : '<none>'}\n`);
  printLabelsMultiline(w, 'Labels', n.metadata.labels);
  printAnnotationsMultiline(w, 'Annotations', n.metadata.annotations);
  w.write(0, `CreationTimestamp:\t${rfc1123z(n.metadata.creationTimestamp)}\n`);
  printTaintsMultiline(w, 'Taints', spec.taints);
  w.write(0, `Unschedulable:\t${goBool(spec.unschedulable)}\n`);
  const lease = lookup('Lease').find((l) => l.metadata.namespace === NODE_LEASE_NAMESPACE && l.metadata.name === n.metadata.name) as
    | (KubeObject & { spec?: { holderIdentity?: string; acquireTime?: string; renewTime?: string } })
    | undefined;
  if (lease) {
    w.write(0, 'Lease:\n');
    w.write(1, `HolderIdentity:\t${lease.spec?.holderIdentity ?? '<unset>'}\n`);
    w.write(1, `AcquireTime:\t${lease.spec?.acquireTime ? rfc1123z(lease.spec.acquireTime) : '<unset>'}\n`);
    w.write(1, `RenewTime:\t${lease.spec?.renewTime ? rfc1123z(lease.spec.renewTime) : '<unset>'}\n`);
  } else w.write(0, `Lease:\tFailed to get lease: leases.coordination.k8s.io "${n.metadata.name ?? ''}" not found\n`);
  if (st.conditions?.length) {
    w.write(0, 'Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage\n');
    w.write(1, '----\t------\t-----------------\t------------------\t------\t-------\n');
    for (const c of st.conditions as (typeof st.conditions[number] & { lastHeartbeatTime?: string })[])
      w.write(1, `${c.type} \t${c.status} \t${rfc1123z(c.lastHeartbeatTime)} \t${rfc1123z(c.lastTransitionTime)} \t${c.reason ?? ''} \t${c.message ?? ''}\n`);
  }
  w.write(0, 'Addresses:\n');
  for (const a of st.addresses ?? []) w.write(1, `${a.type}:\t${a.address}\n`);
  const resources = (list: ResourceList) => {
    for (const r of Object.keys(list).sort()) w.write(0, `  ${r}:\t${formatQuantity(list[r])}\n`);
  };
  if (Object.keys(st.capacity ?? {}).length) {
    w.write(0, 'Capacity:\n');
    resources(st.capacity!);
  }
  if (Object.keys(st.allocatable ?? {}).length) {
    w.write(0, 'Allocatable:\n');
    resources(st.allocatable!);
  }
  const info = st.nodeInfo ?? ({} as Partial<NonNullable<typeof st.nodeInfo>>);
  w.write(0, 'System Info:\n');
  w.write(0, `  Machine ID:\t${info.machineID ?? ''}\n`);
  w.write(0, `  System UUID:\t${info.systemUUID ?? ''}\n`);
  w.write(0, `  Boot ID:\t${info.bootID ?? ''}\n`);
  w.write(0, `  Kernel Version:\t${info.kernelVersion ?? ''}\n`);
  w.write(0, `  OS Image:\t${info.osImage ?? ''}\n`);
  w.write(0, `  Operating System:\t${info.operatingSystem ?? ''}\n`);
  w.write(0, `  Architecture:\t${info.architecture ?? ''}\n`);
  w.write(0, `  Container Runtime Version:\t${info.containerRuntimeVersion ?? ''}\n`);
  w.write(0, `  Kubelet Version:\t${info.kubeletVersion ?? ''}\n`);
  w.write(0, `  Kube-Proxy Version:\t${info.kubeProxyVersion ?? ''}\n`);
  if (spec.podCIDR) w.write(0, `PodCIDR:\t${spec.podCIDR}\n`);
  if (spec.podCIDRs?.length) w.write(0, `PodCIDRs:\t${spec.podCIDRs.join(',')}\n`);
  if (spec.providerID) w.write(0, `ProviderID:\t${spec.providerID}\n`);
  const pods = (lookup('Pod') as Pod[]).filter((p) => p.spec?.nodeName === n.metadata.name && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed');
  describeNodeResource(w, n, pods, now);
  describeEvents(w, eventsFor(n, events), now);
  return w.tabbed();
}
