// JSON Merge Patch (RFC 7386), `application/merge-patch+json`: objects merge
// recursively, null removes a member, anything else (arrays included)
// replaces. Also the inverse, used by tests and for kinds without strategic
// merge metadata.
import { deepEqual, hasOwn, isMap, setKey, type JMap, type Json } from './json-util.js';

/** MergePatch(target, patch) from RFC 7386 §2. Does not modify its arguments. */
export function mergePatch(target: unknown, patch: unknown): Json {
  if (!isMap(patch)) return cloneJson(patch);
  const result: JMap = isMap(target) ? { ...(target as JMap) } : {};
  for (const [name, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    if (value === null) delete result[name];
    else setKey(result, name, mergePatch(hasOwn(result, name) ? result[name] : undefined, value));
  }
  return result;
}

/** A merge patch that turns `original` into `modified` (which must not contain null members). */
export function createMergePatch(original: unknown, modified: unknown): Json {
  if (!isMap(original) || !isMap(modified)) return cloneJson(modified);
  const patch: JMap = {};
  for (const [k, v] of Object.entries(modified)) {
    if (v === undefined) continue;
    if (!hasOwn(original, k)) setKey(patch, k, cloneJson(v));
    else if (!deepEqual(original[k], v)) {
      setKey(patch, k, isMap(original[k]) && isMap(v) ? createMergePatch(original[k], v) : cloneJson(v));
    }
  }
  for (const k of Object.keys(original)) if (!hasOwn(modified, k) && original[k] !== undefined) setKey(patch, k, null);
  return patch;
}

function cloneJson(v: unknown): Json {
  return v === undefined ? null : (JSON.parse(JSON.stringify(v)) as Json);
}
