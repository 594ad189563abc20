// WriteThrough: a keyboard change to an object the folder manages is made to
// its manifest, not to the live object. It finds the object's source through
// the sync (file, document, kustomize folder), reads the file fresh (so a file
// changed since the sync read it is handled: the object is found again by kind
// and name), edits only the changed fields (yaml-edit.ts, kustomization-edit.ts),
// writes atomically (temp file + rename, mode kept), tells the sync to apply
// the file now (its own change: no watcher debounce, nothing to heal), and with
// `gitCommit` commits exactly that file. Where the source cannot be written
// exactly it refuses, and says whether a live-only change makes sense.
import { randomBytes } from 'node:crypto';
import { access, chmod, constants, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { KubeObject } from '../../api/meta.js';
import { rollbackTemplate } from '../../api/rollout.js';
import type { ClusterClient } from '../../client/types.js';
import type { Clock } from '../../util/clock.js';
import { realClock } from '../../util/clock.js';
import type { ManagedSource } from '../sync.js';
import { commitFile } from './git-commit.js';
import { kustomizeSetImage, kustomizeSetReplicas } from './kustomization-edit.js';
import { pathString, setFields, type EditResult, type FieldChange, type Seg } from './yaml-edit.js';

export type WriteChange =
  | { op: 'scale'; kind: string; namespace: string; name: string; replicas: number }
  | { op: 'image'; kind: string; namespace: string; name: string; container: string; image: string }
  | { op: 'rollback'; kind: string; namespace: string; name: string; toRevision?: number };

export type WriteOutcome =
  | { written: { file: string; line: number }; message: string; commit?: string; warning?: string }
  | { refused: string; liveOnly: boolean };

export interface LastWrite {
  message: string;
  file: string;
  line: number;
  time: string;
  commit?: string;
}

export interface WriteThroughSync {
  sourceOf(kind: string, namespace: string, name: string): ManagedSource | undefined;
  applyOwnWrite(file: string): Promise<void>;
}

export interface WriteThroughConfig {
  sync: WriteThroughSync;
  client: ClusterClient;
  /** Commit each write (`--git-commit`) when the folder is in a git work tree. */
  gitCommit?: boolean;
  clock?: Clock;
  /** Told after every write (the UI re-reads the status). */
  onWrite?: () => void;
}

/** Pod-spec fields a rollback may differ in that manifests rarely set: defaulted, never worth adding to a file. */
const DEFAULTED = new Set(['imagePullPolicy', 'terminationMessagePath', 'terminationMessagePolicy', 'schedulerName', 'dnsPolicy', 'restartPolicy', 'securityContext', 'terminationGracePeriodSeconds']);
const IGNORED_TEMPLATE_ANNOTATIONS = new Set(['kubectl.kubernetes.io/restartedAt']);
const MAX_ATTEMPTS = 3;

function podSpecPath(kind: string): Seg[] {
  if (kind === 'Pod') return ['spec'];
  if (kind === 'CronJob') return ['spec', 'jobTemplate', 'spec', 'template', 'spec'];
  return ['spec', 'template', 'spec'];
}

function getIn(obj: unknown, path: Seg[]): unknown {
  let cur = obj;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    if (typeof seg === 'object') cur = Array.isArray(cur) ? cur.find((x) => (x as { name?: unknown })?.name === seg.name) : undefined;
    else cur = (cur as Record<string | number, unknown>)[seg];
  }
  return cur;
}

const isPlain = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const isScalarValue = (v: unknown): v is string | number | boolean => ['string', 'number', 'boolean'].includes(typeof v);

/** The leaf changes that turn template `from` into `to`, or why they cannot be written as field sets. */
export function templateChanges(from: unknown, to: unknown, base: Seg[] = []): FieldChange[] | string {
  const out: FieldChange[] = [];
  const walk = (a: unknown, b: unknown, path: Seg[]): string | undefined => {
    if (JSON.stringify(a) === JSON.stringify(b)) return undefined;
    const last = path[path.length - 1];
    if (path.length >= 2 && path[path.length - 2] === 'annotations' && typeof last === 'string' && IGNORED_TEMPLATE_ANNOTATIONS.has(last)) return undefined;
    if (isPlain(a) && isPlain(b)) {
      for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
        const why = walk(a[k], b[k], [...path, k]);
        if (why) return why;
      }
      return undefined;
    }
    if (Array.isArray(a) && Array.isArray(b)) {
      const named = (xs: unknown[]) => xs.every((x) => isPlain(x) && typeof x.name === 'string');
      if (named(a) && named(b) && a.length === b.length) {
        for (const x of b as Record<string, unknown>[]) {
          const y = (a as Record<string, unknown>[]).find((o) => o.name === x.name);
          if (!y) return `${pathString(path)}: ${String(x.name)} is not in the current revision`;
          const why = walk(y, x, [...path, { name: String(x.name) }]);
          if (why) return why;
        }
        return undefined;
      }
      return `${pathString(path)} differs as a whole list`;
    }
    if (b === undefined) return `${pathString(path)} would have to be removed`;
    if (!isScalarValue(b)) return `${pathString(path)} differs as a whole ${Array.isArray(b) ? 'list' : 'map'}`;
    out.push({ path, value: b });
    return undefined;
  };
  const why = walk(from, to, base);
  return why ?? out;
}

