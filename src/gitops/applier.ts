// Applying the desired set: what changed, in dependency order (Namespaces first,
// HPAs/Ingresses last), with custom resources of the folder's CRDs on a track of
// their own that waits for their CRD; or, with hooks or several sync waves, as an
// Argo CD sync operation (hooks.ts, waves.ts). Keeps, per object, what was
// applied (hash and uid), the apply errors and the last action.
import { isStatusError } from '../api/errors.js';
import type { KubeObject } from '../api/meta.js';
import { describeObject, type Desired } from './desired.js';
import { applyErrorToManifestErrors } from './errors.js';
import { HookRunner, runOperation, runSyncFail } from './hooks.js';
import { CRD_KIND, folderCrdOf, type FolderCrd } from './kinds.js';
import { FIELD_MANAGER } from './labels.js';
import type { ManifestError } from './loader.js';
import type { PlannedChange, SyncAction, SyncCounts, SyncPlan } from './status.js';
import { mapLimit, type SyncContext } from './sync-config.js';
import { reconcileDisabled } from './sync-options.js';
import { healthVerdict, targetsOf, waitAll } from './waves.js';
import { servesCrd, waitEstablished } from './crd-establish.js';

/** Whether custom resources of a folder CRD may be applied in this pass. */
type CrdGate = { state: 'ready' } | { state: 'planned' } | { state: 'failed'; message: string };

export interface Applied {
  hash: string;
  uid: string;
}

export interface ApplierConfig {
  waveTimeoutMs: number;
  establishTimeoutMs: number;
  /** The objects to apply and the hooks, as the last rebuild made them. */
  desired(): ReadonlyMap<string, Desired>;
  hooks(): ReadonlyMap<string, Desired>;
  /** The live object as last seen (drift-healer.ts). */
  liveOf(key: string): KubeObject | undefined;
  /** An object was applied for real: record it live, as the drift baseline and in the inventory. */
  onApplied(d: Desired, stored: KubeObject, uid: string): void;
  /** The git revision, for hook names. */
  revision(): string | undefined;
  setWaiting(message: string | undefined): void;
  registerWaiter(end: () => void): () => void;
}

export class Applier {
  /** What this process applied, per object: drift is measured only against those. */
  readonly applied = new Map<string, Applied>();
  readonly applyErrors = new Map<string, ManifestError[]>();
  readonly lastAction = new Map<string, SyncAction>();
  readonly hookRunner: HookRunner;
  /** The last sync operation's failure (a hook, a wave's health). */
  operationError?: ManifestError;
  private lastOperationSignature = '';

  constructor(
    private readonly ctx: SyncContext,
    private readonly cfg: ApplierConfig,
  ) {
    this.hookRunner = new HookRunner({
      client: ctx.client,
      clock: ctx.clock,
      syncName: ctx.syncName,
      timeoutMs: cfg.waveTimeoutMs,
      revision: () => cfg.revision(),
      wait: { onPending: (_t, message) => cfg.setWaiting(message), register: (end) => cfg.registerWaiter(end) },
    });
  }

  /** Counts an object as applied without applying it (its live object already matches the folder). */
  markApplied(key: string, hash: string, uid: string): void {
    this.applied.set(key, { hash, uid });
  }

  /** The object this process applied is the folder's current version. */
  isCurrent(d: Desired): boolean {
    return this.applied.get(d.key)?.hash === d.hash;
  }

  /** Drops what belongs to objects that left the desired set: one that returns (its CRD back) is applied afresh. */
  retain(desired: ReadonlyMap<string, Desired>): void {
    for (const k of [...this.applyErrors.keys()]) if (!desired.has(k)) this.applyErrors.delete(k);
    for (const k of [...this.applied.keys()]) if (!desired.has(k)) this.applied.delete(k);
  }

  forget(key: string): void {
    this.applied.delete(key);
    this.lastAction.delete(key);
  }

