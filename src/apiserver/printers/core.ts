// Tables for services, nodes, namespaces, events, configmaps, secrets,
// ingresses, persistent volumes and claims — kubectl's columns and wording.
import type { KubeObject } from '../../api/meta.js';
import { AGE_COLUMN, NAME_COLUMN, age, col, formatLabels, since, type Printer } from './common.js';

interface ServicePort {
  port: number;
  protocol?: string;
  nodePort?: number;
}

function loadBalancerIngress(o: KubeObject): string[] {
  return ((o.status?.loadBalancer?.ingress ?? []) as { ip?: string; hostname?: string }[]).map((i) => i.ip || i.hostname || '').filter(Boolean);
}

function serviceExternalIP(svc: KubeObject): string {
  const spec = svc.spec ?? {};
  const external = (spec.externalIPs ?? []) as string[];
  switch (spec.type ?? 'ClusterIP') {
    case 'ClusterIP':
    case 'NodePort':
      return external.length ? external.join(',') : '<none>';
    case 'LoadBalancer': {
      const ips = [...loadBalancerIngress(svc), ...external];
      return ips.length ? ips.join(',') : '<pending>';
    }
    case 'ExternalName':
      return spec.externalName ?? '';
    default:
      return '<unknown>';
  }
}

function servicePorts(ports: ServicePort[] | undefined): string {
  if (!ports?.length) return '<none>';
  return ports.map((p) => (p.nodePort ? `${p.port}:${p.nodePort}/${p.protocol ?? 'TCP'}` : `${p.port}/${p.protocol ?? 'TCP'}`)).join(',');
}

export const servicePrinter: Printer = {
  columns: [
    NAME_COLUMN,
    col('Type', 'type determines how the Service is exposed.'),
    col('Cluster-IP', 'clusterIP is the IP address of the service and is usually assigned randomly.'),
    col('External-IP', 'externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.'),
    col('Port(s)', 'The list of ports that are exposed by this service.'),
    AGE_COLUMN,
    col('Selector', 'Route service traffic to pods with label keys and values matching this selector.', { priority: 1 }),
  ],
  cells(svc, now) {
    const spec = svc.spec ?? {};
    return [
      svc.metadata.name ?? '',
      spec.type ?? 'ClusterIP',
      spec.clusterIP || '<none>',
      serviceExternalIP(svc),
      servicePorts(spec.ports),
      age(svc, now),
      formatLabels(spec.selector),
    ];
  },
};

function nodeRoles(labels: Record<string, string> | undefined): string {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(labels ?? {})) {
    if (k.startsWith('node-role.kubernetes.io/')) {
      const role = k.slice('node-role.kubernetes.io/'.length);
      if (role) roles.add(role);
    } else if (k === 'kubernetes.io/role' && v) roles.add(v);
  }
  return roles.size ? [...roles].sort().join(',') : '<none>';
}

export const nodePrinter: Printer = {
  columns: [
    NAME_COLUMN,
    col('Status', 'The status of the node'),
    col('Roles', 'The roles of the node'),
    AGE_COLUMN,
    col('Version', 'Kubelet Version reported by the node.'),
    col('Internal-IP', 'List of addresses reachable to the node. Queried from cloud provider, if available.', { priority: 1 }),
    col('External-IP', 'List of addresses reachable to the node. Queried from cloud provider, if available.', { priority: 1 }),
    col('OS-Image', 'OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).', { priority: 1 }),
    col('Kernel-Version', "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).", { priority: 1 }),
    col('Container-Runtime', 'ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).', { priority: 1 }),
  ],
  cells(node, now) {
    const conds = (node.status?.conditions ?? []) as { type?: string; status?: string }[];
    const ready = conds.find((c) => c.type === 'Ready');
    const status = [ready?.status === 'True' ? 'Ready' : ready?.status === 'False' ? 'NotReady' : 'Unknown'];
    if (node.spec?.unschedulable) status.push('SchedulingDisabled');
    const addrs = (node.status?.addresses ?? []) as { type?: string; address?: string }[];
    const addr = (t: string) => addrs.find((a) => a.type === t)?.address || '<none>';
    const info = node.status?.nodeInfo ?? {};
    return [
      node.metadata.name ?? '',
      status.join(','),
      nodeRoles(node.metadata.labels),
      age(node, now),
      info.kubeletVersion ?? '',
      addr('InternalIP'),
      addr('ExternalIP'),
      info.osImage || '<unknown>',
      info.kernelVersion || '<unknown>',
      info.containerRuntimeVersion || '<unknown>',
    ];
  },
};