function ref(kind: string, name: string): string {
  return `${kind.toLowerCase()}/${name}`;
}

export class WriteThrough {
  private readonly sync: WriteThroughSync;
  private readonly client: ClusterClient;
  private readonly gitCommit: boolean;
  private readonly clock: Clock;
  private readonly onWrite: () => void;
  /** One write at a time: two keys pressed quickly must not interleave read-modify-write. */
  private queue: Promise<unknown> = Promise.resolve();
  last?: LastWrite;

  constructor(config: WriteThroughConfig) {
    this.sync = config.sync;
    this.client = config.client;
    this.gitCommit = config.gitCommit ?? false;
    this.clock = config.clock ?? realClock;
    this.onWrite = config.onWrite ?? (() => {});
  }

  manages(kind: string, namespace: string, name: string): boolean {
    return !!this.sync.sourceOf(kind, namespace, name);
  }

  /** The file (absolute) and line to open in an editor for this object: its manifest, or its kustomization. */
  source(kind: string, namespace: string, name: string): { path: string; line: number; file: string } | undefined {
    const s = this.sync.sourceOf(kind, namespace, name);
    if (!s) return undefined;
    return { path: join(s.folder, s.file), line: s.kustomizeDir !== undefined ? 1 : s.line, file: s.file };
  }

  write(change: WriteChange): Promise<WriteOutcome> {
    const run = this.queue.then(() => this.writeNow(change));
    // The caller awaits `run` and sees its error; the queue only orders the writes, so one failure must not block the next.
    this.queue = run.catch(() => {});
    return run;
  }

  private async writeNow(change: WriteChange): Promise<WriteOutcome> {
    const src = this.sync.sourceOf(change.kind, change.namespace, change.name);
    const what = ref(change.kind, change.name);
    if (!src) return { refused: `${what} is not defined by the synced folder`, liveOnly: true };
    const plan = await this.plan(change, src);
    if ('refused' in plan) return plan;
    const abs = join(src.folder, src.file);
    const json = /\.json$/i.test(src.file);
    const shown = `${basename(src.folder)}/${src.file}`;
    for (let attempt = 1; ; attempt++) {
      let text: string;
      let mode: number;
      try {
        text = await readFile(abs, 'utf8');
        mode = (await stat(abs)).mode & 0o7777;
        await access(abs, constants.W_OK);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        const why = code === 'EACCES' || code === 'EPERM' || code === 'EROFS' ? `${shown} is read-only` : `${shown} cannot be read: ${(e as Error).message}`;
        return { refused: why, liveOnly: true };
      }
      const edited = plan.edit(text, json);
      if (!edited.ok) return { refused: `${shown}: ${edited.reason}`, liveOnly: true };
      const message = plan.message;
      if (edited.unchanged) return { written: { file: shown, line: edited.line }, message: `${message}: ${shown} already says so` };
      // Written only if the file is still what was edited; else read it again and find the object anew.
      const wrote = await atomicWrite(abs, text, edited.text, mode);
      if (!wrote) {
        if (attempt < MAX_ATTEMPTS) continue;
        return { refused: `${shown} keeps changing on disk; nothing was written`, liveOnly: true };
      }
      await this.sync.applyOwnWrite(src.file);
      let commit: string | undefined;
      let warning: string | undefined;
      if (this.gitCommit) {
        try {
          commit = await commitFile(src.folder, abs, `${message}\n\nWritten by kubeterm (keyboard write-through) to ${src.file}:${edited.line}.`);
        } catch (e) {
          warning = `not committed: ${(e as Error).message}`;
        }
      }
      this.last = { message, file: shown, line: edited.line, time: new Date(this.clock.now()).toISOString(), ...(commit ? { commit } : {}) };
      this.onWrite();
      return {
        written: { file: shown, line: edited.line },
        message: `${message} → ${shown}:${edited.line}${commit ? ` (commit ${commit})` : ''}`,
        ...(commit ? { commit } : {}),
        ...(warning ? { warning } : {}),
      };
    }
  }

