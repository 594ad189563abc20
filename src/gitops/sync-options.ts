// The annotations other GitOps tools put on manifests, read as those tools read
// them, so a folder written for Argo CD or Flux behaves here as it does there:
//
//   argocd.argoproj.io/sync-wave: "-1"        apply order within a sync (kubeterm.io/sync-wave is a twin;
//                                             helm.sh/hook-weight counts when neither is set), default 0
//   argocd.argoproj.io/hook: PreSync,PostSync a hook: run at those phases instead of being applied (Skip: never applied)
//   argocd.argoproj.io/hook-delete-policy     HookSucceeded | HookFailed | BeforeHookCreation (the default)
//   helm.sh/hook: pre-install,post-upgrade     read as Argo CD reads it (see HELM_HOOKS)
//   helm.sh/hook-delete-policy                 before-hook-creation | hook-succeeded | hook-failed
//   argocd.argoproj.io/sync-options: Prune=false,...   Prune=false/confirm honoured, the rest read and ignored
//   kustomize.toolkit.fluxcd.io/prune: disabled        never pruned
//   kustomize.toolkit.fluxcd.io/reconcile: disabled    once the live object says so, never applied again, never pruned
//
// Pure: annotations in, decisions (or problems, for the loader) out.
import { PRUNE_ANNOTATION } from './labels.js';

export const ARGO_WAVE = 'argocd.argoproj.io/sync-wave';
export const KUBETERM_WAVE = 'kubeterm.io/sync-wave';
export const ARGO_HOOK = 'argocd.argoproj.io/hook';
export const ARGO_HOOK_DELETE_POLICY = 'argocd.argoproj.io/hook-delete-policy';
export const HELM_HOOK = 'helm.sh/hook';
export const HELM_HOOK_WEIGHT = 'helm.sh/hook-weight';
export const HELM_HOOK_DELETE_POLICY = 'helm.sh/hook-delete-policy';
export const ARGO_SYNC_OPTIONS = 'argocd.argoproj.io/sync-options';
export const FLUX_PRUNE = 'kustomize.toolkit.fluxcd.io/prune';
export const FLUX_RECONCILE = 'kustomize.toolkit.fluxcd.io/reconcile';
export const FLUX_DISABLED = 'disabled';

export type HookPhase = 'PreSync' | 'Sync' | 'PostSync' | 'SyncFail';
export type HookDeletePolicy = 'HookSucceeded' | 'HookFailed' | 'BeforeHookCreation';
export const HOOK_PHASES: readonly HookPhase[] = ['PreSync', 'Sync', 'PostSync', 'SyncFail'];
const DELETE_POLICIES: readonly HookDeletePolicy[] = ['HookSucceeded', 'HookFailed', 'BeforeHookCreation'];

/** Helm hooks as Argo CD maps them (gitops-engine pkg/sync/hook/helm); the others have no Argo CD equivalent and are never run. */
const HELM_HOOKS: Record<string, HookPhase> = {
  'crd-install': 'PreSync',
  'pre-install': 'PreSync',
  'pre-upgrade': 'PreSync',
  'post-install': 'PostSync',
  'post-upgrade': 'PostSync',
};
const HELM_DELETE_POLICIES: Record<string, HookDeletePolicy> = {
  'before-hook-creation': 'BeforeHookCreation',
  'hook-succeeded': 'HookSucceeded',
  'hook-failed': 'HookFailed',
};

/** Argo CD sync options kubeterm reads but does not act on (listed in the README). */
export const IGNORED_SYNC_OPTIONS = [
  'Validate',
  'SkipDryRunOnMissingResource',
  'ServerSideApply',
  'Replace',
  'Force',
  'PruneLast',
  'ApplyOutOfSyncOnly',
  'CreateNamespace',
  'PrunePropagationPolicy',
  'RespectIgnoreDifferences',
  'Delete',
  'FailOnSharedResource',
] as const;

type Annotations = Record<string, string> | undefined;

