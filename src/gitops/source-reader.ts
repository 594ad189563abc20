// Reading the folder into desired objects: which sources a change touches, reading
// them (files, kustomize builds), holding back a parse failure until the file
// stops changing (an editor half-way through a write), keeping a broken file's
// last good objects, resolving kinds against the cluster and the folder's CRDs,
// and merging every file's objects into the desired set. Errors stay per file.
import { resolve } from 'node:path';
import { stat } from 'node:fs/promises';
import { servesApiVersion } from '../api/kinds.js';
import type { Timer } from '../util/clock.js';
import { hpaTargets, mergeDesired, objectKey, resolveKinds, toDesired, type Desired } from './desired.js';
import { SYNC_CONFIG_FILE } from './ignore-differences.js';
import { isIgnoredPath, isKustomizationFile, isSyncedFile } from './ignore.js';
import { CRD_KIND, folderCrdOf, isCrdObject, KindCatalog, type FolderCrd } from './kinds.js';
import type { KustomizeBuild } from './kustomize.js';
import { loadManifestFile, type LoadedObject, type LoadResult, type ManifestError } from './loader.js';
import { kustomizeCovers, readSource, scanSources, type SourceRef } from './sources.js';
import { mapLimit, type SyncContext } from './sync-config.js';

export interface Source {
  ref: SourceRef;
  text?: string;
  load: LoadResult;
  /** The objects of the last version that loaded without errors: kept applied while the file is broken. */
  lastGood?: LoadedObject[];
  /** Text of a failed parse waiting to see whether the file is still being written. */
  pendingFailText?: string;
  /** Objects whose kind neither the cluster serves nor a CRD in the folder defines (re-resolved every rebuild). */
  kindErrors: ManifestError[];
  desired: Desired[];
}

export interface SourceReaderConfig {
  kustomize: KustomizeBuild;
  stabilityMs: number;
  namespace: string;
  hpaOwnsReplicas: boolean;
  /** A held-back file stayed unchanged for stabilityMs: read it again. */
  onRetry(name: string): void;
}

export class SourceReader {
  readonly sources = new Map<string, Source>();
  /** The objects to apply, by key (hooks excluded). */
  desired = new Map<string, Desired>();
  /** The folder's hooks by key: run by hooks.ts, never applied, pruned or healed as normal objects. */
  hooks = new Map<string, Desired>();
  /** Per file: the objects another file already defines. */
  duplicates = new Map<string, ManifestError[]>();
  /** Objects two definitions conflict over: neither applied, what is live kept (never pruned). */
  conflicted = new Set<string>();
  /** Workloads an HPA from the folder scales. */
  hpaKeys = new Set<string>();
  /** The kinds of the last rebuild: the cluster's resources and the folder's CRDs. */
  catalog = new KindCatalog([]);
  private catalogSignature = '';
  private readonly retryTimers = new Map<string, Timer>();

  constructor(
    private readonly ctx: SyncContext,
    private readonly cfg: SourceReaderConfig,
  ) {}

  stop(): void {
    for (const t of this.retryTimers.values()) t.cancel();
    this.retryTimers.clear();
  }

  /** The sources a pass reads: all (a full pass), or those the changed paths affect; 'full' when the folder's shape changed. */
  refsFor(full: boolean, paths: Set<string>): Promise<SourceRef[] | 'full'> {
    return full ? this.allSources() : this.changedSources(paths);
  }

  /**
   * Reads the sources, and rebuilds the desired set when content changed, on a
   * full pass, or when the kinds the manifests resolve to changed. Returns
   * whether it rebuilt.
   */
  async refresh(refs: SourceRef[], full: boolean, force: boolean): Promise<boolean> {
    const changed = await this.readSources(refs, force);
    const catalog = this.buildCatalog();
    const signature = catalog.signature(this.kindUses());
    if (!changed && !full && signature === this.catalogSignature) return false;
    this.rebuildDesired(catalog, signature);
    return true;
  }

  /** Whether some manifest now resolves differently (a kind appeared, went away or changed scope). */
  kindsChanged(): boolean {
    return this.buildCatalog().signature(this.kindUses()) !== this.catalogSignature;
  }

