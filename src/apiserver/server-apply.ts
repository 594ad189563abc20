// Server-side apply (PATCH application/apply-patch+yaml), simplified but
// honest about ownership:
// - Each apply records, per field manager, the set of fields it set in
//   metadata.managedFields (operation Apply, fieldsType FieldsV1). Lists are
//   owned as a whole (no per-element `k:{...}` keys), and only Apply managers
//   are tracked — PUT/PATCH/scale writers do not become owners.
// - Applying a field whose live value differs from the configuration while
//   another Apply manager owns it is a 409 Conflict in Kubernetes' wording
//   (`Apply failed with N conflict(s): conflict with "m": .spec.replicas`),
//   unless force=true, which moves the ownership.
// - A field this manager applied before but omits now is removed when no other
//   manager owns it — so removing a line from the manifest removes the field.
// - Absent objects are created (201).
// - On the status subresource (`kubectl apply --server-side --subresource=status`)
//   only the configuration's status counts; the manager's entry is its own
//   (subresource: status), and the object must exist.
import type { Api, WriteOptions } from '../api/api.js';
import { StatusError, badRequest, notFound } from '../api/errors.js';
import { apiVersionOf, qualifiedResource, type KindInfo } from '../api/kinds.js';
import { clone, type KubeObject, type ManagedFieldsEntry } from '../api/meta.js';
import { applyPatch } from '../api/patch/index.js';
import { toServedVersion } from '../api/convert/index.js';
import { rfc3339 } from './time.js';

type Path = string[];

const IGNORED = new Set(['apiVersion', 'kind', 'status', 'metadata.name', 'metadata.namespace', 'metadata.resourceVersion', 'metadata.managedFields', 'metadata.uid', 'metadata.creationTimestamp', 'metadata.generation']);

/** Leaf paths of an apply configuration; objects recurse, everything else (lists included) is a leaf. */
export function leafPaths(v: unknown, prefix: Path = []): Path[] {
  if (v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length > 0) {
    const out: Path[] = [];
    for (const [k, child] of Object.entries(v)) {
      const p = [...prefix, k];
      if (IGNORED.has(p.join('.'))) continue;
      out.push(...leafPaths(child, p));
    }
    return out;
  }
  return prefix.length ? [prefix] : [];
}

export function toFieldsV1(paths: Path[]): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const p of paths) {
    let node = root;
    for (const seg of p) node = (node[`f:${seg}`] ??= {}) as Record<string, unknown>;
  }
  return root;
}

export function fromFieldsV1(f: Record<string, unknown> | undefined, prefix: Path = []): Path[] {
  const out: Path[] = [];
  for (const [k, child] of Object.entries(f ?? {})) {
    if (!k.startsWith('f:')) continue;
    const p = [...prefix, k.slice(2)];
    const kids = child && typeof child === 'object' ? Object.keys(child).filter((x) => x.startsWith('f:')) : [];
    if (kids.length) out.push(...fromFieldsV1(child as Record<string, unknown>, p));
    else out.push(p);
  }
  return out;
}

