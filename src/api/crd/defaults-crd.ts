// apiextensions.k8s.io/v1 defaulting of a CustomResourceDefinition
// (v1/defaults.go and zz_generated.defaults.go). Only fields that are empty are
// filled, so defaulting twice changes nothing. Malformed parts are left for
// validation to report.
import type { KubeObject } from '../meta.js';
import { isObj } from '../validation/field.js';

/** Defaults a CRD in place (it is already a private copy), as apiextensions v1 SetDefaults does. */
export function defaultCrd(crd: KubeObject): void {
  if (!isObj(crd) || !isObj(crd.spec)) return;
  const spec = crd.spec as Record<string, unknown>;

  if (isObj(spec.names)) {
    const names = spec.names;
    const kind = typeof names.kind === 'string' ? names.kind : '';
    if (!names.singular && kind) names.singular = kind.toLowerCase();
    if (!names.listKind && kind) names.listKind = `${kind}List`;
  }

  if (spec.conversion === undefined || spec.conversion === null) spec.conversion = { strategy: 'None' };
  const webhook = isObj(spec.conversion) ? spec.conversion.webhook : undefined;
  const service = isObj(webhook) && isObj(webhook.clientConfig) ? webhook.clientConfig.service : undefined;
  if (isObj(service) && (service.port === undefined || service.port === null)) service.port = 443;

  // The first storage version is recorded as stored, so status.storedVersions is never empty.
  const status = isObj(crd.status) ? (crd.status as Record<string, unknown>) : undefined;
  const stored = status?.storedVersions;
  if (Array.isArray(stored) && stored.length > 0) return;
  if (stored !== undefined && stored !== null && !Array.isArray(stored)) return;
  const storage = (Array.isArray(spec.versions) ? spec.versions : []).find((v) => isObj(v) && v.storage === true);
  if (!isObj(storage) || typeof storage.name !== 'string') return;
  if (status) status.storedVersions = [storage.name];
  else if (crd.status === undefined || crd.status === null) crd.status = { storedVersions: [storage.name] };
}