  /** Files whose objects must not be pruned: broken, or possibly half-written. */
  protectedFiles(): Set<string> {
    const out = new Set<string>();
    for (const s of this.sources.values()) if (s.load.errors.length || s.kindErrors.length || s.pendingFailText !== undefined) out.add(s.ref.name);
    return out;
  }

  /** Every source's errors (load, kind, duplicate), in source order. */
  errorsOf(s: Source): ManifestError[] {
    return [...s.load.errors, ...s.kindErrors, ...(this.duplicates.get(s.ref.name) ?? [])];
  }

  /** Load errors grouped per document: each failed document counts once. */
  loadFailures(): number {
    let n = 0;
    for (const s of this.sources.values()) {
      n += new Set([...s.load.errors, ...s.kindErrors].map((e) => `${e.doc ?? 0}/${e.object ?? ''}`)).size;
      n += this.duplicates.get(s.ref.name)?.length ?? 0;
    }
    return n;
  }

  private async allSources(): Promise<SourceRef[]> {
    const refs = await scanSources(this.ctx.folder);
    const names = new Set(refs.map((r) => r.name));
    for (const name of [...this.sources.keys()]) {
      if (!names.has(name)) refs.push(this.sources.get(name)!.ref); // re-read: will be found gone
    }
    return refs;
  }

  /** Maps changed paths to the sources they affect; 'full' when the folder's shape changed (a folder, a kustomization). */
  private async changedSources(paths: Set<string>): Promise<SourceRef[] | 'full'> {
    const out = new Map<string, SourceRef>();
    const kustomizeSources = [...this.sources.values()].filter((s) => s.ref.kustomizeDir !== undefined);
    for (const p of paths) {
      if (p === SYNC_CONFIG_FILE) return 'full'; // ignore rules changed: every object is re-checked
      if (isIgnoredPath(p)) continue;
      if (isKustomizationFile(p)) return 'full';
      // A base or component folder belongs to every kustomization that includes it.
      const ks = kustomizeSources.filter((s) => kustomizeCovers(s.ref, p));
      if (ks.length) {
        for (const k of ks) out.set(k.ref.name, k.ref);
        continue;
      }
      if (this.sources.has(p) || isSyncedFile(p)) {
        out.set(p, this.sources.get(p)?.ref ?? { name: p });
        continue;
      }
      // A folder appeared or went away (or a renamed folder): rescan.
      const underneath = [...this.sources.keys()].some((n) => n.startsWith(`${p}/`));
      const isDir = await stat(resolve(this.ctx.folder, p)).then((s) => s.isDirectory(), () => false);
      if (underneath || isDir) return 'full';
    }
    return [...out.values()];
  }

  /** Reads sources; returns whether any accepted content changed. */
  private async readSources(refs: SourceRef[], force: boolean): Promise<boolean> {
    let changed = false;
    const reads = await mapLimit(refs, 32, (ref) => readSource(this.ctx.folder, ref, this.cfg.kustomize));
    refs.forEach((ref, i) => {
      const r = reads[i];
      const src = this.sources.get(ref.name);
      if (r.text === undefined) {
        if (src) {
          this.sources.delete(ref.name);
          changed = true;
        }
        return;
      }
      if (src && src.text === r.text && !force && src.pendingFailText === undefined) return;
      const load = r.result ?? loadManifestFile(ref.name, r.text);
      // A failed parse (or a file emptied) may be an editor half-way through a write: wait
      // until the file stops changing before believing it.
      const suspicious = load.errors.some((e) => e.object === undefined) || (!r.text.trim() && (src?.load.objects.length ?? 0) > 0);
      if (suspicious && r.result === undefined && src?.pendingFailText !== r.text && src?.text !== r.text) {
        const holder = src ?? this.newSource(ref);
        holder.pendingFailText = r.text;
        this.scheduleRetry(ref.name);
        return;
      }
      const s = src ?? this.newSource(ref);
      s.ref = ref;
      s.text = r.text;
      s.pendingFailText = undefined;
      s.load = load;
      if (load.errors.length === 0) s.lastGood = load.objects;
      changed = true;
    });
    return changed;
  }

