// Length: apimachinery's strategicpatch merge and diff are one algorithm over the same directives; kept whole so each directive's merge and diff sit together.
// Strategic merge patch, `application/strategic-merge-patch+json`, with the
// semantics of k8s.io/apimachinery/pkg/util/strategicpatch: lists merge by
// their merge key (containers by name, ports by containerPort …), others are
// replaced; `null` deletes; directives `$patch: replace|delete`,
// `$setElementOrder/<list>`, `$retainKeys`, `$deleteFromPrimitiveList/<list>`.
// Also the two- and three-way diffs kubectl uses to build such patches.
import { deepClone, deepEqual, goFormat, goTypeName, hasOwn, isMap, jsonKind, scalarString, setKey, type JMap, type Json, type JsonKind } from './json-util.js';
import { kindPatchType, lookupField, type TypeMeta } from './schema.js';

const DIRECTIVE = '$patch';
const DELETE = 'delete';
const REPLACE = 'replace';
const MERGE = 'merge';
const RETAIN_KEYS = '$retainKeys';
const DELETE_FROM_PRIMITIVE_LIST = '$deleteFromPrimitiveList';
const SET_ELEMENT_ORDER = '$setElementOrder';

// mergepatch error values, same wording.
const errBadJSONDoc = () => new Error('invalid JSON document');
const errNoListOfLists = () => new Error('lists of lists are not supported');
const errBadPatchFormatForPrimitiveList = () => new Error('invalid patch format of primitive list');
const errBadPatchFormatForRetainKeys = () => new Error('invalid patch format of retainKeys');
const errBadPatchFormatForSetElementOrderList = () => new Error('invalid patch format of setElementOrder list');
const errPatchContentNotMatchRetainKeys = () => new Error("patch content doesn't match retainKeys list");
const errNoMergeKey = (m: unknown, k: string) => new Error(`map: ${goFormat(m)} does not contain declared merge key: ${k}`);
const errBadPatchType = (t: unknown, m: unknown) => new Error(`unknown patch type: ${goFormat(t)} in map: ${goFormat(m)}`);
const errBadArgType = (expected: string, actual: unknown) => new Error(`expected a ${expected}, but received a ${goTypeName(actual)}`);

interface MergeOptions {
  /** Server side: apply `$deleteFromPrimitiveList` and `$setElementOrder`. Client side (composing patches): carry them. */
  mergeParallelList: boolean;
  /** Server side: a null for a missing key is dropped rather than kept. */
  ignoreUnmatchedNulls: boolean;
}

interface DiffOptions {
  setElementOrder?: boolean;
  ignoreChangesAndAdditions?: boolean;
  ignoreDeletions?: boolean;
  buildRetainKeysDirective?: boolean;
}

const has = hasOwn;

function extractKey(s: string, prefix: string): string {
  const i = s.indexOf('/');
  if (i < 0 || s.slice(0, i) !== prefix) {
    if (prefix === DELETE_FROM_PRIMITIVE_LIST) throw errBadPatchFormatForPrimitiveList();
    if (prefix === SET_ELEMENT_ORDER) throw errBadPatchFormatForSetElementOrderList();
    throw new Error(`fail to find unknown prefix ${JSON.stringify(prefix)} in ${s}`);
  }
  return s.slice(i + 1);
}

/** Element kind of one or more lists: all elements must share it; lists of lists are refused. */
function sliceElementKind(...lists: Json[][]): JsonKind {
  let prev: JsonKind | undefined;
  for (const l of lists) {
    for (const v of l) {
      const k = jsonKind(v);
      if (prev === undefined) {
        prev = k;
        if (k === 'array') throw errNoListOfLists();
      } else if (prev !== k) {
        throw new Error(`list element types are not identical: ${goFormat(lists)}`);
      }
    }
  }
  if (prev === undefined) throw new Error('no elements in any of the given slices');
  return prev;
}

/** Removes members whose value is null, recursively (discardNullValuesFromPatch). */
function discardNulls(v: Json): Json {
  if (Array.isArray(v)) return v.map(discardNulls);
  if (isMap(v)) {
    const out: JMap = {};
    for (const [k, x] of Object.entries(v)) if (x !== null && x !== undefined) setKey(out, k, discardNulls(x));
    return out;
  }
  return v;
}

// ---------------------------------------------------------------- applying

