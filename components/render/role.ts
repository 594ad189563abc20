// roles and clusterroles: NAME AGE, as k9s shows them (internal/render/ro.go,
// cr.go); their rules are what describe prints.
import { AGE, ageOf, NAME, name } from './common.js';
import type { Renderer } from './types.js';

function nameAge(kind: string): Renderer {
  return {
    kind,
    columns: [NAME, AGE],
    row: (obj, now) => [name(obj), ageOf(obj, now)],
    color: () => 'plain',
  };
}

export const roleRenderer: Renderer = nameAge('Role');
export const clusterRoleRenderer: Renderer = nameAge('ClusterRole');
