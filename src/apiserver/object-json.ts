// The JSON text of a stored object as a request's version serves it, and of
// the PartialObjectMetadata a table row carries, each computed once per
// object version (stored objects are frozen, so their text cannot change) and
// shared by every get, list page and watch that sends it. The stored version's
// text is the same one the journal wrote (state/object-json.ts).
import { apiVersionOf } from '../api/kinds.js';
import type { KubeObject } from '../api/meta.js';
import { objectJson } from '../../state/object-json.js';
import type { ResourceRequest } from './request-info.js';
import { isConvertedVersion, outbound } from './versions.js';

/** Texts of objects converted to an older served version, per apiVersion. */
const converted = new Map<string, WeakMap<object, string>>();
const partials = new WeakMap<object, string>();

/** The object as `rr`'s version, as JSON text. */
export function servedJson(rr: ResourceRequest, obj: KubeObject): string {
  if (!isConvertedVersion(rr)) return objectJson(obj);
  const version = apiVersionOf(rr.info);
  let cache = converted.get(version);
  if (!cache) converted.set(version, (cache = new WeakMap()));
  let s = cache.get(obj);
  if (s === undefined) {
    s = JSON.stringify(outbound(rr, obj));
    if (Object.isFrozen(obj)) cache.set(obj, s);
  }
  return s;
}

/** A table row's `includeObject=Metadata` object: PartialObjectMetadata without managedFields, as JSON text. */
export function partialMetadataJson(obj: KubeObject): string {
  let s = partials.get(obj);
  if (s === undefined) {
    const { managedFields: _mf, ...metadata } = obj.metadata;
    void _mf;
    s = `{"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io/v1","metadata":${JSON.stringify(metadata)}}`;
    if (Object.isFrozen(obj)) partials.set(obj, s);
  }
  return s;
}
