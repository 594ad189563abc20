// JSON Patch (RFC 6902), `application/json-patch+json`: add, remove, replace,
// move, copy and test over JSON Pointers (RFC 6901: `~1` is `/`, `~0` is `~`,
// `-` appends to an array). Operations apply in order to a private copy; the
// first failure aborts with a message in the style of evanphx/json-patch, the
// library the Kubernetes API server uses.
import { deepClone, deepEqual, isMap, setKey, type Json } from './json-util.js';

export interface JsonPatchOperation {
  op: 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test';
  path: string;
  from?: string;
  value?: unknown;
}

export class JsonPatchError extends Error {
  override name = 'JsonPatchError';
}

/** Splits a JSON Pointer into unescaped reference tokens. */
export function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new JsonPatchError(`JSON pointer must be empty or start with a "/": ${JSON.stringify(pointer)}`);
  return pointer
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function arrayIndex(token: string, length: number, allowEnd: boolean, op: string): number {
  if (allowEnd && token === '-') return length;
  if (!/^(0|[1-9][0-9]*)$/.test(token)) throw new JsonPatchError(`${op} operation does not apply: invalid array index: ${JSON.stringify(token)}`);
  const i = Number(token);
  if (i > length || (!allowEnd && i === length)) throw new JsonPatchError(`Unable to access invalid index: ${i}: invalid index referenced`);
  return i;
}

interface Location {
  parent: Json[] | Record<string, Json>;
  key: string;
}

/** Resolves everything but the last token; throws when an intermediate value is missing. */
function locate(doc: Json, tokens: string[], op: string, pointer: string): Location {
  let cur: Json = doc;
  for (const t of tokens.slice(0, -1)) {
    let next: Json | undefined;
    if (Array.isArray(cur)) next = /^(0|[1-9][0-9]*)$/.test(t) ? cur[Number(t)] : undefined;
    else if (isMap(cur)) next = Object.prototype.hasOwnProperty.call(cur, t) ? cur[t] : undefined;
    if (next === undefined || next === null || typeof next !== 'object') {
      throw new JsonPatchError(`${op} operation does not apply: doc is missing path: ${JSON.stringify(pointer)}: missing value`);
    }
    cur = next;
  }
  if (cur === null || typeof cur !== 'object') {
    throw new JsonPatchError(`${op} operation does not apply: doc is missing path: ${JSON.stringify(pointer)}: missing value`);
  }
  return { parent: cur as Json[] | Record<string, Json>, key: tokens[tokens.length - 1] };
}

function get(doc: Json, pointer: string, op: string, what = 'path'): Json {
  const tokens = parsePointer(pointer);
  if (tokens.length === 0) return doc;
  const missing = () => new JsonPatchError(`${op} operation does not apply: doc is missing ${what}: ${JSON.stringify(pointer)}: missing value`);
  let loc: Location;
  try {
    loc = locate(doc, tokens, op, pointer);
  } catch {
    throw missing();
  }
  if (Array.isArray(loc.parent)) {
    const i = arrayIndex(loc.key, loc.parent.length, false, op);
    return loc.parent[i];
  }
  if (!Object.prototype.hasOwnProperty.call(loc.parent, loc.key)) throw missing();
  return loc.parent[loc.key];
}

function add(doc: Json, pointer: string, value: Json, op = 'add'): Json {
  const tokens = parsePointer(pointer);
  if (tokens.length === 0) return value;
  const loc = locate(doc, tokens, op, pointer);
  if (Array.isArray(loc.parent)) loc.parent.splice(arrayIndex(loc.key, loc.parent.length, true, op), 0, value);
  else setKey(loc.parent, loc.key, value);
  return doc;
}

function remove(doc: Json, pointer: string, op = 'remove'): Json {
  const tokens = parsePointer(pointer);
  if (tokens.length === 0) throw new JsonPatchError(`${op} operation does not apply: cannot remove the document root`);
  const loc = locate(doc, tokens, op, pointer);
  if (Array.isArray(loc.parent)) loc.parent.splice(arrayIndex(loc.key, loc.parent.length, false, op), 1);
  else {
    if (!Object.prototype.hasOwnProperty.call(loc.parent, loc.key)) {
      throw new JsonPatchError(`${op} operation does not apply: doc is missing path: ${JSON.stringify(pointer)}: missing value`);
    }
    delete loc.parent[loc.key];
  }
  return doc;
}

function requireValue(o: JsonPatchOperation): Json {
  if (!('value' in o) || o.value === undefined) throw new JsonPatchError(`${o.op} operation does not apply: missing value`);
  return deepClone(o.value) as Json;
}

/** Applies RFC 6902 operations to a copy of `doc` and returns it. */
export function applyJsonPatch(doc: unknown, ops: unknown): Json {
  if (!Array.isArray(ops)) throw new JsonPatchError('a JSON patch must be a list of operations');
  let out = deepClone(doc ?? null) as Json;
  for (const raw of ops as JsonPatchOperation[]) {
    if (!isMap(raw)) throw new JsonPatchError('a JSON patch operation must be an object');
    const o = raw as JsonPatchOperation;
    if (typeof o.path !== 'string') throw new JsonPatchError(`${String(o.op)} operation does not apply: missing path`);
    switch (o.op) {
      case 'add':
        out = add(out, o.path, requireValue(o));
        break;
      case 'remove':
        out = remove(out, o.path);
        break;
      case 'replace': {
        const v = requireValue(o);
        get(out, o.path, 'replace', 'key');
        out = parsePointer(o.path).length === 0 ? v : add(remove(out, o.path, 'replace'), o.path, v, 'replace');
        break;
      }
      case 'move': {
        if (typeof o.from !== 'string') throw new JsonPatchError('move operation does not apply: missing from');
        if (o.path !== o.from && o.path.startsWith(o.from + '/')) {
          throw new JsonPatchError(`move operation does not apply: cannot move ${JSON.stringify(o.from)} into its own child ${JSON.stringify(o.path)}`);
        }
        const v = get(out, o.from, 'move', 'from path');
        if (o.path === o.from) break;
        out = add(remove(out, o.from, 'move'), o.path, v, 'move');
        break;
      }
      case 'copy': {
        if (typeof o.from !== 'string') throw new JsonPatchError('copy operation does not apply: missing from');
        const v = deepClone(get(out, o.from, 'copy', 'from path'));
        out = add(out, o.path, v, 'copy');
        break;
      }
      case 'test': {
        let actual: Json | undefined;
        try {
          actual = get(out, o.path, 'test');
        } catch {
          actual = undefined;
        }
        const expected = 'value' in o ? (o.value as Json) : undefined;
        if (actual === undefined ? expected !== undefined && expected !== null : !deepEqual(actual, expected)) {
          throw new JsonPatchError(`testing value ${o.path} failed: test failed`);
        }
        break;
      }
      default:
        throw new JsonPatchError(`Unexpected kind: ${String((o as { op: unknown }).op)}`);
    }
  }
  return out;
}
