// Hooks and the sync operation, as Argo CD runs them (gitops-engine pkg/sync):
//
//   PreSync hooks (wave by wave, each waits until its hooks complete)
//   → the waves of normal objects, lowest first; Sync hooks run in their wave;
//     each wave waits until its objects are healthy before the next one starts
//   → PostSync hooks once everything is healthy
//   on failure (a hook failed, an object went Degraded or never became healthy):
//   the later waves are not applied, the operation is Failed naming the object
//   and the reason, and the SyncFail hooks run.
//
// A hook is never applied, pruned or healed as a normal object. A hook with
// `generateName` gets a new name per run, as Argo CD makes it:
// `<generateName>[<revision7>-]<phase>-<unix seconds>`. Every hook object carries
// `kubeterm.io/hook-of` (its file, kind, namespace, name or generateName and phase),
// so BeforeHookCreation finds and deletes the objects earlier runs made.
import { isStatusError } from '../api/errors.js';
import { clone, type Condition, type KubeObject } from '../api/meta.js';
import type { ClusterClient } from '../client/types.js';
import type { Clock } from '../util/clock.js';
import type { Desired } from './desired.js';
import { healthOf } from './health.js';
import { FIELD_MANAGER, MANAGED_BY_LABEL, MANAGED_BY_VALUE, SYNC_ANNOTATION } from './labels.js';
import type { HookPhase } from './sync-options.js';
import { groupByWave, healthVerdict, targetsOf, waitAll, type Verdict, type WaitConfig, type WaitTarget } from './waves.js';

/** Names the hook manifest (and phase) a hook object was made from. */
export const HOOK_OF_ANNOTATION = 'kubeterm.io/hook-of';

export type HookState = 'Running' | 'Succeeded' | 'Failed';

export interface HookRun {
  hook: Desired;
  phase: HookPhase;
  /** The live object's name. */
  name: string;
  state: HookState;
  message?: string;
  deleted?: boolean;
}

/** A hook object's outcome: Jobs by their Complete/Failed conditions, Pods by phase, anything else by health. */
export function hookVerdict(_t: WaitTarget, obj: KubeObject | undefined): Verdict {
  if (!obj) return { state: 'pending', message: 'not created yet' };
  if (obj.kind === 'Job') {
    const conds = (obj.status?.conditions ?? []) as Condition[];
    const failed = conds.find((c) => c.type === 'Failed' && c.status === 'True');
    if (failed) return { state: 'failed', message: [failed.reason, failed.message].filter(Boolean).join(': ') || 'Job failed' };
    if (conds.some((c) => c.type === 'Complete' && c.status === 'True')) return { state: 'done' };
    return { state: 'pending', message: `running (${obj.status?.active ?? 0} active, ${obj.status?.succeeded ?? 0} succeeded)` };
  }
  if (obj.kind === 'Pod') {
    const phase = obj.status?.phase;
    if (phase === 'Succeeded') return { state: 'done' };
    if (phase === 'Failed') return { state: 'failed', message: [obj.status?.reason, obj.status?.message].filter(Boolean).join(': ') || 'Pod failed' };
    return { state: 'pending', message: `Pod is ${phase ?? 'Pending'}` };
  }
  return healthVerdict(_t, obj);
}

const hookOfValue = (h: Desired, phase: HookPhase): string => `${h.file}#${h.kind}/${h.namespace}/${h.generateName ?? h.name}@${phase}`;

/** `PreSync hook Job "migrate-presync-1767225600" (hooks.yaml)` */
export const describeHook = (r: { hook: Desired; phase: HookPhase; name: string }): string => `${r.phase} hook ${r.hook.kind} "${r.name}" (${r.hook.file})`;

export interface HookRunnerConfig {
  client: ClusterClient;
  clock: Clock;
  syncName: string;
  timeoutMs: number;
  wait: Pick<WaitConfig, 'onPending' | 'register'>;
  /** git HEAD, for generated names. */
  revision?(): string | undefined;
}

/** Creates hook objects for a phase, waits for them, applies their delete policies. */
export class HookRunner {
  /** The runs of the last operation (for status). */
  runs: HookRun[] = [];
  private seq = 0;

  constructor(private readonly cfg: HookRunnerConfig) {}

  begin(): void {
    this.runs = [];
  }

