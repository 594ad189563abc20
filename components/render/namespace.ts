// namespaces: NAME STATUS AGE.
import type { Namespace } from '../../src/api/types/index.js';
import { AGE, ageOf, NAME, name } from './common.js';
import type { Renderer } from './types.js';

export const namespaceRenderer: Renderer = {
  kind: 'Namespace',
  columns: [NAME, { name: 'STATUS', priority: 0, status: true }, AGE],
  row: (obj, now) => [name(obj), (obj as Namespace).status?.phase ?? 'Active', ageOf(obj, now)],
  color: (obj) => ((obj as Namespace).status?.phase === 'Terminating' ? 'gone' : 'ok'),
};