export const namespacePrinter: Printer = {
  columns: [NAME_COLUMN, col('Status', 'The status of the namespace'), AGE_COLUMN],
  cells: (ns, now) => [ns.metadata.name ?? '', ns.status?.phase ?? 'Active', age(ns, now)],
};

function eventSource(e: KubeObject): string {
  const src = (e.source ?? {}) as { component?: string; host?: string };
  const component = src.component || (e.reportingComponent as string | undefined) || '';
  const host = src.host || (e.reportingInstance as string | undefined) || '';
  return host ? `${component}, ${host}` : component;
}

export const eventPrinter: Printer = {
  columns: [
    col('Last Seen', 'Last time the event occurred'),
    col('Type', 'Type of this event (Normal, Warning), new types could be added in the future.'),
    col('Reason', 'The reason for this event.'),
    col('Object', 'The object that this event is about.'),
    col('Subobject', 'The subobject of the involved object that this event is about.', { priority: 1 }),
    col('Source', 'The component reporting this event.', { priority: 1 }),
    col('Message', 'A human-readable description of the status of this operation.'),
    col('First Seen', 'The time at which the event was first recorded.', { priority: 1 }),
    col('Count', 'The number of times this event has occurred.', { priority: 1 }),
    col('Name', 'Name of the event.', { priority: 1 }),
  ],
  cells(e, now) {
    const first = (e.firstTimestamp as string | undefined) || (e.eventTime as string | undefined);
    const firstText = since(first, now);
    let last = e.lastTimestamp ? since(e.lastTimestamp as string, now) : firstText;
    const series = e.series as { lastObservedTime?: string; count?: number } | undefined;
    let count = (e.count as number | undefined) ?? 0;
    if (series) {
      last = since(series.lastObservedTime, now);
      count = series.count ?? 0;
    } else if (count === 0) count = 1;
    const io = (e.involvedObject ?? {}) as { kind?: string; name?: string; fieldPath?: string };
    const target = io.name ? `${(io.kind ?? '').toLowerCase()}/${io.name}` : (io.kind ?? '').toLowerCase();
    return [last, String(e.type ?? ''), String(e.reason ?? ''), target, io.fieldPath ?? '', eventSource(e), String(e.message ?? '').trim(), firstText, count, e.metadata.name ?? ''];
  },
};

export const configMapPrinter: Printer = {
  columns: [NAME_COLUMN, col('Data', 'Data contains the configuration data.', { type: 'integer' }), AGE_COLUMN],
  cells: (cm, now) => [cm.metadata.name ?? '', Object.keys(cm.data ?? {}).length + Object.keys(cm.binaryData ?? {}).length, age(cm, now)],
};

export const secretPrinter: Printer = {
  columns: [
    NAME_COLUMN,
    col('Type', 'The type of the secret'),
    col('Data', 'The number of entries in the secret', { type: 'integer' }),
    AGE_COLUMN,
  ],
  cells: (s, now) => [s.metadata.name ?? '', String(s.type ?? 'Opaque'), Object.keys(s.data ?? {}).length, age(s, now)],
};

export const ingressPrinter: Printer = {
  columns: [
    NAME_COLUMN,
    col('Class', 'The name of the IngressClass resource that should be used for ingress.'),
    col('Hosts', 'Hosts that incoming requests are matched against before the ingress rule'),
    col('Address', 'Address is a list containing ingress points for the load-balancer'),
    col('Ports', 'Ports of TLS configurations that open'),
    AGE_COLUMN,
  ],
  cells(ing, now) {
    const rules = (ing.spec?.rules ?? []) as { host?: string }[];
    const hosts = rules.map((r) => r.host).filter(Boolean) as string[];
    const addresses = loadBalancerIngress(ing);
    return [
      ing.metadata.name ?? '',
      ing.spec?.ingressClassName ?? '<none>',
      hosts.length ? hosts.join(',') : '*',
      addresses.join(','),
      (ing.spec?.tls ?? []).length ? '80, 443' : '80',
      age(ing, now),
    ];
  },
};