function at(obj: unknown, p: Path): unknown {
  let cur = obj;
  for (const seg of p) {
    if (!cur || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[seg];
  }
  return cur;
}

function removeAt(obj: Record<string, unknown>, p: Path): void {
  const parents: Record<string, unknown>[] = [];
  let cur: unknown = obj;
  for (const seg of p.slice(0, -1)) {
    if (!cur || typeof cur !== 'object') return;
    parents.push(cur as Record<string, unknown>);
    cur = (cur as Record<string, unknown>)[seg];
  }
  if (!cur || typeof cur !== 'object') return;
  delete (cur as Record<string, unknown>)[p[p.length - 1]];
  // Drop maps the removal emptied (labels: {} left behind is noise).
  for (let i = parents.length - 1; i >= 0; i--) {
    const child = parents[i][p[i]];
    if (child && typeof child === 'object' && !Array.isArray(child) && Object.keys(child).length === 0) delete parents[i][p[i]];
    else break;
  }
}

const overlaps = (a: Path, b: Path) => {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
};
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

export interface ServerApplyInput {
  api: Api;
  info: KindInfo;
  namespace: string;
  name: string;
  config: Record<string, unknown>;
  manager: string;
  force: boolean;
  write: WriteOptions;
  now: number;
  /** 'status': apply to the status subresource. */
  subresource?: 'status';
}

/** A managedFields entry, with the subresource it was written through (absent: the main resource). */
type FieldsEntry = ManagedFieldsEntry & { subresource?: string };

export async function serverSideApply(i: ServerApplyInput): Promise<{ object: KubeObject; created: boolean }> {
  const { api, info, config } = i;
  const meta = (config.metadata ?? {}) as Record<string, unknown>;
  if (config.kind !== info.kind || config.apiVersion !== apiVersionOf(info)) {
    throw badRequest(`the apply configuration's apiVersion/kind (${String(config.apiVersion)}/${String(config.kind)}) does not match ${apiVersionOf(info)}/${info.kind} of the URL`);
  }
  if (meta.name !== undefined && meta.name !== i.name) {
    throw badRequest(`the name of the object (${String(meta.name)}) does not match the name on the URL (${i.name})`);
  }
  const apiVersion = apiVersionOf(info);
  const onStatus = i.subresource === 'status';
  const statusConfig = config.status;
  const paths = !onStatus ? leafPaths(config) : statusConfig && typeof statusConfig === 'object' && Object.keys(statusConfig).length ? leafPaths(statusConfig, ['status']) : [];
  const entry: FieldsEntry = {
    manager: i.manager,
    operation: 'Apply',
    apiVersion,
    time: rfc3339(i.now),
    fieldsType: 'FieldsV1',
    fieldsV1: toFieldsV1(paths),
    ...(onStatus ? { subresource: 'status' } : {}),
  };
  // Merged in the URL's version (autoscaling/v1 for a v1 client): the Api converts the result back to the stored one.
  const stored = api.get(info.kind, i.namespace, i.name);
  const live = stored && toServedVersion(stored, apiVersion);
  if (!live && onStatus) throw notFound(info.kind, i.name);
  if (!live) {
    const obj = clone(config) as KubeObject;
    obj.metadata = { ...(obj.metadata ?? {}), name: i.name, namespace: info.namespaced ? i.namespace : undefined, managedFields: [entry] };
    return { object: await api.create(obj, i.write), created: true };
  }
  const isMine = (m: FieldsEntry) => m.manager === i.manager && m.operation === 'Apply' && (m.subresource ?? '') === (entry.subresource ?? '');
  const others = (live.metadata.managedFields ?? []).filter((m) => !isMine(m));
  const mine = (live.metadata.managedFields ?? []).find(isMine);
  const owned = others.filter((m) => m.operation === 'Apply').map((m) => ({ m, paths: fromFieldsV1(m.fieldsV1) }));

  let next: KubeObject;
  try {
    next = applyPatch(clone(live), 'apply', config, info.kind) as KubeObject;
  } catch (e) {
    throw badRequest(`the apply configuration could not be merged into ${qualifiedResource(info)} "${i.name}": ${(e as Error).message}`);
  }
  // A field conflicts only when this apply would change it (lists merge by key first, so
  // server defaults inside list elements do not count as a change).
  const conflicts: { manager: string; path: Path }[] = [];
  for (const p of paths) {
    if (same(at(live, p), at(next, p))) continue;
    for (const o of owned) if (o.paths.some((q) => overlaps(p, q))) conflicts.push({ manager: o.m.manager ?? '', path: p });
  }
  if (conflicts.length && !i.force) throw applyConflict(info, i.name, conflicts, apiVersion);

  // Forced: the others give up what this manager now sets.
  const nextOthers = others
    .map((m) => {
      if (m.operation !== 'Apply') return m;
      const kept = fromFieldsV1(m.fieldsV1).filter((q) => !paths.some((p) => overlaps(p, q)));
      return { ...m, fieldsV1: toFieldsV1(kept) };
    })
    .filter((m) => m.operation !== 'Apply' || Object.keys(m.fieldsV1 ?? {}).length > 0);

  // Fields this manager applied before and no longer applies go, unless someone else owns them.
  const stillOwned = nextOthers.filter((m) => m.operation === 'Apply').flatMap((m) => fromFieldsV1(m.fieldsV1));
  for (const old of fromFieldsV1(mine?.fieldsV1)) {
    if (paths.some((p) => overlaps(p, old))) continue;
    if (stillOwned.some((q) => overlaps(q, old))) continue;
    removeAt(next as unknown as Record<string, unknown>, old);
  }
  // A status apply that sets no status field owns nothing (kubectl's last-applied bookkeeping sends one): no entry.
  const keep = onStatus && paths.length === 0 ? [] : [entry];
  next.metadata = { ...next.metadata, resourceVersion: live.metadata.resourceVersion, managedFields: [...nextOthers, ...keep] };
  if (onStatus) return { object: await applyStatus(i, next), created: false };
  return { object: await api.update(next, i.write), created: false };
}

/**
 * Writes an applied status: the status through the status subresource, then
 * the new managedFields through the main resource (the Api's status write
 * keeps metadata). Dry runs write nothing.
 */
async function applyStatus(i: ServerApplyInput, next: KubeObject): Promise<KubeObject> {
  if (i.write.dryRun) return next;
  const managedFields = next.metadata.managedFields;
  await i.api.updateStatus(next);
  const out = await i.api.modify(i.info.kind, i.namespace, i.name, (o) => {
    o.metadata.managedFields = managedFields;
  });
  return out ?? next;
}

function applyConflict(info: KindInfo, name: string, conflicts: { manager: string; path: Path }[], apiVersion: string): StatusError {
  const lines = conflicts.map((c) => `conflict with "${c.manager}" using ${apiVersion}: .${c.path.join('.')}`);
  const head = conflicts.length === 1 ? `Apply failed with 1 conflict: ${lines[0]}` : `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
  return new StatusError(409, 'Conflict', head, {
    name,
    group: info.group,
    kind: info.plural,
    causes: conflicts.map((c) => ({ reason: 'FieldManagerConflict', message: `conflict with "${c.manager}" using ${apiVersion}`, field: `.${c.path.join('.')}` })),
  });
}
