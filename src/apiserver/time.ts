// RFC 3339 timestamps with second precision, as metav1.Time serialises.
export function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
