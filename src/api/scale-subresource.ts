// The scale subresource, read and written the same way for every kind that
// has one: Deployments, ReplicaSets and StatefulSets keep replicas at
// spec.replicas / status.replicas and their selector at spec.selector; a
// custom kind names its own places in its CRD (specReplicasPath,
// statusReplicasPath, labelSelectorPath: `.spec.replicas`-style paths, the
// selector there already a string), as apiextensions' scale subresource does.
import type { KindInfo } from './kinds.js';
import type { KubeObject } from './meta.js';
import { labelSelectorAsSelector } from './selectors.js';

type Obj = Record<string, unknown>;

/** `.spec.replicas` → ['spec', 'replicas']. */
function segments(path: string): string[] {
  return path.replace(/^\./, '').split('.').filter(Boolean);
}

function read(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const s of segments(path)) {
    if (!cur || typeof cur !== 'object') return undefined;
    cur = (cur as Obj)[s];
  }
  return cur;
}

/** The custom kind's scale paths, for the stored version. */
function customScale(info: KindInfo) {
  return info.custom?.versions.find((v) => v.name === info.version)?.scale ?? info.custom?.versions.find((v) => v.storage)?.scale;
}

/** True when `info` serves /scale. */
export function hasScale(info: KindInfo | undefined): boolean {
  return !!info && info.subresources.includes('scale');
}

export interface ScaleView {
  specReplicas: number;
  statusReplicas: number;
  /** The label selector as a string (`app=web`), '' when none. */
  selector: string;
}

export function readScale(info: KindInfo, obj: KubeObject): ScaleView {
  const cs = customScale(info);
  if (cs) {
    const sel = cs.labelSelectorPath ? read(obj, cs.labelSelectorPath) : undefined;
    const num = (v: unknown) => (typeof v === 'number' ? v : 0);
    return { specReplicas: num(read(obj, cs.specReplicasPath)), statusReplicas: num(read(obj, cs.statusReplicasPath)), selector: typeof sel === 'string' ? sel : '' };
  }
  let selector = '';
  try {
    selector = labelSelectorAsSelector((obj.spec as Obj | undefined)?.selector as never).toString();
  } catch {
    selector = '';
  }
  const spec = (obj.spec ?? {}) as Obj;
  const status = (obj.status ?? {}) as Obj;
  return { specReplicas: typeof spec.replicas === 'number' ? spec.replicas : 0, statusReplicas: typeof status.replicas === 'number' ? status.replicas : 0, selector };
}

/** Sets the desired replicas on a private copy of `obj`. */
export function writeSpecReplicas(info: KindInfo, obj: KubeObject, replicas: number): void {
  const path = customScale(info)?.specReplicasPath ?? '.spec.replicas';
  const segs = segments(path);
  let cur = obj as unknown as Obj;
  for (const s of segs.slice(0, -1)) {
    if (!cur[s] || typeof cur[s] !== 'object') cur[s] = {};
    cur = cur[s] as Obj;
  }
  cur[segs[segs.length - 1] ?? 'replicas'] = replicas;
}
