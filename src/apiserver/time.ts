// RFC 3339 timestamps with second precision, as metav1.Time serialises (the shared helper in src/api).
export { rfc3339 } from '../api/time.js';
