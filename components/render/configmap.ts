// configmaps: NAME DATA AGE.
import type { ConfigMap } from '../../src/api/types/index.js';
import { AGE, ageOf, NAME, name } from './common.js';
import type { Renderer } from './types.js';

export const configMapRenderer: Renderer = {
  kind: 'ConfigMap',
  columns: [NAME, { name: 'DATA', priority: 0, align: 'right' }, AGE],
  row(obj, now) {
    const cm = obj as ConfigMap;
    return [name(obj), String(Object.keys(cm.data ?? {}).length + Object.keys(cm.binaryData ?? {}).length), ageOf(obj, now)];
  },
  color: () => 'plain',
};