  /**
   * A pass with something to apply, and hooks or more than one sync wave, runs
   * as an Argo CD sync operation (hooks.ts): PreSync hooks, the waves (each
   * waiting for the health of the one before), PostSync hooks; SyncFail hooks
   * when it fails. Any other pass, and a dry run, applies as applyAll does.
   */
  async applyInWaves(counts: SyncCounts, force: boolean, plan?: SyncPlan): Promise<{ touched: Set<string>; failed: boolean }> {
    const normal = [...this.cfg.desired().values()];
    const hooks = [...this.cfg.hooks().values()].filter((h) => h.hook!.phases.length);
    const waves = new Set(normal.map((d) => d.wave));
    const signature = JSON.stringify([...normal, ...hooks].map((d) => d.hash).sort());
    const stale = normal.some((d) => this.applied.get(d.key)?.hash !== d.hash || this.applyErrors.has(d.key));
    if (plan || (!hooks.length && waves.size < 2) || (!force && !stale && signature === this.lastOperationSignature)) {
      return { touched: await this.applyAll(counts, force, plan), failed: false };
    }
    this.lastOperationSignature = signature;
    this.operationError = undefined;
    this.hookRunner.begin();
    const touched = new Set<string>();
    const result = await runOperation(normal, hooks, {
      hooks: this.hookRunner,
      apply: async (items) => {
        for (const k of await this.applyAll(counts, force, plan, new Set(items.map((d) => d.key)))) touched.add(k);
      },
      applyFailed: (key) => this.applyErrors.has(key),
      waitHealthy: async (items, wave) => {
        const r = await waitAll(targetsOf(items), {
          client: this.ctx.client,
          clock: this.ctx.clock,
          timeoutMs: this.cfg.waveTimeoutMs,
          judge: healthVerdict,
          onPending: (t, m) => this.cfg.setWaiting(`sync wave ${wave}: waiting for ${describeObject(t)} to be healthy (${m})`),
          register: (end) => this.cfg.registerWaiter(end),
        });
        return r.ok ? undefined : r;
      },
    });
    if (result.phase === 'Failed') {
      counts.failed++;
      const syncFail = await runSyncFail(hooks, this.hookRunner);
      this.operationError = {
        file: result.file,
        ...(result.doc !== undefined ? { doc: result.doc } : {}),
        ...(result.line !== undefined ? { line: result.line } : {}),
        object: result.object,
        message: `sync failed: ${result.message}${syncFail ? `; ${syncFail}` : ''}`,
      };
    }
    this.cfg.setWaiting(undefined);
    return { touched, failed: result.phase === 'Failed' };
  }

  /**
   * Applies what changed, level by level; returns the keys it tried. Custom
   * resources of a CRD in the folder go on a second track: once the levels
   * before theirs are applied (CRDs, Namespaces, config), they wait for their
   * CRDs to be Established, then apply level by level. Everything else goes on
   * meanwhile, so a slow or broken CRD holds back only its own resources.
   */
  private async applyAll(counts: SyncCounts, force: boolean, plan?: SyncPlan, only?: ReadonlySet<string>): Promise<Set<string>> {
    const touched = new Set<string>();
    const levels = new Map<number, Desired[]>();
    const dependent = new Map<number, Desired[]>();
    const staleCrds: Desired[] = [];
    for (const d of this.cfg.desired().values()) {
      if (only && !only.has(d.key)) continue; // another sync wave's
      const a = this.applied.get(d.key);
      const stale = force || plan || !a || a.hash !== d.hash || this.applyErrors.has(d.key);
      if (!stale) {
        counts.unchanged++;
        continue;
      }
      const into = d.crd ? dependent : levels;
      const list = into.get(d.order) ?? [];
      touched.add(d.key);
      list.push(d);
      into.set(d.order, list);
      if (d.kind === CRD_KIND) staleCrds.push(d);
    }
    const plannedNamespaces = new Set<string>();
    const crdActions = new Map<string, SyncAction>();
    const tally = (action: SyncAction) => {
      if (action === 'created' || action === 'configured') counts.applied++;
      else if (action === 'unchanged') counts.unchanged++;
      else counts.failed++;
    };
    const applyLevels = async (byOrder: Map<number, Desired[]>, before?: (order: number) => void, gate?: Map<string, CrdGate>) => {
      for (const order of [...byOrder.keys()].sort((a, b) => a - b)) {
        before?.(order);
        const batch = byOrder.get(order)!.sort((a, b) => a.key.localeCompare(b.key));
        await mapLimit(batch, this.ctx.concurrency, async (d) => {
          const g = d.crd ? gate?.get(d.crd.key) : undefined;
          const action = g && g.state !== 'ready' ? this.heldBack(d, g, plan) : await this.applyOne(d, plan, plannedNamespaces);
          if (d.kind === CRD_KIND) crdActions.set(d.key, action);
          tally(action);
        });
      }
    };

    // The second track starts when the first reaches the custom resources' level.
    const firstDependent = Math.min(...dependent.keys(), Infinity);
    let release!: () => void;
    const prerequisites = new Promise<void>((r) => {
      release = r;
    });
    const main = applyLevels(levels, (order) => {
      if (order >= firstDependent) release();
    }).finally(() => release());
    const second = (async () => {
      await prerequisites;
      const needed = new Set<string>(staleCrds.map((d) => d.key));
      for (const list of dependent.values()) for (const d of list) needed.add(d.crd!.key);
      if (!needed.size) return;
      const gate = await this.crdGates([...needed], crdActions, plan);
      await applyLevels(dependent, undefined, gate);
    })();
    await Promise.all([main, second]);
    return touched;
  }

  /** A custom resource whose CRD is not ready: planned (dry-run) or failed with the CRD's reason. */
  private heldBack(d: Desired, g: CrdGate, plan: SyncPlan | undefined): SyncAction {
    if (g.state === 'planned' && plan) {
      plan.create.push({ kind: d.kind, namespace: d.namespace, name: d.name, file: d.file });
      this.lastAction.set(d.key, 'created');
      return 'created';
    }
    const message = g.state === 'failed' ? g.message : `CustomResourceDefinition "${d.crd!.name}" is not Established`;
    this.applyErrors.set(d.key, [{ file: d.file, doc: d.loaded.doc, line: d.loaded.line, object: `${d.kind}/${d.name}`, message: `${describeObject(d)} not applied: ${message}` }]);
    this.lastAction.set(d.key, 'failed');
    return 'failed';
  }