function handleDirectiveInMergeMap(directive: Json, patch: JMap): JMap {
  if (directive === REPLACE) {
    // `$patch: replace` on a map: the map becomes exactly the patch.
    delete patch[DIRECTIVE];
    return patch;
  }
  if (directive === DELETE) return {};
  throw errBadPatchType(directive, patch);
}

function applyRetainKeysDirective(original: JMap, patch: JMap, opts: MergeOptions): void {
  if (!has(patch, RETAIN_KEYS)) return;
  const retain = patch[RETAIN_KEYS];
  delete patch[RETAIN_KEYS];
  if (!opts.mergeParallelList) {
    // Composing two patches: both halves must agree on the directive.
    if (has(original, RETAIN_KEYS)) {
      if (!deepEqual(original[RETAIN_KEYS], retain)) {
        throw new Error(`${goFormat(original[RETAIN_KEYS])} and ${goFormat(retain)} are not deep equal: this may happen when calculating the 3-way diff patch`);
      }
    } else original[RETAIN_KEYS] = retain;
    return;
  }
  if (!Array.isArray(retain)) throw errBadPatchFormatForRetainKeys();
  const keep = new Set(retain.map((v) => v as unknown));
  for (const [k, v] of Object.entries(patch)) {
    if (v === null || k.startsWith(DELETE_FROM_PRIMITIVE_LIST) || k.startsWith(SET_ELEMENT_ORDER)) continue;
    if (!keep.has(k)) throw errPatchContentNotMatchRetainKeys();
  }
  for (const k of Object.keys(original)) if (!keep.has(k)) delete original[k];
}

function mergeKeyValueEqual(left: Json, right: Json, mergeKey: string): boolean {
  if (!mergeKey) return left === right;
  if (!isMap(left)) throw errBadArgType('map[string]interface {}', left);
  if (!isMap(right)) throw errBadArgType('map[string]interface {}', right);
  if (!has(left, mergeKey)) throw errNoMergeKey(left, mergeKey);
  if (!has(right, mergeKey)) throw errNoMergeKey(right, mergeKey);
  return left[mergeKey] === right[mergeKey];
}

function containsDirectiveMarker(v: Json): boolean {
  return isMap(v) && has(v, DIRECTIVE);
}

function extractToDeleteItems(l: Json[]): { keep: Json[]; toDelete: Json[] } {
  const keep: Json[] = [];
  const toDelete: Json[] = [];
  for (const v of l) {
    if (!isMap(v)) throw errBadArgType('map[string]interface {}', v);
    if (has(v, DIRECTIVE) && v[DIRECTIVE] === DELETE) toDelete.push(v);
    else keep.push(v);
  }
  return { keep, toDelete };
}

/** $setElementOrder must list the patch's own items in the same relative order. */
function validatePatchWithSetOrderList(patchList: Json[], setOrderList: Json[], mergeKey: string): void {
  if (setOrderList.length === 0 || patchList.length === 0) return;
  const nonDelete = mergeKey ? extractToDeleteItems(patchList).keep : patchList;
  let p = 0;
  let s = 0;
  while (p < nonDelete.length && s < setOrderList.length) {
    if (containsDirectiveMarker(nonDelete[p])) {
      p++;
      continue;
    }
    if (mergeKeyValueEqual(nonDelete[p], setOrderList[s], mergeKey)) p++;
    s++;
  }
  if (p < nonDelete.length && s >= setOrderList.length) {
    throw new Error(`The order in patch list:\n${goFormat(patchList)}\n doesn't match ${SET_ELEMENT_ORDER} list:\n${goFormat(setOrderList)}\n`);
  }
}

function indexIn(list: Json[], item: Json, mergeKey: string, kind: JsonKind): number {
  const val = (x: Json): unknown => (kind === 'object' ? (isMap(x) ? x[mergeKey] : undefined) : x);
  const want = val(item);
  for (let i = 0; i < list.length; i++) if (val(list[i]) === want) return i;
  return -1;
}

function validateMergeKeyInLists(mergeKey: string, ...lists: Json[][]): void {
  for (const l of lists) {
    for (const item of l) {
      if (!isMap(item)) throw errBadArgType('map[string]interface {}', item);
      if (!has(item, mergeKey)) throw errNoMergeKey(item, mergeKey);
    }
  }
}

