// kubectl's client-side verbs (rollout undo/restart, cordon, drain, create job
// --from) written over ClusterClient's plain reads and writes, so the remote
// client does on a real cluster exactly what kubectl does there: read the
// objects, compute with the same pure helpers the embedded engine uses
// (src/api/rollout.ts, cronjob-trigger.ts), send one patch or create.
import { badRequest, isStatusError, StatusError } from '../api/errors.js';
import { controllerRef, type KubeObject } from '../api/meta.js';
import { restartPatch, rollbackTemplate } from '../api/rollout.js';
import type { Clock } from '../util/clock.js';
import { jobFromCronJob } from './cronjob-trigger.js';
import { RESTARTABLE_KINDS } from './restart.js';
import type { ClusterClient } from './types.js';

/** What the verbs need: the client's plain calls, plus the pods/eviction subresource. */
export type VerbClient = Pick<ClusterClient, 'get' | 'list' | 'patch' | 'create' | 'delete'> & {
  /** POSTs a policy/v1 Eviction for the pod. */
  evict(namespace: string, name: string): Promise<void>;
};

function mustExist(obj: KubeObject | undefined, resource: string, name: string): KubeObject {
  if (!obj) throw new StatusError(404, 'NotFound', `${resource} "${name}" not found`, { name, kind: resource.split('.')[0] });
  return obj;
}

/** `kubectl rollout undo deployment/NAME [--to-revision=N]`: the old ReplicaSet's template as a JSON patch. */
export async function rollbackRemote(c: VerbClient, namespace: string, name: string, toRevision?: number): Promise<{ from: number; to: number }> {
  const deploy = mustExist(await c.get('Deployment', namespace, name), 'deployments.apps', name);
  const replicaSets = (await c.list('ReplicaSet', { namespace: deploy.metadata.namespace ?? namespace })).items;
  const plan = rollbackTemplate(deploy, replicaSets, toRevision || undefined);
  if (plan.skipped) throw badRequest(`skipped rollback (current template already matches revision ${plan.to})`);
  await c.patch('Deployment', namespace, name, 'json', plan.patch);
  return { from: plan.from, to: plan.to };
}

/** `kubectl rollout restart`: stamps kubectl.kubernetes.io/restartedAt with a strategic merge patch. */
export async function restartRemote(c: VerbClient, kind: string, plural: string, namespace: string, name: string, now: number): Promise<void> {
  if (!RESTARTABLE_KINDS.includes(kind)) throw badRequest(`${plural} "${name}" restarting is not supported`);
  const cur = await c.get(kind, namespace, name);
  if (!cur) throw new StatusError(404, 'NotFound', `${plural} "${name}" not found`, { name, kind: plural.split('.')[0] });
  if (kind === 'Deployment' && cur.spec?.paused) throw badRequest(`can't restart paused deployment (run rollout resume first)`);
  await c.patch(kind, namespace, name, 'strategic', restartPatch(now));
}

/** `kubectl cordon/uncordon`: spec.unschedulable true, or removed (kubectl's patch drops the false value). */
export async function cordonRemote(c: VerbClient, node: string, unschedulable: boolean): Promise<void> {
  await c.patch('Node', '', node, 'merge', { spec: { unschedulable: unschedulable ? true : null } });
}

export const MIRROR_POD_ANNOTATION = 'kubernetes.io/config.mirror';

export interface DrainRemoteOptions {
  clock: Clock;
  /** How long a pod protected by a PodDisruptionBudget (429) is retried; default 60 s, every 5 s like kubectl. */
  evictionTimeoutMs?: number;
  /** Each refused eviction that will be retried, in kubectl drain's words with the budget's cause. */
  onRetry?: (message: string) => void;
}

/**
 * Cordon, then evict every pod on the node but DaemonSet and mirror pods and
 * pods already terminating. Eviction honours PodDisruptionBudgets; a server
 * without the eviction subresource gets a graceful delete instead.
 */
export async function drainRemote(c: VerbClient, node: string, o: DrainRemoteOptions): Promise<void> {
  await cordonRemote(c, node, true);
  const pods = (await c.list('Pod', { fieldSelector: `spec.nodeName=${node}` })).items;
  for (const p of pods) {
    if (p.metadata.deletionTimestamp) continue;
    if (p.metadata.annotations?.[MIRROR_POD_ANNOTATION] !== undefined) continue;
    if (controllerRef(p)?.kind === 'DaemonSet') continue;
    await evictOne(c, p.metadata.namespace ?? 'default', p.metadata.name ?? '', o);
  }
}

async function evictOne(c: VerbClient, namespace: string, name: string, o: DrainRemoteOptions): Promise<void> {
  const deadline = o.clock.now() + (o.evictionTimeoutMs ?? 60_000);
  for (;;) {
    try {
      await c.evict(namespace, name);
      return;
    } catch (e) {
      if (!isStatusError(e)) throw e;
      if (e.code === 404 && e.details?.name === name) return; // already gone
      if (e.code === 404 || e.code === 405) {
        // The server has no pods/eviction: delete, as kubectl drain --disable-eviction does.
        await c.delete('Pod', namespace, name).catch((d) => {
          if (!isStatusError(d, 'NotFound')) throw d;
        });
        return;
      }
      // The budget that blocks is named in the Status causes (`The disruption budget web needs 2 healthy pods …`).
      const causes = (e.details?.causes ?? []).map((x) => x.message).filter(Boolean);
      const why = causes.length ? `${e.message} ${causes.join('; ')}` : e.message;
      if (e.code !== 429 || o.clock.now() >= deadline) {
        throw new Error(`error when evicting pods/"${name}" -n "${namespace}": ${why}`, { cause: e });
      }
      o.onRetry?.(`error when evicting pods/"${name}" -n "${namespace}" (will retry after 5s): ${why}`);
      await new Promise<void>((r) => o.clock.setTimeout(r, 5000));
    }
  }
}

/** `kubectl create job --from=cronjob/NAME`. */
export async function triggerCronJobRemote(c: VerbClient, namespace: string, name: string): Promise<KubeObject> {
  const cj = mustExist(await c.get('CronJob', namespace, name), 'cronjobs.batch', name);
  return c.create(jobFromCronJob(cj));
}
