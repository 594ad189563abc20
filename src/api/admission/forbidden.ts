// admission.NewForbidden: `pods "web-" is forbidden: <reason>`. Admission runs
// before name generation, so a generateName object is named by its prefix.
import { StatusError } from '../errors.js';
import { kindInfo, qualifiedResource } from '../kinds.js';
import type { KubeObject } from '../meta.js';

export function admissionForbidden(obj: KubeObject, reason: string): StatusError {
  const info = kindInfo(obj.kind);
  const resource = info ? qualifiedResource(info) : obj.kind.toLowerCase();
  const name = obj.metadata.name || obj.metadata.generateName || 'Unknown';
  return new StatusError(403, 'Forbidden', `${resource} "${name}" is forbidden: ${reason}`, {
    name,
    group: info?.group ?? '',
    kind: info?.plural ?? resource,
  });
}