/** Sorts `toSort` by the positions its items have in `order`; `$patch: delete` items go last. */
function normalizeSliceOrder(toSort: Json[], order: Json[], mergeKey: string, kind: JsonKind): Json[] {
  let toDelete: Json[] = [];
  if (kind === 'object') {
    validateMergeKeyInLists(mergeKey, toSort, order);
    ({ keep: toSort, toDelete } = extractToDeleteItems(toSort));
  }
  const decorated = toSort.map((v, i) => ({ v, i, at: indexIn(order, v, mergeKey, kind) }));
  const found = decorated.filter((d) => d.at >= 0).sort((a, b) => a.at - b.at || a.i - b.i);
  const missing = decorated.filter((d) => d.at < 0);
  return [...found.map((d) => d.v), ...missing.map((d) => d.v), ...toDelete];
}

/**
 * Interleaves server-only items (`left`) into the patch items (`right`),
 * keeping each list's own order and using the live order to place them.
 */
function mergeSortedSlice(left: Json[], right: Json[], serverOrder: Json[], mergeKey: string, kind: JsonKind): Json[] {
  const out: Json[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (i >= left.length) out.push(right[j++]);
    else if (j >= right.length) out.push(left[i++]);
    else {
      const li = indexIn(serverOrder, left[i], mergeKey, kind);
      const ri = indexIn(serverOrder, right[j], mergeKey, kind);
      if (li >= 0 && ri >= 0 && li < ri) out.push(left[i++]);
      else out.push(right[j++]);
    }
  }
  return out;
}

function normalizeElementOrder(patch: Json[], serverOnly: Json[], patchOrder: Json[], serverOrder: Json[], mergeKey: string, kind: JsonKind): Json[] {
  const p = normalizeSliceOrder(patch, patchOrder, mergeKey, kind);
  const s = normalizeSliceOrder(serverOnly, serverOrder, mergeKey, kind);
  return mergeSortedSlice(s, p, serverOrder, mergeKey, kind);
}

function findByMergeKey(list: Json[], mergeKey: string, value: Json): number {
  for (let i = 0; i < list.length; i++) {
    const v = list[i];
    if (!isMap(v)) throw new Error(`value for key ${i} is not a map.`);
    if (has(v, mergeKey) && v[mergeKey] === value) return i;
  }
  return -1;
}

function partitionPrimitives(list: Json[], by: Json[]): { inPatch: Json[]; serverOnly: Json[] } {
  const set = new Set<unknown>(by);
  return { inPatch: list.filter((v) => set.has(v)), serverOnly: list.filter((v) => !set.has(v)) };
}

function partitionMaps(list: Json[], by: Json[], mergeKey: string): { inPatch: Json[]; serverOnly: Json[] } {
  const inPatch: Json[] = [];
  const serverOnly: Json[] = [];
  for (const v of list) {
    if (!isMap(v)) throw errBadArgType('map[string]interface {}', v);
    if (!has(v, mergeKey)) throw errNoMergeKey(v, mergeKey);
    (findByMergeKey(by, mergeKey, v[mergeKey]) >= 0 ? inPatch : serverOnly).push(v);
  }
  return { inPatch, serverOnly };
}

function mergeSliceWithSpecialElements(original: Json[], patch: Json[], mergeKey: string): { original: Json[]; patch: Json[] } {
  const plain: Json[] = [];
  let replace = false;
  for (const v of patch) {
    const m = v as JMap;
    if (!has(m, DIRECTIVE)) {
      plain.push(v);
      continue;
    }
    switch (m[DIRECTIVE]) {
      case DELETE:
        if (!has(m, mergeKey)) throw errNoMergeKey(m, mergeKey);
        original = original.filter((o) => !(isMap(o) && has(o, mergeKey) && o[mergeKey] === m[mergeKey]));
        break;
      case REPLACE:
        replace = true;
        break;
      case MERGE:
        throw new Error('merging lists cannot yet be specified in the patch');
      default:
        throw errBadPatchType(m[DIRECTIVE], m);
    }
  }
  // `{$patch: replace}` as a list element: the list becomes the other elements.
  return replace ? { original: plain, patch: [] } : { original, patch: plain };
}

