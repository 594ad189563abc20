// Server-side table printers by kind (pure functions of object and time), and
// the meta.k8s.io/v1 Table built from them for `kubectl get`.
import type { KubeObject } from '../../api/meta.js';
import type { ColumnDefinition, Printer } from './common.js';
import { configMapPrinter, defaultPrinter, eventPrinter, ingressPrinter, namespacePrinter, nodePrinter, pvPrinter, pvcPrinter, secretPrinter, serviceAccountPrinter, servicePrinter } from './core.js';
import { controllerRevisionPrinter, endpointSlicePrinter, endpointsPrinter, ingressClassPrinter, leasePrinter, networkPolicyPrinter, priorityClassPrinter, storageClassPrinter } from './cluster.js';
import { podPrinter } from './pod.js';
import { pdbPrinter } from './policy.js';
import { clusterRoleBindingPrinter, clusterRoleTablePrinter, roleBindingPrinter, roleTablePrinter } from './rbac.js';
import { customPrinter } from './custom.js';
import { crdPrinter } from './crd.js';
import type { KindInfo, PrinterColumn } from '../../api/kinds.js';
import { cronJobPrinter, daemonSetPrinter, deploymentPrinter, hpaPrinter, jobPrinter, replicaSetPrinter, statefulSetPrinter } from './workloads.js';

export type { Cell, ColumnDefinition, Printer } from './common.js';
export { humanDuration } from './common.js';
export { podStatusCells } from './pod.js';

export const PRINTERS: Readonly<Record<string, Printer>> = {
  Pod: podPrinter,
  Deployment: deploymentPrinter,
  ReplicaSet: replicaSetPrinter,
  StatefulSet: statefulSetPrinter,
  DaemonSet: daemonSetPrinter,
  Job: jobPrinter,
  CronJob: cronJobPrinter,
  HorizontalPodAutoscaler: hpaPrinter,
  Service: servicePrinter,
  Node: nodePrinter,
  Namespace: namespacePrinter,
  Event: eventPrinter,
  ConfigMap: configMapPrinter,
  Secret: secretPrinter,
  Ingress: ingressPrinter,
  PersistentVolumeClaim: pvcPrinter,
  PersistentVolume: pvPrinter,
  ServiceAccount: serviceAccountPrinter,
  Endpoints: endpointsPrinter,
  EndpointSlice: endpointSlicePrinter,
  NetworkPolicy: networkPolicyPrinter,
  StorageClass: storageClassPrinter,
  PriorityClass: priorityClassPrinter,
  IngressClass: ingressClassPrinter,
  Lease: leasePrinter,
  ControllerRevision: controllerRevisionPrinter,
  CustomResourceDefinition: crdPrinter,
  Role: roleTablePrinter,
  ClusterRole: clusterRoleTablePrinter,
  RoleBinding: roleBindingPrinter,
  ClusterRoleBinding: clusterRoleBindingPrinter,
  PodDisruptionBudget: pdbPrinter,
};

/** The printer for a kind, or for a custom kind (seen in a version) its CRD's printer columns. */
export function printerFor(kind: string | KindInfo): Printer {
  if (typeof kind !== 'string') {
    const v = kind.custom?.versions.find((x) => x.name === kind.version);
    if (kind.custom) return customPrinterCached(v?.printerColumns ?? []);
    return PRINTERS[kind.kind] ?? defaultPrinter;
  }
  return PRINTERS[kind] ?? defaultPrinter;
}

/** One Printer per column list (a CRD version's), so compiled JSONPaths are reused across requests. */
const customPrinters = new WeakMap<PrinterColumn[], Printer>();
function customPrinterCached(columns: PrinterColumn[]): Printer {
  let p = customPrinters.get(columns);
  if (!p) customPrinters.set(columns, (p = customPrinter(columns)));
  return p;
}

export type IncludeObject = 'None' | 'Metadata' | 'Object';

export interface TableRow {
  cells: unknown[];
  object?: unknown;
}

export interface Table {
  kind: 'Table';
  apiVersion: 'meta.k8s.io/v1';
  metadata: { resourceVersion?: string; continue?: string };
  columnDefinitions: ColumnDefinition[];
  rows: TableRow[];
}

function partialMetadata(obj: KubeObject): Record<string, unknown> {
  const { managedFields: _mf, ...metadata } = obj.metadata;
  void _mf;
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata };
}

export function tableRow(obj: KubeObject, printer: Printer, now: number, include: IncludeObject): TableRow {
  const row: TableRow = { cells: printer.cells(obj, now) };
  if (include === 'Object') row.object = obj;
  else if (include === 'Metadata') row.object = partialMetadata(obj);
  return row;
}

export function buildTable(kind: string | KindInfo, objs: KubeObject[], opts: { now: number; include: IncludeObject; resourceVersion?: string; noHeaders?: boolean }): Table {
  const printer = printerFor(kind);
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: opts.resourceVersion !== undefined ? { resourceVersion: opts.resourceVersion } : {},
    columnDefinitions: opts.noHeaders ? [] : printer.columns,
    rows: objs.map((o) => tableRow(o, printer, opts.now, opts.include)),
  };
}
