// The per-version JSON text cache lives with the API types (src/api may not
// import state/), so the store, the journal, the API server and the API's
// read-modify-write all share one text per stored object version.
export { objectJson } from '../src/api/object-json.js';
