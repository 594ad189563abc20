// rolebindings and clusterrolebindings: NAME ROLE KIND SUBJECTS AGE. As k9s
// (internal/render/rb.go, crb.go): ROLE is the roleRef's name, KIND the
// subjects' kind in k9s' words (User, Group, SvcAcct; n/a without subjects),
// SUBJECTS their names joined by commas. Where the subjects are of several
// kinds, KIND lists each once (k9s shows only the last one's).
import type { ClusterRoleBinding, RoleBinding, Subject } from '../../src/api/types/index.js';
import { AGE, ageOf, NAME, name } from './common.js';
import type { Column, Renderer } from './types.js';

/** k9s' NAValue. */
const NA = 'n/a';

/** k9s' toSubjectAlias. */
export function subjectKindAlias(kind: string): string {
  switch (kind) {
    case 'User':
      return 'User';
    case 'Group':
      return 'Group';
    case 'ServiceAccount':
      return 'SvcAcct';
    default:
      return kind.toUpperCase();
  }
}

/** The KIND and SUBJECTS cells of a binding's subjects. */
export function subjectCells(subjects: readonly Subject[] | undefined): [kind: string, names: string] {
  if (!subjects?.length) return [NA, ''];
  const kinds = [...new Set(subjects.map((s) => subjectKindAlias(s.kind ?? '')))];
  return [kinds.join(','), subjects.map((s) => s.name).join(',')];
}

const columns: Column[] = [
  NAME,
  { name: 'ROLE', priority: 0 },
  { name: 'KIND', priority: 1 },
  // Many subjects make a long cell: it is cut to fit before anything else.
  { name: 'SUBJECTS', priority: 0, flex: true },
  AGE,
];

function bindingRenderer(kind: string): Renderer {
  return {
    kind,
    columns,
    row(obj, now) {
      const b = obj as RoleBinding | ClusterRoleBinding;
      const [k, names] = subjectCells(b.subjects);
      return [name(obj), b.roleRef?.name ?? '', k, names, ageOf(obj, now)];
    },
    color: () => 'plain',
  };
}

export const roleBindingRenderer: Renderer = bindingRenderer('RoleBinding');
export const clusterRoleBindingRenderer: Renderer = bindingRenderer('ClusterRoleBinding');
