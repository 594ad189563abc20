// Admission plugins: the checks and defaults the API server applies to a write
// after defaulting and before validation (k8s.io/apiserver admission). They
// run synchronously so that reading usage and storing the object happen with
// no other write in between (the store is in memory): two creates cannot both
// squeeze under a quota.
import type { KubeObject } from '../meta.js';
import type { ObjectStore } from '../store-types.js';

export interface AdmissionAttributes {
  operation: 'CREATE' | 'UPDATE';
  /** The object being written; mutating plugins change it in place. */
  object: KubeObject;
  oldObject?: KubeObject;
  /** Read access for plugins that look at other objects (quotas, limit ranges). */
  store: Pick<ObjectStore, 'get' | 'list'>;
  dryRun?: boolean;
}

export interface AdmissionPlugin {
  readonly name: string;
  /** Mutate and/or refuse (throw a StatusError, usually 403 Forbidden). */
  admit(attrs: AdmissionAttributes): void;
}
