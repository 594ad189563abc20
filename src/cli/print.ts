// The lines headless mode prints, in kubectl's words:
//   deployment.apps/web created            (kubectl apply)
//   EVENT Normal Scheduled pod/web-abc: Successfully assigned default/web-abc to node-1
// Pure functions, so their format is unit-tested.
import { kindInfo } from '../api/kinds.js';
import type { KubeObject } from '../api/meta.js';

/** `deployment.apps/web`, `service/web` — the resource form kubectl apply prints. */
export function resourceRef(kind: string, name: string): string {
  const info = kindInfo(kind);
  const res = info ? (info.group ? `${info.singular}.${info.group}` : info.singular) : kind.toLowerCase();
  return `${res}/${name}`;
}

/** `deployment.apps/web created`, `… configured`, `… unchanged`, with ` (server dry run)` when nothing was written. */
export function appliedLine(obj: KubeObject, action: string, dryRun = false): string {
  return `${resourceRef(obj.kind, obj.metadata.name ?? '')} ${action}${dryRun ? ' (server dry run)' : ''}`;
}

/** `EVENT Normal Scheduled pod/web-abc: message`; the namespace is named unless it is `default`; repeats show `(xN)`. */
export function eventLine(ev: KubeObject): string {
  const io = (ev.involvedObject ?? {}) as { kind?: string; name?: string; namespace?: string };
  const ns = io.namespace ?? ev.metadata.namespace;
  const where = ns && ns !== 'default' ? ` -n ${ns}` : '';
  const count = typeof ev.count === 'number' && ev.count > 1 ? ` (x${ev.count})` : '';
  const type = (ev.type as string | undefined) ?? 'Normal';
  const reason = (ev.reason as string | undefined) ?? '';
  const message = String((ev.message as string | undefined) ?? '').replace(/\s*\n\s*/g, ' ');
  return `EVENT ${type} ${reason} ${(io.kind ?? '').toLowerCase()}/${io.name ?? ''}${where}: ${message}${count}`;
}