  /** Runs these hooks of one phase and wave; resolves to a failure message naming the hook, or undefined. */
  async run(phase: HookPhase, hooks: readonly Desired[]): Promise<{ failed: HookRun; message: string } | undefined> {
    if (!hooks.length) return undefined;
    const started: HookRun[] = [];
    for (const h of [...hooks].sort((a, b) => a.order - b.order || a.key.localeCompare(b.key))) {
      const run: HookRun = { hook: h, phase, name: h.name, state: 'Running' };
      this.runs.push(run);
      try {
        if (h.hook!.deletePolicies.includes('BeforeHookCreation')) await this.deleteEarlier(h, phase);
        const obj = clone(h.obj);
        obj.metadata.name = h.generateName ? await this.generatedName(h, phase) : h.name;
        delete obj.metadata.generateName;
        obj.metadata.annotations = { ...(obj.metadata.annotations ?? {}), [HOOK_OF_ANNOTATION]: hookOfValue(h, phase) };
        run.name = obj.metadata.name;
        await this.cfg.client.apply(obj, { fieldManager: FIELD_MANAGER });
        started.push(run);
      } catch (e) {
        run.state = 'Failed';
        run.message = `could not be created: ${(e as Error).message}`;
        return { failed: run, message: `${describeHook(run)} ${run.message}` };
      }
    }
    const result = await waitAll(
      started.map((r) => ({ kind: r.hook.kind, namespace: r.hook.namespace, name: r.name })),
      {
        client: this.cfg.client,
        clock: this.cfg.clock,
        timeoutMs: this.cfg.timeoutMs,
        judge: hookVerdict,
        onPending: (t, message) => {
          const r = started.find((x) => x.name === t.name && x.hook.kind === t.kind);
          this.cfg.wait.onPending?.(t, r ? `${describeHook(r)}: ${message}` : message);
        },
        register: this.cfg.wait.register,
      },
    );
    let failure: { failed: HookRun; message: string } | undefined;
    for (const r of started) {
      if (!result.ok && result.target.name === r.name && result.target.kind === r.hook.kind) {
        r.state = 'Failed';
        r.message = result.message;
        failure = { failed: r, message: `${describeHook(r)} failed: ${result.message}` };
      } else if (result.ok) {
        r.state = 'Succeeded';
      }
    }
    for (const r of started) {
      const policies = r.hook.hook!.deletePolicies;
      if ((r.state === 'Succeeded' && policies.includes('HookSucceeded')) || (r.state === 'Failed' && policies.includes('HookFailed'))) {
        // A hook already gone is the state we want; any other failure leaves the hook object for the next pass to delete.
        await this.cfg.client.delete(r.hook.kind, r.hook.namespace, r.name, { propagationPolicy: 'Background' }).catch(() => {});
        r.deleted = true;
      }
    }
    return failure;
  }

  /** `<generateName>[<rev7>-]<phase>-<unix seconds>`, made unique and at most 63 characters. */
  private async generatedName(h: Desired, phase: HookPhase): Promise<string> {
    const rev = this.cfg.revision?.()?.slice(0, 7);
    const base = `${rev ? `${rev}-` : ''}${phase.toLowerCase()}-${Math.floor(this.cfg.clock.now() / 1000)}`;
    for (let n = 0; ; n++) {
      const suffix = n === 0 ? base : `${base}-${++this.seq}`;
      const name = `${h.generateName!.slice(0, Math.max(1, 63 - suffix.length))}${suffix}`.toLowerCase();
      // A name we cannot read is treated as free; a real clash comes back from the create as AlreadyExists.
      if (!(await this.cfg.client.get(h.kind, h.namespace, name).catch(() => undefined))) return name;
      if (n > 20) throw new Error(`no free name for generateName "${h.generateName}"`);
    }
  }

  /** BeforeHookCreation: deletes what earlier runs of this hook (this phase) made, and waits until it is gone. */
  private async deleteEarlier(h: Desired, phase: HookPhase): Promise<void> {
    const id = hookOfValue(h, phase);
    const { items } = await this.cfg.client.list(h.kind, { namespace: h.namespace, labelSelector: `${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE}` });
    const earlier = items.filter(
      (o) => o.metadata.annotations?.[SYNC_ANNOTATION] === this.cfg.syncName && (o.metadata.annotations?.[HOOK_OF_ANNOTATION] === id || (!h.generateName && o.metadata.name === h.name)),
    );
    for (const o of earlier) {
      // A hook already gone is the state we want; any other failure leaves the hook object for the next pass to delete.
      await this.cfg.client.delete(o.kind, o.metadata.namespace ?? '', o.metadata.name ?? '', { propagationPolicy: 'Background' }).catch((e) => {
        if (!isStatusError(e, 'NotFound')) throw e;
      });
    }
    // A fixed name is taken until the old object is really gone.
    if (!h.generateName && earlier.length) {
      const gone = await waitAll([{ kind: h.kind, namespace: h.namespace, name: h.name }], {
        client: this.cfg.client,
        clock: this.cfg.clock,
        timeoutMs: this.cfg.timeoutMs,
        judge: (_t, o) => (o ? { state: 'pending', message: 'waiting for the previous run to be deleted (BeforeHookCreation)' } : { state: 'done' }),
        register: this.cfg.wait.register,
      });
      if (!gone.ok) throw new Error(`the previous ${h.kind} "${h.name}" is still there: ${gone.message}`);
    }
  }
}

