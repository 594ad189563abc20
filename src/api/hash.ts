// The `pod-template-hash` / `controller-revision-hash` label values, in the
// form Kubernetes' controller.ComputeHash produces: FNV-1a 32 over the pod
// template (plus the collision count as 8 little-endian bytes when set), the
// decimal digits of the sum mapped through rand.SafeEncodeString's alphabet,
// e.g. `5d59d67564`. Kubernetes hashes a Go struct dump we cannot reproduce,
// so kubeterm hashes canonical JSON (sorted keys, null/undefined dropped):
// values differ from a real cluster's, but are stable and change exactly when
// the template does.

/** rand.SafeEncodeString's alphabet: no vowels, no confusable characters. */
export const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

export function safeEncodeString(s: string): string {
  let out = '';
  for (const ch of s) out += SAFE_ALPHABET[ch.codePointAt(0)! % SAFE_ALPHABET.length];
  return out;
}

const FNV32_OFFSET = 0x811c9dc5;
const FNV32_PRIME = 0x01000193;

/** FNV-1a 32-bit over bytes, continuing from `hash` (so data can be fed in pieces). */
export function fnv1a32(bytes: Uint8Array, hash = FNV32_OFFSET): number {
  let h = hash >>> 0;
  for (const b of bytes) {
    h ^= b;
    h = Math.imul(h, FNV32_PRIME) >>> 0;
  }
  return h >>> 0;
}

/** JSON with object keys sorted at every level; null and undefined members are left out. */
export function canonicalJson(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return `[${v.map((x) => (x === undefined ? 'null' : canonicalJson(x))).join(',')}]`;
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o)
      .filter((k) => o[k] !== undefined && o[k] !== null)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

/** The raw FNV-1a 32 sum of a template (before safe encoding). */
export function templateHashSum(template: unknown, collisionCount?: number | null): number {
  let h = fnv1a32(new TextEncoder().encode(canonicalJson(template)));
  if (collisionCount !== undefined && collisionCount !== null) {
    const bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setUint32(0, collisionCount >>> 0, true);
    h = fnv1a32(bytes, h);
  }
  return h;
}

/**
 * controller.ComputeHash: the value of the `pod-template-hash` label a
 * Deployment gives its ReplicaSets. `collisionCount` is the Deployment's
 * `status.collisionCount`, bumped when a hash collides with a foreign ReplicaSet.
 */
export function podTemplateHash(template: unknown, collisionCount?: number | null): string {
  return safeEncodeString(String(templateHashSum(template, collisionCount)));
}

/** Same scheme for StatefulSet/DaemonSet ControllerRevision names and `controller-revision-hash`. */
export function controllerRevisionHash(data: unknown, collisionCount?: number | null): string {
  return podTemplateHash(data, collisionCount);
}