  /**
   * For each CRD of the folder that was applied in this pass or that custom
   * resources wait for: ready (Established and served), planned (dry-run) or
   * failed with the reason. A CRD that never establishes fails after
   * establishTimeoutMs with its NamesAccepted/Established conditions; the CRD
   * itself then shows the failure too.
   */
  private async crdGates(keys: string[], actions: Map<string, SyncAction>, plan: SyncPlan | undefined): Promise<Map<string, CrdGate>> {
    const out = new Map<string, CrdGate>();
    const waits: { key: string; d: Desired; info: FolderCrd; appliedNow: boolean }[] = [];
    for (const key of keys) {
      const d = this.cfg.desired().get(key);
      const info = d ? folderCrdOf(d.obj, key, d.file) : undefined;
      if (!d || !info) {
        out.set(key, { state: 'failed', message: `its CustomResourceDefinition "${key.split('/').pop()}" is not in the folder` });
        continue;
      }
      const errs = this.applyErrors.get(key);
      if (errs?.length && actions.get(key) === 'failed') {
        out.set(key, { state: 'failed', message: `its CustomResourceDefinition "${info.name}" (${d.file}) failed to apply: ${errs.map((e) => (e.field ? `${e.field}: ${e.message}` : e.message)).join('; ')}` });
        continue;
      }
      const action = actions.get(key);
      const appliedNow = action === 'created' || action === 'configured';
      if (!appliedNow && servesCrd(this.ctx, info)) {
        out.set(key, { state: 'ready' });
        continue;
      }
      if (plan) {
        out.set(key, servesCrd(this.ctx, info) ? { state: 'ready' } : { state: 'planned' });
        continue;
      }
      waits.push({ key, d, info, appliedNow });
    }
    const wait = { timeoutMs: this.cfg.establishTimeoutMs, register: (end: () => void) => this.cfg.registerWaiter(end) };
    await Promise.all(
      waits.map(async (w) => {
        const message = await waitEstablished(this.ctx, wait, w.info, w.appliedNow);
        if (message === undefined) {
          out.set(w.key, { state: 'ready' });
          return;
        }
        out.set(w.key, { state: 'failed', message: `its ${message}` });
        // The CRD applied, but is of no use: it shows as Failed with the reason (and is re-checked next pass).
        this.applyErrors.set(w.key, [{ file: w.d.file, doc: w.d.loaded.doc, line: w.d.loaded.line, object: `${w.d.kind}/${w.d.name}`, message }]);
        this.lastAction.set(w.key, 'failed');
      }),
    );
    return out;
  }

  /** Applies one object (server-side apply, retried on conflicts); a dry run records it in the plan instead. */
  async applyOne(d: Desired, plan: SyncPlan | undefined, plannedNamespaces: Set<string>): Promise<SyncAction> {
    const client = this.ctx.client;
    // Flux's kustomize.toolkit.fluxcd.io/reconcile: disabled on the live object: never applied again.
    if (!plan) {
      // Unreadable is treated as absent: the apply below reports the real error for this object.
      const live = this.cfg.liveOf(d.key) ?? (await client.get(d.kind, d.namespace, d.name).catch(() => undefined));
      if (live && reconcileDisabled(d.obj.metadata.annotations, live.metadata.annotations)) {
        this.applyErrors.delete(d.key);
        this.applied.set(d.key, { hash: d.hash, uid: live.metadata.uid ?? '' });
        this.lastAction.set(d.key, 'skipped');
        return 'unchanged';
      }
    }
    for (let attempt = 0; ; attempt++) {
      try {
        const res = await client.apply(d.obj, { fieldManager: FIELD_MANAGER, dryRun: this.ctx.dryRun });
        this.applyErrors.delete(d.key);
        this.lastAction.set(d.key, res.action);
        if (plan) {
          const change: PlannedChange = { kind: d.kind, namespace: d.namespace, name: d.name, file: d.file };
          if (res.action === 'created') plan.create.push(change);
          else if (res.action === 'configured') plan.change.push(change);
          if (res.action === 'created' && d.kind === 'Namespace') plannedNamespaces.add(d.name);
          return res.action;
        }
        const uid = res.object.metadata.uid ?? '';
        this.applied.set(d.key, { hash: d.hash, uid });
        this.cfg.onApplied(d, res.object, uid);
        return res.action;
      } catch (e) {
        if (attempt < 3 && isStatusError(e, 'Conflict')) continue;
        // In a dry run, objects in a namespace the same sync would create cannot be checked against it.
        if (plan && isStatusError(e, 'NotFound') && plannedNamespaces.has(d.namespace)) {
          plan.create.push({ kind: d.kind, namespace: d.namespace, name: d.name, file: d.file });
          this.lastAction.set(d.key, 'created');
          return 'created';
        }
        this.applyErrors.set(d.key, applyErrorToManifestErrors(e, d));
        this.lastAction.set(d.key, 'failed');
        return 'failed';
      }
    }
  }
}
