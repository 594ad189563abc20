// The admission chain kubeterm's API runs, in Kubernetes' order: LimitRanger
// (defaults, then limits), ServiceAccount (the pod's identity and its token
// volume), then ResourceQuota (which must see the defaults).
// Pass `defaultAdmissionPlugins()` as ApiOptions.admission; the engine adds
// the ServiceAccount plugin with `{ serviceAccount: {...} }`.
import { limitRangerPlugin } from './limitranger.js';
import { resourceQuotaPlugin } from './resourcequota.js';
import { serviceAccountPlugin, type ServiceAccountAdmissionOptions } from './serviceaccount.js';
import type { AdmissionPlugin } from './types.js';

export interface DefaultAdmissionOptions {
  /** Include the ServiceAccount plugin with these options (absent: left out, for tests of the others). */
  serviceAccount?: ServiceAccountAdmissionOptions;
}

export function defaultAdmissionPlugins(opts: DefaultAdmissionOptions = {}): AdmissionPlugin[] {
  return [limitRangerPlugin(), ...(opts.serviceAccount ? [serviceAccountPlugin(opts.serviceAccount)] : []), resourceQuotaPlugin()];
}

export { limitRangerPlugin, LIMIT_RANGER_ANNOTATION } from './limitranger.js';
export { resourceQuotaPlugin } from './resourcequota.js';
export {
  serviceAccountPlugin,
  tokenVolumeSource,
  DEFAULT_API_TOKEN_MOUNT_PATH,
  DEFAULT_SERVICE_ACCOUNT_NAME,
  SERVICE_ACCOUNT_VOLUME_PREFIX,
  WARN_ONLY_BOUND_TOKEN_EXPIRATION_SECONDS,
  type ServiceAccountAdmissionOptions,
} from './serviceaccount.js';
export { namespaceUsage, objectUsage, kindsFor } from './quota-usage.js';
export { admissionForbidden } from './forbidden.js';
export type { AdmissionAttributes, AdmissionPlugin } from './types.js';