  /** What to write, as a function of the file's text, and the message; or a refusal. */
  private async plan(change: WriteChange, src: ManagedSource): Promise<{ message: string; edit: (text: string, json: boolean) => EditResult } | { refused: string; liveOnly: boolean }> {
    const what = ref(change.kind, change.name);
    const loc = { kind: change.kind, name: change.name, namespace: change.namespace, doc: src.doc };
    const kustomized = src.kustomizeDir !== undefined;
    if (change.op === 'scale') {
      const hpa = await this.hpaFor(change.kind, change.namespace, change.name);
      if (hpa || src.hpaOwnsReplicas) {
        return {
          refused: `replicas of ${what} are owned by HorizontalPodAutoscaler ${hpa ?? '(in the folder)'}: change its minReplicas/maxReplicas instead; a live scale is undone by the autoscaler`,
          liveOnly: true,
        };
      }
      const message = `scale ${what} to ${change.replicas}`;
      if (kustomized) return { message, edit: (t) => kustomizeSetReplicas(t, change.name, change.replicas) };
      return { message, edit: (t, json) => setFields(t, loc, [{ path: ['spec', 'replicas'], value: change.replicas }], { json }) };
    }
    if (change.op === 'image') {
      const base = podSpecPath(change.kind);
      const found = (['containers', 'initContainers'] as const).find((list) => getIn(src.manifest, [...base, list, { name: change.container }]) !== undefined);
      if (!found) return { refused: `${what} has no container "${change.container}" in ${src.file}`, liveOnly: true };
      const path: Seg[] = [...base, found, { name: change.container }, 'image'];
      const current = String(getIn(src.manifest, path) ?? '');
      const message = `set image ${what} ${change.container}=${change.image}`;
      if (kustomized) return { message, edit: (t) => kustomizeSetImage(t, current, change.image) };
      return { message, edit: (t, json) => setFields(t, loc, [{ path, value: change.image }], { json }) };
    }
    // Rollback: the fields of the pod template that differ between the revisions.
    if (change.kind !== 'Deployment') return { refused: `rollback is for Deployments, not ${change.kind}`, liveOnly: false };
    const deploy = await this.client.get('Deployment', change.namespace, change.name);
    if (!deploy) return { refused: `${what} is not in the cluster`, liveOnly: false };
    const { items } = await this.client.list('ReplicaSet', { namespace: change.namespace });
    let target;
    try {
      target = rollbackTemplate(deploy, items, change.toRevision);
    } catch (e) {
      return { refused: (e as Error).message, liveOnly: false };
    }
    if (target.skipped) return { refused: `skipped rollback (current template already matches revision ${target.to})`, liveOnly: false };
    const current = currentTemplate(deploy, items);
    const diff = templateChanges(current, target.template, ['spec', 'template']);
    if (typeof diff === 'string') return { refused: `revision ${target.to} differs in a way a field edit cannot write (${diff})`, liveOnly: true };
    // Defaulted fields the manifest does not set (imagePullPolicy follows the image) are left to the API.
    const changes = diff.filter((c) => getIn(src.manifest, c.path) !== undefined || !DEFAULTED.has(String(c.path[c.path.length - 1])));
    if (!changes.length) return { refused: `revision ${target.to} differs only in defaulted fields; nothing to write`, liveOnly: true };
    const images = changes.filter((c) => c.path[c.path.length - 1] === 'image').map((c) => `${(c.path[c.path.length - 2] as { name: string }).name}=${String(c.value)}`);
    const message = `rollback ${what} to revision ${target.to}${images.length ? ` (${images.join(', ')})` : ''}`;
    if (kustomized) {
      if (changes.some((c) => c.path[c.path.length - 1] !== 'image')) {
        return { refused: `revision ${target.to} differs in more than images, and kustomize builds ${what}: edit its sources by hand`, liveOnly: true };
      }
      return {
        message,
        edit: (t) => {
          let text = t;
          let line = 1;
          for (const c of changes) {
            const cur = String(getIn(src.manifest, c.path) ?? '');
            const r = kustomizeSetImage(text, cur, String(c.value));
            if (!r.ok) return r;
            text = r.text;
            line = r.line;
          }
          return { ok: true, text, doc: 1, line, ...(text === t ? { unchanged: true } : {}) };
        },
      };
    }
    return { message, edit: (t, json) => setFields(t, loc, changes, { json }) };
  }

  /** The HPA whose scaleTargetRef is this workload, if any. */
  private async hpaFor(kind: string, namespace: string, name: string): Promise<string | undefined> {
    if (!this.client.resources().some((k) => k.kind === 'HorizontalPodAutoscaler')) return undefined;
    try {
      const { items } = await this.client.list('HorizontalPodAutoscaler', { namespace });
      const hpa = items.find((h) => {
        const t = h.spec?.scaleTargetRef as { kind?: string; name?: string } | undefined;
        return t?.kind === kind && t?.name === name;
      });
      return hpa?.metadata.name;
    } catch {
      return undefined;
    }
  }
}

/** The current revision's template: the Deployment's own (as the API stored it). */
function currentTemplate(deploy: KubeObject, _replicaSets: KubeObject[]): unknown {
  const t = JSON.parse(JSON.stringify(deploy.spec?.template ?? {}));
  if (t.metadata?.labels) delete t.metadata.labels['pod-template-hash'];
  return t;
}

/**
 * Writes `next` to `file` through a temp file in the same folder and a rename,
 * with the old file's mode, unless the file no longer holds `expected` (false).
 */
export async function atomicWrite(file: string, expected: string, next: string, mode: number): Promise<boolean> {
  // A dotfile: the folder sync ignores it while it exists.
  const tmp = join(dirname(file), `.${basename(file)}.kubeterm-${randomBytes(4).toString('hex')}.tmp`);
  await writeFile(tmp, next, { mode });
  try {
    await chmod(tmp, mode);
    if ((await readFile(file, 'utf8')) !== expected) return false;
    await rename(tmp, file);
    return true;
  } finally {
    await rm(tmp, { force: true });
  }
}
