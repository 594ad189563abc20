// The admission chain kubeterm's API runs, in Kubernetes' order: LimitRanger
// (defaults, then limits) before ResourceQuota (which must see the defaults).
// Pass `defaultAdmissionPlugins()` as ApiOptions.admission.
import { limitRangerPlugin } from './limitranger.js';
import { resourceQuotaPlugin } from './resourcequota.js';
import type { AdmissionPlugin } from './types.js';

export function defaultAdmissionPlugins(): AdmissionPlugin[] {
  return [limitRangerPlugin(), resourceQuotaPlugin()];
}

export { limitRangerPlugin, LIMIT_RANGER_ANNOTATION } from './limitranger.js';
export { resourceQuotaPlugin } from './resourcequota.js';
export { namespaceUsage, objectUsage, kindsFor } from './quota-usage.js';
export { admissionForbidden } from './forbidden.js';
export type { AdmissionAttributes, AdmissionPlugin } from './types.js';