function mergeSlice(original: Json[], patch: Json[], elemType: TypeMeta, mergeKey: string, opts: MergeOptions, isDeleteList: boolean): Json[] {
  if (original.length === 0 && patch.length === 0) return original;
  const kind = sliceElementKind(original, patch);
  let merged: Json[];
  let serverOrder = original;
  if (kind !== 'object') {
    if (opts.mergeParallelList && isDeleteList) {
      const del = new Set<unknown>(patch);
      return original.filter((v) => !del.has(v));
    }
    merged = dedupeScalars([...original, ...patch]);
  } else {
    if (!mergeKey) throw new Error(`cannot merge lists without merge key for ${elemType.name}`);
    ({ original, patch } = mergeSliceWithSpecialElements(original, patch, mergeKey));
    serverOrder = original;
    merged = [...original];
    for (const v of patch) {
      const m = v as JMap;
      if (!has(m, mergeKey)) throw errNoMergeKey(m, mergeKey);
      const at = findByMergeKey(merged, mergeKey, m[mergeKey]);
      if (at >= 0) merged[at] = mergeMap(merged[at] as JMap, m, elemType, opts);
      else merged.push(opts.mergeParallelList ? mergeMap({}, m, elemType, opts) : m);
    }
  }
  const { inPatch, serverOnly } = mergeKey ? partitionMaps(merged, patch, mergeKey) : partitionPrimitives(merged, patch);
  return normalizeElementOrder(inPatch, serverOnly, patch, serverOrder, mergeKey, kind);
}

/** Removes later duplicates, keeping first occurrences in place (the order is normalised afterwards). */
function dedupeScalars(l: Json[]): Json[] {
  const seen = new Set<unknown>();
  return l.filter((v) => (seen.has(v) ? false : (seen.add(v), true)));
}

function mergeSliceHandler(original: Json, patch: Json, type: TypeMeta, strategy: string | undefined, mergeKey: string, isDeleteList: boolean, opts: MergeOptions): Json[] {
  if (!Array.isArray(original)) throw errBadArgType('[]interface {}', original);
  if (!Array.isArray(patch)) throw errBadArgType('[]interface {}', patch);
  if (strategy === MERGE) return mergeSlice(original, patch, type, mergeKey, opts, isDeleteList);
  // A deletion list for an atomic list still deletes (kubeterm: CRD lists have no metadata).
  if (isDeleteList) {
    const del = new Set<unknown>(patch);
    return original.filter((v) => !del.has(v));
  }
  return opts.ignoreUnmatchedNulls ? (discardNulls(patch) as Json[]) : patch;
}

/** Handles each `$setElementOrder/<list>`: merges that list and orders it as the directive says. */
function mergePatchIntoOriginal(original: JMap, patch: JMap, t: TypeMeta, opts: MergeOptions): void {
  for (const key of Object.keys(patch)) {
    if (!key.startsWith(SET_ELEMENT_ORDER)) continue;
    const order = patch[key];
    if (!opts.mergeParallelList) {
      if (has(original, key)) {
        if (!deepEqual(original[key], order)) throw errBadPatchFormatForSetElementOrderList();
      } else setKey(original, key, order);
    }
    delete patch[key];
    if (!Array.isArray(order)) throw errBadArgType('[]interface {}', order);
    const field = extractKey(key, SET_ELEMENT_ORDER);
    const foundOriginal = has(original, field);
    const foundPatch = has(patch, field);
    const originalList = original[field];
    const patchList = patch[field];
    if (foundOriginal && !Array.isArray(originalList)) throw errBadArgType('[]interface {}', originalList);
    if (foundPatch && !Array.isArray(patchList)) throw errBadArgType('[]interface {}', patchList);
    const origL = (foundOriginal ? originalList : []) as Json[];
    const patchL = (foundPatch ? patchList : []) as Json[];
    const { meta, type } = lookupField(t, field);
    const mergeKey = meta.mergeKey ?? '';
    validatePatchWithSetOrderList(patchL, order, mergeKey);
    let merged: Json[];
    if (foundOriginal && !foundPatch) merged = origL;
    else if (!foundOriginal && foundPatch) {
      // Server side, directives inside a list that is new still apply (to nothing).
      merged = opts.mergeParallelList && meta.strategy === MERGE && patchL.length > 0 ? mergeSlice([], patchL, type, mergeKey, opts, false) : patchL;
    }
    else if (foundOriginal && foundPatch) merged = mergeSliceHandler(origL, patchL, type, meta.strategy, mergeKey, false, opts);
    else continue;
    if (origL.length === 0 && patchL.length === 0) {
      setKey(original, field, merged);
      delete patch[field];
      continue;
    }
    const { inPatch, serverOnly } = mergeKey ? partitionMaps(merged, order, mergeKey) : partitionPrimitives(merged, order);
    const kind = sliceElementKind(origL, patchL);
    setKey(original, field, normalizeElementOrder(inPatch, serverOnly, order, origL, mergeKey, kind));
    delete patch[field];
  }
}