const ACCESS_MODES: Record<string, string> = {
  ReadWriteOnce: 'RWO',
  ReadOnlyMany: 'ROX',
  ReadWriteMany: 'RWX',
  ReadWriteOncePod: 'RWOP',
};

function accessModes(modes: string[] | undefined): string {
  const order = ['ReadWriteOnce', 'ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOncePod'];
  return order.filter((m) => modes?.includes(m)).map((m) => ACCESS_MODES[m]).join(',');
}

export const pvcPrinter: Printer = {
  columns: [
    NAME_COLUMN,
    col('Status', 'The phase of the claim.'),
    col('Volume', 'The volume bound to this claim.'),
    col('Capacity', 'The actual resources of the underlying volume.'),
    col('Access Modes', 'The access modes of the underlying volume.'),
    col('StorageClass', 'Name of the StorageClass required by the claim.'),
    col('VolumeAttributesClass', 'Name of the VolumeAttributesClass used by the claim.'),
    AGE_COLUMN,
    col('VolumeMode', 'Defines what type of volume is required by the claim.', { priority: 1 }),
  ],
  cells(pvc, now) {
    const phase = pvc.metadata.deletionTimestamp ? 'Terminating' : (pvc.status?.phase ?? 'Pending');
    const bound = !!pvc.spec?.volumeName;
    return [
      pvc.metadata.name ?? '',
      phase,
      pvc.spec?.volumeName ?? '',
      bound ? String(pvc.status?.capacity?.storage ?? '') : '',
      bound ? accessModes(pvc.status?.accessModes) : '',
      pvc.spec?.storageClassName ?? '<unset>',
      pvc.spec?.volumeAttributesClassName ?? '<unset>',
      age(pvc, now),
      pvc.spec?.volumeMode ?? '<unset>',
    ];
  },
};

export const pvPrinter: Printer = {
  columns: [
    NAME_COLUMN,
    col('Capacity', 'The capacity of the volume.'),
    col('Access Modes', 'The access modes of the volume.'),
    col('Reclaim Policy', 'What happens to the volume when released from its claim.'),
    col('Status', 'The phase of the volume.'),
    col('Claim', 'The claim bound to this volume.'),
    col('StorageClass', 'Name of the StorageClass to which this persistent volume belongs.'),
    col('VolumeAttributesClass', 'Name of the VolumeAttributesClass to which this persistent volume belongs.'),
    col('Reason', 'Reason the volume is in this phase.'),
    AGE_COLUMN,
    col('VolumeMode', 'Defines whether the volume is a filesystem or a block device.', { priority: 1 }),
  ],
  cells(pv, now) {
    const ref = pv.spec?.claimRef as { namespace?: string; name?: string } | undefined;
    const phase = pv.metadata.deletionTimestamp ? 'Terminating' : (pv.status?.phase ?? 'Pending');
    return [
      pv.metadata.name ?? '',
      String(pv.spec?.capacity?.storage ?? ''),
      accessModes(pv.spec?.accessModes),
      pv.spec?.persistentVolumeReclaimPolicy ?? '',
      phase,
      ref ? `${ref.namespace}/${ref.name}` : '',
      pv.spec?.storageClassName ?? '',
      pv.spec?.volumeAttributesClassName ?? '<unset>',
      pv.status?.reason ?? '',
      age(pv, now),
      pv.spec?.volumeMode ?? '<unset>',
    ];
  },
};

export const serviceAccountPrinter: Printer = {
  columns: [NAME_COLUMN, col('Secrets', 'Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use.', { type: 'integer' }), AGE_COLUMN],
  cells: (sa, now) => [sa.metadata.name ?? '', ((sa.secrets as unknown[] | undefined) ?? []).length, age(sa, now)],
};

/** Kinds without a dedicated printer: NAME and AGE, like kubectl's fallback. */
export const defaultPrinter: Printer = {
  columns: [NAME_COLUMN, AGE_COLUMN],
  cells: (o, now) => [o.metadata.name ?? '', age(o, now)],
};
