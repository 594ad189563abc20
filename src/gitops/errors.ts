// Apply failures turned into per-file errors that name the file, document,
// line, object and field — and the Warning Events that carry them to
// `kubectl get events` and the UI's event view.
import { isStatusError } from '../api/errors.js';
import type { KubeObject } from '../api/meta.js';
import type { Desired } from './desired.js';
import { formatManifestError, type ManifestError } from './loader.js';
import { rfc3339 } from '../api/time.js';

export const EVENT_COMPONENT = 'kubeterm-folder-sync';

/** One error per field cause of an Invalid status (each with its own line), else one error with the message. */
export function applyErrorToManifestErrors(e: unknown, d: Desired): ManifestError[] {
  const base = { file: d.file, doc: d.loaded.doc, line: d.loaded.line, object: `${d.kind}/${d.name}` };
  if (isStatusError(e) && e.reason === 'Invalid' && e.details?.causes?.length) {
    return e.details.causes.map((c) => ({
      ...base,
      line: (c.field ? d.loaded.fieldLine(c.field) : undefined) ?? base.line,
      field: c.field,
      message: c.message,
    }));
  }
  return [{ ...base, message: (e as Error)?.message ?? String(e) }];
}

/** A Warning Event with reason SyncFailed, as `kubectl describe` and `:events` show it. */
export function syncFailedEvent(err: ManifestError, involved: KubeObject, nowMs: number, seq: number): KubeObject {
  const iso = rfc3339(nowMs);
  const ns = involved.metadata.namespace || 'default';
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: `${involved.metadata.name}.${(nowMs * 1000 + (seq % 1000)).toString(16)}`, namespace: ns },
    involvedObject: {
      apiVersion: involved.apiVersion,
      kind: involved.kind,
      name: involved.metadata.name,
      namespace: involved.metadata.namespace,
      ...(involved.metadata.uid ? { uid: involved.metadata.uid } : {}),
    },
    reason: 'SyncFailed',
    message: formatManifestError(err),
    type: 'Warning',
    count: 1,
    firstTimestamp: iso,
    lastTimestamp: iso,
    source: { component: EVENT_COMPONENT },
    reportingComponent: EVENT_COMPONENT,
    reportingInstance: '',
  };
}