/** A value for a key the original lacks: server side, directives in it still apply (to nothing). */
function newValue(patchV: Json, meta: ReturnType<typeof lookupField>, opts: MergeOptions): Json {
  if (!opts.mergeParallelList) return patchV;
  if (isMap(patchV)) return meta.meta.strategy === REPLACE ? discardNulls(patchV) : mergeMap({}, patchV, meta.type, opts);
  if (Array.isArray(patchV) && patchV.length > 0 && meta.meta.strategy === MERGE) {
    return mergeSlice([], patchV, meta.type, meta.meta.mergeKey ?? '', opts, false);
  }
  return opts.ignoreUnmatchedNulls ? discardNulls(patchV) : patchV;
}

function mergeMap(original: JMap | null | undefined, patch: JMap, t: TypeMeta, opts: MergeOptions): JMap {
  if (has(patch, DIRECTIVE)) return handleDirectiveInMergeMap(patch[DIRECTIVE], patch);
  const out: JMap = original ?? {};
  applyRetainKeysDirective(out, patch, opts);
  mergePatchIntoOriginal(out, patch, t, opts);
  for (const k0 of Object.keys(patch)) {
    const patchV = patch[k0];
    if (patchV === undefined) continue;
    let k = k0;
    let isDeleteList = false;
    if (k0.startsWith(DELETE_FROM_PRIMITIVE_LIST)) {
      if (!opts.mergeParallelList) {
        setKey(out, k0, patchV);
        continue;
      }
      k = extractKey(k0, DELETE_FROM_PRIMITIVE_LIST);
      isDeleteList = true;
    }
    if (patchV === null) {
      delete out[k];
      if (opts.ignoreUnmatchedNulls) continue;
    }
    const field = lookupField(t, k);
    if (!has(out, k)) {
      if (!isDeleteList) setKey(out, k, newValue(patchV, field, opts));
      continue;
    }
    const kind = jsonKind(out[k]);
    if (kind !== jsonKind(patchV)) {
      if (!isDeleteList) setKey(out, k, opts.ignoreUnmatchedNulls ? discardNulls(patchV) : patchV);
      continue;
    }
    if (kind === 'object') {
      setKey(out, k, field.meta.strategy === REPLACE ? discardNulls(patchV) : mergeMap(out[k] as JMap, patchV as JMap, field.type, opts));
    } else if (kind === 'array') {
      setKey(out, k, mergeSliceHandler(out[k], patchV, field.type, field.meta.strategy, field.meta.mergeKey ?? '', isDeleteList, opts));
    } else if (!isDeleteList) {
      setKey(out, k, patchV);
    }
  }
  return out;
}

/**
 * StrategicMergePatch(original, patch) for objects of `kind`. Neither argument
 * is modified. Throws Error with Kubernetes' wording on a malformed patch.
 */
export function strategicMergePatch(original: unknown, patch: unknown, kind: string): JMap {
  if (!isMap(patch)) throw errBadJSONDoc();
  const orig = original === undefined || original === null ? {} : original;
  if (!isMap(orig)) throw errBadJSONDoc();
  return mergeMap(deepClone(orig), deepClone(patch), kindPatchType(kind), { mergeParallelList: true, ignoreUnmatchedNulls: true });
}

// ---------------------------------------------------------------- diffing

function sortScalars(l: Json[]): Json[] {
  return [...l].sort((a, b) => {
    const x = scalarString(a);
    const y = scalarString(b);
    return x < y ? -1 : x > y ? 1 : 0;
  });
}