/** `a, b ,c` → ['a','b','c'] (Argo CD's GetAnnotationCSVs). */
export const csv = (v: unknown): string[] =>
  (typeof v === 'string' ? v : '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

const INT = /^[+-]?\d+$/;

/** The sync wave: argocd.argoproj.io/sync-wave, else kubeterm.io/sync-wave, else helm.sh/hook-weight, else 0. */
export function waveOf(a: Annotations): number {
  for (const key of [ARGO_WAVE, KUBETERM_WAVE, HELM_HOOK_WEIGHT]) {
    const v = a?.[key];
    if (typeof v === 'string' && INT.test(v.trim())) return Number.parseInt(v.trim(), 10);
  }
  return 0;
}

export interface HookSpec {
  /** Phases it runs in; empty for a hook that never runs (Skip, or a Helm hook with no Argo CD equivalent). */
  phases: HookPhase[];
  deletePolicies: HookDeletePolicy[];
  /** Where it came from, for messages: `argocd.argoproj.io/hook: PreSync`. */
  source: string;
}

/** The hook an object is, or undefined for a normal object. Argo CD annotations win over Helm's. */
export function hookOf(a: Annotations): HookSpec | undefined {
  const argo = a?.[ARGO_HOOK];
  const helm = a?.[HELM_HOOK];
  if (argo === undefined && helm === undefined) return undefined;
  let phases: HookPhase[];
  let source: string;
  if (argo !== undefined && csv(argo).length) {
    phases = csv(argo).filter((t): t is HookPhase => (HOOK_PHASES as readonly string[]).includes(t));
    source = `${ARGO_HOOK}: ${argo}`;
  } else if (helm !== undefined) {
    phases = [...new Set(csv(helm).flatMap((t) => (HELM_HOOKS[t] ? [HELM_HOOKS[t]] : [])))];
    source = `${HELM_HOOK}: ${helm}`;
  } else {
    return undefined;
  }
  let deletePolicies: HookDeletePolicy[];
  if (a?.[ARGO_HOOK_DELETE_POLICY] !== undefined) {
    deletePolicies = csv(a[ARGO_HOOK_DELETE_POLICY]).filter((p): p is HookDeletePolicy => (DELETE_POLICIES as readonly string[]).includes(p));
  } else {
    deletePolicies = csv(a?.[HELM_HOOK_DELETE_POLICY]).flatMap((p) => (HELM_DELETE_POLICIES[p] ? [HELM_DELETE_POLICIES[p]] : []));
  }
  // Argo CD: with no deletion policy, BeforeHookCreation is assumed.
  if (!deletePolicies.length) deletePolicies = ['BeforeHookCreation'];
  return { phases: [...new Set(phases)], deletePolicies: [...new Set(deletePolicies)], source };
}

export const isHook = (a: Annotations): boolean => hookOf(a) !== undefined;

export interface SyncOptions {
  /** Prune=false / Prune=confirm. */
  prune?: 'false' | 'confirm';
  /** Options present but not acted on (Validate=false, ServerSideApply=true, ...). */
  ignored: string[];
}

/** argocd.argoproj.io/sync-options: `Prune=false,Validate=false` (comma-separated `Name=value`). */
export function syncOptionsOf(a: Annotations): SyncOptions {
  const out: SyncOptions = { ignored: [] };
  for (const opt of csv(a?.[ARGO_SYNC_OPTIONS])) {
    const [name, value = ''] = opt.split('=', 2).map((s) => s.trim());
    if (name === 'Prune' && (value === 'false' || value === 'confirm')) out.prune = value;
    else out.ignored.push(opt);
  }
  return out;
}

/** Why an object must never be pruned (its live annotations), or undefined. */
export function pruneOptOut(a: Annotations): string | undefined {
  if (a?.[PRUNE_ANNOTATION] === 'false') return `kept: annotated ${PRUNE_ANNOTATION}: "false"`;
  if (a?.[FLUX_PRUNE] === FLUX_DISABLED) return `kept: annotated ${FLUX_PRUNE}: ${FLUX_DISABLED}`;
  if (a?.[FLUX_RECONCILE] === FLUX_DISABLED) return `kept: annotated ${FLUX_RECONCILE}: ${FLUX_DISABLED}`;
  const prune = syncOptionsOf(a).prune;
  if (prune === 'false') return `kept: annotated ${ARGO_SYNC_OPTIONS}: Prune=false`;
  if (prune === 'confirm') return `kept: annotated ${ARGO_SYNC_OPTIONS}: Prune=confirm (kubeterm has no confirmation step; delete it by hand)`;
  return undefined;
}

/**
 * Flux's `kustomize.toolkit.fluxcd.io/reconcile: disabled`, as kustomize-controller
 * reads it: the in-cluster object's annotation decides. A missing object is
 * created (and then carries the annotation); an object whose live copy says
 * `disabled` is never applied again until the manifest says `enabled` or the
 * annotation is removed from the live object.
 */
export function reconcileDisabled(desired: Annotations, live: Annotations): boolean {
  return live?.[FLUX_RECONCILE] === FLUX_DISABLED && desired?.[FLUX_RECONCILE] !== 'enabled';
}

export interface AnnotationProblem {
  field: string;
  message: string;
}

/** Problems the loader reports with the object's other errors: a wave that is not an integer, an unknown hook or policy. */
export function annotationProblems(a: Annotations): AnnotationProblem[] {
  const out: AnnotationProblem[] = [];
  if (!a) return out;
  for (const key of [ARGO_WAVE, KUBETERM_WAVE, HELM_HOOK_WEIGHT]) {
    const v = a[key];
    if (typeof v === 'string' && !INT.test(v.trim())) out.push({ field: `metadata.annotations.${key}`, message: `Invalid value: "${v}": a sync wave must be an integer` });
  }
  if (a[ARGO_HOOK] !== undefined) {
    const bad = csv(a[ARGO_HOOK]).filter((t) => t !== 'Skip' && !(HOOK_PHASES as readonly string[]).includes(t));
    if (bad.length) out.push({ field: `metadata.annotations.${ARGO_HOOK}`, message: `Unsupported value: "${bad.join(',')}": supported values: "PreSync", "Sync", "PostSync", "SyncFail", "Skip"` });
  }
  if (a[ARGO_HOOK_DELETE_POLICY] !== undefined) {
    const bad = csv(a[ARGO_HOOK_DELETE_POLICY]).filter((p) => !(DELETE_POLICIES as readonly string[]).includes(p));
    if (bad.length) out.push({ field: `metadata.annotations.${ARGO_HOOK_DELETE_POLICY}`, message: `Unsupported value: "${bad.join(',')}": supported values: "HookSucceeded", "HookFailed", "BeforeHookCreation"` });
  }
  return out;
}