export interface OperationDeps {
  hooks: HookRunner;
  /** Applies these normal objects (dependency order, as every pass does). */
  apply(items: Desired[]): Promise<void>;
  /** Whether an object's apply failed in this pass (it is then not waited for). */
  applyFailed(key: string): boolean;
  /** Waits for the health of a wave's objects. */
  waitHealthy(items: Desired[], wave: number): Promise<{ target: WaitTarget; message: string } | undefined>;
}

export type OperationResult =
  | { phase: 'Succeeded' }
  | { phase: 'Failed'; message: string; file: string; object: string; doc?: number; line?: number; skippedWaves: number[] };

/**
 * One sync operation over the normal objects and hooks of the folder. The
 * caller runs the SyncFail hooks when it fails (runSyncFail).
 */
export async function runOperation(normal: readonly Desired[], hooks: readonly Desired[], deps: OperationDeps): Promise<OperationResult> {
  const inPhase = (p: HookPhase) => hooks.filter((h) => h.hook!.phases.includes(p));
  const fail = (d: Desired, message: string, skipped: number[], name = d.name): OperationResult => ({
    phase: 'Failed',
    message,
    file: d.file,
    object: `${d.kind}/${name}`,
    doc: d.loaded.doc,
    line: d.loaded.line,
    skippedWaves: skipped,
  });
  const syncHooks = inPhase('Sync');
  const waves = [...new Set([...normal, ...syncHooks].map((d) => d.wave))].sort((a, b) => a - b);
  const post = inPhase('PostSync');

  for (const [, group] of groupByWave(inPhase('PreSync'))) {
    const f = await deps.hooks.run('PreSync', group);
    if (f) return fail(f.failed.hook, `${f.message}; no wave was applied`, waves, f.failed.name);
  }
  for (let i = 0; i < waves.length; i++) {
    const w = waves[i];
    const items = normal.filter((d) => d.wave === w);
    await deps.apply(items);
    const later = waves.slice(i + 1);
    const f = await deps.hooks.run('Sync', syncHooks.filter((h) => h.wave === w));
    if (f) return fail(f.failed.hook, `${f.message}${later.length ? `; waves ${later.join(', ')} not applied` : ''}`, later, f.failed.name);
    if (!later.length && !post.length) break;
    const unhealthy = await deps.waitHealthy(
      items.filter((d) => !deps.applyFailed(d.key)),
      w,
    );
    if (unhealthy) {
      const d = items.find((x) => x.kind === unhealthy.target.kind && x.name === unhealthy.target.name && x.namespace === unhealthy.target.namespace) ?? items[0];
      const rest = later.length ? `; waves ${later.join(', ')} not applied` : '; PostSync hooks not run';
      return fail(d, `wave ${w}: ${d.kind} "${d.name}" is not healthy: ${unhealthy.message}${rest}`, later);
    }
  }
  for (const [, group] of groupByWave(post)) {
    const f = await deps.hooks.run('PostSync', group);
    if (f) return fail(f.failed.hook, f.message, [], f.failed.name);
  }
  return { phase: 'Succeeded' };
}

/** Runs the SyncFail hooks after a failed operation; returns their failure, if any. */
export async function runSyncFail(hooks: readonly Desired[], runner: HookRunner): Promise<string | undefined> {
  const failHooks = hooks.filter((h) => h.hook!.phases.includes('SyncFail'));
  for (const [, group] of groupByWave(failHooks)) {
    const f = await runner.run('SyncFail', group);
    if (f) return f.message;
  }
  return undefined;
}

/** A hook's row in the status (health of what it made). */
export function hookHealth(r: HookRun): ReturnType<typeof healthOf> {
  if (r.deleted) return { status: 'Missing', message: `deleted by its delete policy after it ${r.state === 'Succeeded' ? 'succeeded' : 'failed'}` };
  if (r.state === 'Succeeded') return { status: 'Healthy', message: `${r.phase} hook succeeded` };
  if (r.state === 'Failed') return { status: 'Degraded', message: r.message };
  return { status: 'Progressing', message: `${r.phase} hook running` };
}

export { targetsOf };
