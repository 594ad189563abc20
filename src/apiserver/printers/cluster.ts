// Tables for the supporting kinds: endpoints, endpoint slices, network
// policies, storage/priority/ingress classes, leases and controller revisions.
import type { KubeObject } from '../../api/meta.js';
import { AGE_COLUMN, NAME_COLUMN, age, col, formatSelector, type Printer } from './common.js';

const MAX_ADDRESSES = 3;

function capped(list: string[], total: number): string {
  const shown = list.slice(0, MAX_ADDRESSES).join(',');
  return total > MAX_ADDRESSES ? `${shown} + ${total - MAX_ADDRESSES} more...` : shown;
}

const hostPort = (ip: string, port: number) => (ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`);

/** formatEndpoints: `ip:port` pairs, at most three, then `+ N more...`. */
function endpointsText(ep: KubeObject): string {
  const subsets = (ep.subsets ?? []) as { addresses?: { ip: string }[]; ports?: { port: number }[] }[];
  if (subsets.length === 0) return '<none>';
  const list: string[] = [];
  let count = 0;
  for (const ss of subsets) {
    const addrs = ss.addresses ?? [];
    if (!ss.ports?.length) {
      count += addrs.length;
      list.push(...addrs.map((a) => a.ip));
      continue;
    }
    for (const p of ss.ports) {
      count += addrs.length;
      list.push(...addrs.map((a) => hostPort(a.ip, p.port)));
    }
  }
  return capped(list, count);
}

export const endpointsPrinter: Printer = {
  columns: [NAME_COLUMN, col('Endpoints', 'Endpoints of the service'), AGE_COLUMN],
  cells: (ep, now) => [ep.metadata.name ?? '', endpointsText(ep), age(ep, now)],
};

export const endpointSlicePrinter: Printer = {
  columns: [
    NAME_COLUMN,
    col('AddressType', 'The IP protocol for this slice'),
    col('Ports', 'The ports contained in this slice'),
    col('Endpoints', 'The addresses contained in this slice'),
    AGE_COLUMN,
  ],
  cells(s, now) {
    const ports = (s.ports as { port?: number }[] | undefined) ?? [];
    const portText = ports.length ? ports.map((p) => (p.port === undefined ? '<unset>' : String(p.port))).join(',') : '<unset>';
    const addrs = ((s.endpoints as { addresses?: string[] }[] | undefined) ?? []).flatMap((e) => e.addresses ?? []);
    return [s.metadata.name ?? '', String(s.addressType ?? ''), portText, addrs.length ? capped(addrs, addrs.length) : '<unset>', age(s, now)];
  },
};

export const networkPolicyPrinter: Printer = {
  columns: [NAME_COLUMN, col('Pod-Selector', 'Selects the pods to which this NetworkPolicy object applies.'), AGE_COLUMN],
  cells: (np, now) => [np.metadata.name ?? '', formatSelector(np.spec?.podSelector ?? {}), age(np, now)],
};

export const storageClassPrinter: Printer = {
  columns: [
    NAME_COLUMN,
    col('Provisioner', 'Indicates the type of the provisioner.'),
    col('ReclaimPolicy', 'Dynamically provisioned PersistentVolumes of this storage class are created with this reclaimPolicy.'),
    col('VolumeBindingMode', 'VolumeBindingMode indicates how PersistentVolumeClaims should be provisioned and bound.'),
    col('AllowVolumeExpansion', 'AllowVolumeExpansion shows whether the storage class allow volume expand.'),
    AGE_COLUMN,
  ],
  cells(sc, now) {
    const ann = sc.metadata.annotations ?? {};
    const isDefault = ann['storageclass.kubernetes.io/is-default-class'] === 'true' || ann['storageclass.beta.kubernetes.io/is-default-class'] === 'true';
    return [
      `${sc.metadata.name ?? ''}${isDefault ? ' (default)' : ''}`,
      String(sc.provisioner ?? ''),
      String(sc.reclaimPolicy ?? 'Delete'),
      String(sc.volumeBindingMode ?? 'Immediate'),
      !!sc.allowVolumeExpansion,
      age(sc, now),
    ];
  },
};

export const priorityClassPrinter: Printer = {
  columns: [
    NAME_COLUMN,
    col('Value', 'The value of this priority class.', { type: 'integer' }),
    col('Global-Default', 'globalDefault specifies whether this PriorityClass should be considered as the default priority.', { type: 'boolean' }),
    AGE_COLUMN,
    col('PreemptionPolicy', 'PreemptionPolicy is the Policy for preempting pods with lower priority.'),
  ],
  cells: (pc, now) => [pc.metadata.name ?? '', Number(pc.value ?? 0), !!pc.globalDefault, age(pc, now), String(pc.preemptionPolicy ?? 'PreemptLowerPriority')],
};

export const ingressClassPrinter: Printer = {
  columns: [
    NAME_COLUMN,
    col('Controller', 'Controller that is responsible for handling this class'),
    col('Parameters', 'A reference to a resource with additional parameters'),
    AGE_COLUMN,
  ],
  cells(ic, now) {
    const p = ic.spec?.parameters as { kind?: string; apiGroup?: string; name?: string } | undefined;
    const params = p ? `${p.kind ?? ''}${p.apiGroup ? `.${p.apiGroup}` : ''}/${p.name ?? ''}` : '<none>';
    return [ic.metadata.name ?? '', ic.spec?.controller ?? '', params, age(ic, now)];
  },
};

export const leasePrinter: Printer = {
  columns: [NAME_COLUMN, col('Holder', 'Name of the Lease holder'), AGE_COLUMN],
  cells: (l, now) => [l.metadata.name ?? '', l.spec?.holderIdentity ?? '', age(l, now)],
};

export const controllerRevisionPrinter: Printer = {
  columns: [
    NAME_COLUMN,
    col('Controller', 'Controller of the object'),
    col('Revision', 'Revision indicates the revision of the state represented by Data.', { type: 'integer' }),
    AGE_COLUMN,
  ],
  cells(cr, now) {
    const ref = cr.metadata.ownerReferences?.find((o) => o.controller);
    let controller = '<none>';
    if (ref) {
      const slash = ref.apiVersion.indexOf('/');
      const group = slash < 0 ? '' : ref.apiVersion.slice(0, slash);
      controller = `${(group ? `${ref.kind}.${group}` : ref.kind).toLowerCase()}/${ref.name}`;
    }
    return [cr.metadata.name ?? '', controller, Number(cr.revision ?? 0), age(cr, now)];
  },
};
