// Typed views of every kind kubeterm serves. Each interface extends KubeObject,
// so a typed object can be passed wherever a KubeObject is expected and a
// KubeObject read from the store can be narrowed with `as Pod` etc.
export type * from './pod.js';
export type * from './apps.js';
export type * from './batch.js';
export type * from './autoscaling.js';
export type * from './service.js';
export type * from './networking.js';
export type * from './node.js';
export type * from './event.js';
export type * from './storage.js';
export type * from './config.js';
export type * from './rbac.js';
export type * from './policy.js';