function diffListsOfScalars(original: Json[], modified: Json[], o: DiffOptions): { add: Json[]; del: Json[] } {
  const os = sortScalars(original);
  const ms = sortScalars(modified);
  const add: Json[] = [];
  const del: Json[] = [];
  let i = 0;
  let j = 0;
  while (i < os.length || j < ms.length) {
    const a = i < os.length ? scalarString(os[i]) : undefined;
    const b = j < ms.length ? scalarString(ms[j]) : undefined;
    if (a !== undefined && b !== undefined && a === b) {
      i++;
      j++;
    } else if (a === undefined || (b !== undefined && a > b)) {
      if (!o.ignoreChangesAndAdditions) add.push(ms[j]);
      j++;
    } else {
      if (!o.ignoreDeletions) del.push(os[i]);
      i++;
    }
  }
  return { add, del: dedupeScalars(del) };
}

function mapWithKey(list: Json[], i: number, mergeKey: string): { m: JMap; key: Json } {
  const m = list[i];
  if (!isMap(m)) throw errBadArgType('map[string]interface {}', m);
  if (!has(m, mergeKey)) throw errNoMergeKey(m, mergeKey);
  return { m, key: m[mergeKey] };
}

function sortByMergeKey(list: Json[], mergeKey: string): Json[] {
  return [...list].sort((a, b) => {
    const x = scalarString((a as JMap)?.[mergeKey]);
    const y = scalarString((b as JMap)?.[mergeKey]);
    return x < y ? -1 : x > y ? 1 : 0;
  });
}

function diffListsOfMaps(original: Json[], modified: Json[], t: TypeMeta, mergeKey: string, o: DiffOptions): { patch: Json[]; del: Json[] } {
  const patch: Json[] = [];
  const del: Json[] = [];
  const os = sortByMergeKey(original, mergeKey);
  const ms = sortByMergeKey(modified, mergeKey);
  let i = 0;
  let j = 0;
  while (i < os.length || j < ms.length) {
    const a = i < os.length ? mapWithKey(os, i, mergeKey) : undefined;
    const b = j < ms.length ? mapWithKey(ms, j, mergeKey) : undefined;
    const as = a && scalarString(a.key);
    const bs = b && scalarString(b.key);
    if (a && b && as === bs) {
      const p = diffMaps(a.m, b.m, t, o);
      if (Object.keys(p).length > 0) {
        setKey(p, mergeKey, b.key);
        patch.push(p);
      }
      i++;
      j++;
    } else if (!a || (b && as! > bs!)) {
      if (!o.ignoreChangesAndAdditions) patch.push(b!.m);
      j++;
    } else {
      if (!o.ignoreDeletions) del.push({ [mergeKey]: a.key, [DIRECTIVE]: DELETE });
      i++;
    }
  }
  return { patch, del };
}

function isOrderSame(original: Json[], modified: Json[], mergeKey: string): boolean {
  if (original.length !== modified.length) return false;
  return modified.every((m, i) => mergeKeyValueEqual(original[i], m, mergeKey));
}

function diffLists(original: Json[], modified: Json[], t: TypeMeta, mergeKey: string, o: DiffOptions): { patch: Json[]; del: Json[]; order: Json[] } {
  if (original.length === 0) {
    if (modified.length === 0 || o.ignoreChangesAndAdditions) return { patch: [], del: [], order: [] };
    return { patch: modified, del: [], order: [] };
  }
  const kind = sliceElementKind(original, modified);
  if (kind === 'object') {
    const r = diffListsOfMaps(original, modified, t, mergeKey, o);
    let patch = normalizeSliceOrder(r.patch, modified, mergeKey, kind);
    const orderSame = isOrderSame(original, modified, mergeKey);
    patch = [...patch, ...r.del];
    let order: Json[] = [];
    if (o.setElementOrder && ((!o.ignoreChangesAndAdditions && (patch.length > 0 || !orderSame)) || (!o.ignoreDeletions && patch.length > 0))) {
      order = modified.map((v) => ({ [mergeKey]: (v as JMap)[mergeKey] }));
    }
    return { patch, del: [], order };
  }
  const r = diffListsOfScalars(original, modified, o);
  const patch = normalizeSliceOrder(r.add, modified, mergeKey, kind);
  let order: Json[] = [];
  // Kubernetes compares after sorting `original` in place, so a mere reordering of a sorted set is no change.
  if (o.setElementOrder && ((!o.ignoreDeletions && r.del.length > 0) || (!o.ignoreChangesAndAdditions && !deepEqual(sortScalars(original), modified)))) {
    order = modified;
  }
  return { patch, del: r.del, order };
}

