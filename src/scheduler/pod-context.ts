// Everything the filter and score plugins need to know about the pod being
// scheduled, computed once per scheduling attempt (the PreFilter step).
import type { Pod, PodAffinityTerm, PreferredSchedulingTerm, Toleration, WeightedPodAffinityTerm } from '../api/types/pod.js';
import type { NodeSelectorTerm } from '../api/types/pod.js';
import { podInfoOf, type PodInfo } from './cache.js';
import type { PodVolumes } from './volume-binding.js';

export interface PodContext {
  pod: Pod;
  info: PodInfo;
  tolerations: Toleration[];
  nodeSelector: Record<string, string>;
  /** Required node affinity terms (ORed); undefined when none are required. */
  requiredNodeTerms?: NodeSelectorTerm[];
  preferredNodeTerms: PreferredSchedulingTerm[];
  affinity: PodAffinityTerm[];
  antiAffinity: PodAffinityTerm[];
  preferredAffinity: WeightedPodAffinityTerm[];
  preferredAntiAffinity: WeightedPodAffinityTerm[];
  /** Labels of a namespace, for namespaceSelector in pod affinity terms. */
  namespaceLabels: (ns: string) => Record<string, string> | undefined;
  /** The pod's claims as VolumeBinding's PreFilter found them (undefined: no claims). */
  volumes?: PodVolumes;
}

export function podContext(pod: Pod, namespaceLabels: PodContext['namespaceLabels'], priority?: number, volumes?: PodVolumes): PodContext {
  const aff = pod.spec?.affinity;
  return {
    pod,
    info: podInfoOf(pod, '', priority),
    tolerations: pod.spec?.tolerations ?? [],
    nodeSelector: pod.spec?.nodeSelector ?? {},
    requiredNodeTerms: aff?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms,
    preferredNodeTerms: aff?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? [],
    affinity: aff?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? [],
    antiAffinity: aff?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? [],
    preferredAffinity: aff?.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? [],
    preferredAntiAffinity: aff?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? [],
    namespaceLabels,
    volumes,
  };
}