  private newSource(ref: SourceRef): Source {
    const s: Source = { ref, load: { objects: [], errors: [] }, kindErrors: [], desired: [] };
    this.sources.set(ref.name, s);
    return s;
  }

  private scheduleRetry(name: string): void {
    this.retryTimers.get(name)?.cancel();
    this.retryTimers.set(
      name,
      this.ctx.ioClock.setTimeout(() => {
        this.retryTimers.delete(name);
        this.cfg.onRetry(name);
      }, this.cfg.stabilityMs),
    );
  }

  /** The objects a file stands for: what it yields now; while it fails to parse, also the last good version's. */
  private sourceObjects(s: Source): { current: LoadedObject[]; kept: LoadedObject[] } {
    return { current: s.load.objects, kept: s.load.errors.length && s.lastGood ? s.lastGood : [] };
  }

  /** The kinds a rebuild resolves against: the cluster's resources now, plus the CRDs in the folder (first file by name wins). */
  private buildCatalog(): KindCatalog {
    const crds: FolderCrd[] = [];
    const seen = new Set<string>();
    const served = this.ctx.client.resources();
    const crdKind = served.find((k) => k.kind === CRD_KIND);
    for (const s of [...this.sources.values()].sort((a, b) => a.ref.name.localeCompare(b.ref.name))) {
      const { current, kept } = this.sourceObjects(s);
      for (const l of [...current, ...kept]) {
        // A CRD in a version the cluster does not serve is an error of its own, and defines nothing.
        if (!isCrdObject(l.obj) || !crdKind || !servesApiVersion(crdKind, l.obj.apiVersion)) continue;
        const name = l.obj.metadata?.name ?? '';
        if (seen.has(name)) continue;
        seen.add(name);
        const c = folderCrdOf(l.obj, objectKey(CRD_KIND, '', name), s.ref.name);
        if (c) crds.push(c);
      }
    }
    return new KindCatalog(served, crds);
  }

  /** The file's objects whose kinds resolve, and an error for each that does not. */
  private sourceDesired(s: Source, catalog: KindCatalog): void {
    const make = (r: ReturnType<typeof resolveKinds>['resolved'][number]) => toDesired(r.loaded, s.ref.name, this.ctx.syncName, this.cfg.namespace, r.info, r.crd);
    const { current, kept } = this.sourceObjects(s);
    const now = resolveKinds(current, s.ref.name, catalog);
    s.kindErrors = now.errors;
    const desired = now.resolved.map(make);
    if (kept.length) {
      const have = new Set(desired.map((d) => d.key));
      desired.push(...resolveKinds(kept, s.ref.name, catalog).resolved.map(make).filter((d) => !have.has(d.key)));
    }
    s.desired = desired;
  }

  /** Every (kind, apiVersion) the folder's manifests use. */
  private *kindUses(): Iterable<{ kind: string; apiVersion: string }> {
    for (const s of this.sources.values()) {
      const { current, kept } = this.sourceObjects(s);
      for (const l of current) yield l.obj;
      for (const l of kept) yield l.obj;
    }
  }

  private rebuildDesired(catalog: KindCatalog, signature: string): void {
    this.catalog = catalog;
    this.catalogSignature = signature;
    for (const s of this.sources.values()) this.sourceDesired(s, catalog);
    const merged = mergeDesired([...this.sources.values()].map((s) => ({ file: s.ref.name, objects: s.desired })));
    this.desired = merged.desired;
    // Hooks are run by hooks.ts, never applied, pruned or healed as normal objects.
    this.hooks = new Map([...this.desired].filter(([, d]) => d.hook));
    for (const k of this.hooks.keys()) this.desired.delete(k);
    this.duplicates = merged.duplicates;
    this.conflicted = new Set(merged.conflicts.keys());
    this.hpaKeys = this.cfg.hpaOwnsReplicas ? hpaTargets(this.desired.values()) : new Set();
  }
}
