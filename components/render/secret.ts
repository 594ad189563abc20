// secrets: NAME TYPE DATA AGE.
import type { Secret } from '../../src/api/types/index.js';
import { AGE, ageOf, NAME, name } from './common.js';
import type { Renderer } from './types.js';

export const secretRenderer: Renderer = {
  kind: 'Secret',
  columns: [NAME, { name: 'TYPE', priority: 1 }, { name: 'DATA', priority: 0, align: 'right' }, AGE],
  row(obj, now) {
    const s = obj as Secret;
    return [name(obj), s.type ?? 'Opaque', String(Object.keys(s.data ?? {}).length), ageOf(obj, now)];
  },
  color: () => 'plain',
};