function hasAdditionalNewField(original: JMap, modified: JMap): boolean {
  return Object.entries(original).some(([k, v]) => v !== null && !has(modified, k));
}

function diffMaps(original: JMap, modified: JMap, t: TypeMeta, o: DiffOptions): JMap {
  const patch: JMap = {};
  const retainKeys: Json[] = [];
  for (const [key, mv] of Object.entries(modified)) {
    if (mv === undefined) continue;
    if (o.buildRetainKeysDirective && mv !== null) retainKeys.push(key);
    if (!has(original, key) || original[key] === undefined) {
      if (!o.ignoreChangesAndAdditions) setKey(patch, key, mv);
      continue;
    }
    const ov = original[key];
    if (key === DIRECTIVE) {
      if (typeof ov !== 'string' || typeof mv !== 'string') throw new Error(`invalid value for special key: ${DIRECTIVE}`);
      if (ov !== mv) patch[DIRECTIVE] = mv;
      continue;
    }
    if (jsonKind(ov) !== jsonKind(mv)) {
      if (!o.ignoreChangesAndAdditions) setKey(patch, key, mv);
      continue;
    }
    const { meta, type } = lookupField(t, key);
    if (isMap(ov)) {
      if (meta.strategy === REPLACE) {
        if (!o.ignoreChangesAndAdditions) setKey(patch, key, mv);
      } else {
        const p = diffMaps(ov, mv as JMap, type, { ...o, buildRetainKeysDirective: !!meta.retainKeys });
        if (Object.keys(p).length > 0) setKey(patch, key, p);
      }
    } else if (Array.isArray(ov)) {
      if (meta.strategy === MERGE) {
        const r = diffLists(ov, mv as Json[], type, meta.mergeKey ?? '', { ...o, buildRetainKeysDirective: !!meta.retainKeys });
        if (r.patch.length > 0) setKey(patch, key, r.patch);
        if (r.del.length > 0) patch[`${DELETE_FROM_PRIMITIVE_LIST}/${key}`] = r.del;
        if (r.order.length > 0) patch[`${SET_ELEMENT_ORDER}/${key}`] = r.order;
      } else if (!o.ignoreChangesAndAdditions && !deepEqual(ov, mv)) {
        setKey(patch, key, mv);
      }
    } else if (!o.ignoreChangesAndAdditions && !deepEqual(ov, mv)) {
      setKey(patch, key, mv);
    }
  }
  if (!o.ignoreDeletions) {
    for (const k of Object.keys(original)) if (original[k] !== undefined && !has(modified, k)) setKey(patch, k, null);
  }
  if (retainKeys.length > 0 && (Object.keys(patch).length > 0 || hasAdditionalNewField(original, modified))) {
    patch[RETAIN_KEYS] = sortScalars(retainKeys);
  }
  return patch;
}

function asMap(v: unknown): JMap {
  if (v === undefined || v === null) return {};
  if (!isMap(v)) throw errBadJSONDoc();
  return deepClone(v);
}

/** CreateTwoWayMergePatch: a strategic patch that turns `original` into `modified`. */
export function createTwoWayMergePatch(original: unknown, modified: unknown, kind: string): JMap {
  return diffMaps(asMap(original), asMap(modified), kindPatchType(kind), { setElementOrder: true });
}

/**
 * CreateThreeWayMergePatch (overwrite=true, as `kubectl apply` calls it): the
 * changes from `current` (live) to `modified` (the new manifest) without
 * deletions, plus the deletions from `original` (last applied) to `modified`.
 * Fields only in `current` — status, defaults, fields other writers own — are
 * left alone.
 */
export function createThreeWayMergePatch(original: unknown, modified: unknown, current: unknown, kind: string): JMap {
  const t = kindPatchType(kind);
  const mod = asMap(modified);
  const delta = diffMaps(asMap(current), mod, t, { ignoreDeletions: true, setElementOrder: true });
  const deletions = diffMaps(asMap(original), mod, t, { setElementOrder: true, ignoreChangesAndAdditions: true });
  return mergeMap(deletions, delta, t, { mergeParallelList: false, ignoreUnmatchedNulls: false });
}
