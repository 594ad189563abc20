// The Kubernetes-compatible API server: what the engine wires and what the CLI
// configures. See server.ts for the routes and credentials.ts for the
// certificate, token and kubeconfig kept in the state folder.
export { ApiServer, type ApiServerConfig } from './server.js';
export { ensureServingCert, ensureToken, writeKubeconfig, type KubeconfigInput, type ServingCert } from './credentials.js';
export type { LogOptions, LogsFn } from './logs.js';
export type { ExecFn, ExecIO } from './exec.js';
export type { PodDialFn } from './portforward.js';
export type { MetricsSource, NodeUsage, PodUsage } from './metrics.js';
export { KUBE_VERSION } from './discovery.js';
export { PRINTERS, buildTable, printerFor, podStatusCells, type Printer } from './printers/index.js';
