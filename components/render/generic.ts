// Any kind without its own renderer: NAME AGE, as `kubectl get` prints unknown kinds.
import { AGE, ageOf, NAME, name } from './common.js';
import type { Renderer } from './types.js';

export function genericRenderer(kind: string): Renderer {
  return {
    kind,
    columns: [NAME, AGE],
    row: (obj, now) => [name(obj), ageOf(obj, now)],
    color: (obj) => (obj.metadata.deletionTimestamp ? 'gone' : 'plain'),
  };
}
