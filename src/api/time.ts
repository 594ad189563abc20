// metav1.Time's JSON: RFC 3339 with second precision, UTC (`2026-12-07T17:47:47Z`).
// One helper for every layer: src/api is the bottom, so controllers, the API
// server and the kubelet can all use it.
export function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
