// Tables for rbac.authorization.k8s.io. Roles and ClusterRoles have no
// printer in kube-apiserver: they get the default table convertor's NAME and
// CREATED AT (RFC 3339). Bindings print their role as Kind/name, and -o wide
// adds the subjects by kind (pkg/printers/internalversion printRoleBinding,
// rbac.SubjectsStrings).
import { rfc3339 } from '../time.js';
import type { KubeObject } from '../../api/meta.js';
import { AGE_COLUMN, NAME_COLUMN, age, col, type Printer } from './common.js';

const CREATED_AT = col('Created At', 'CreationTimestamp is a timestamp representing the server time when this object was created.', { type: 'date' });

/** metav1.Time in RFC 3339 at second precision, UTC, as the default table convertor prints it. */
function createdAt(obj: KubeObject): string {
  const ts = obj.metadata.creationTimestamp;
  const t = ts ? Date.parse(ts) : NaN;
  // A zero time prints as Go's zero time.
  return Number.isFinite(t) ? rfc3339(t) : '0001-01-01T00:00:00Z';
}

const rolePrinter: Printer = {
  columns: [NAME_COLUMN, CREATED_AT],
  cells: (r) => [r.metadata.name ?? '', createdAt(r)],
};

export const roleTablePrinter = rolePrinter;
export const clusterRoleTablePrinter = rolePrinter;

interface SubjectLike {
  kind?: string;
  name?: string;
  namespace?: string;
}

/** rbac.SubjectsStrings: users, groups, `namespace/name` ServiceAccounts. */
export function subjectsStrings(subjects: unknown): { users: string[]; groups: string[]; serviceAccounts: string[]; others: string[] } {
  const out = { users: [] as string[], groups: [] as string[], serviceAccounts: [] as string[], others: [] as string[] };
  for (const s of (Array.isArray(subjects) ? subjects : []) as SubjectLike[]) {
    const name = s?.name ?? '';
    const ns = s?.namespace ?? '';
    switch (s?.kind) {
      case 'ServiceAccount':
        out.serviceAccounts.push(`${ns}/${name}`);
        break;
      case 'User':
        out.users.push(name);
        break;
      case 'Group':
        out.groups.push(name);
        break;
      default:
        out.others.push(`${s?.kind ?? ''}/${ns}/${name}`);
    }
  }
  return out;
}

function bindingPrinter(roleDoc: string, what: string): Printer {
  return {
    columns: [
      NAME_COLUMN,
      col('Role', roleDoc),
      AGE_COLUMN,
      col('Users', `Users in the ${what}`, { priority: 1 }),
      col('Groups', `Groups in the ${what}`, { priority: 1 }),
      col('ServiceAccounts', `ServiceAccounts in the ${what}`, { priority: 1 }),
    ],
    cells(b, now) {
      const ref = (b.roleRef ?? {}) as { kind?: string; name?: string };
      const s = subjectsStrings(b.subjects);
      return [b.metadata.name ?? '', `${ref.kind ?? ''}/${ref.name ?? ''}`, age(b, now), s.users.join(', '), s.groups.join(', '), s.serviceAccounts.join(', ')];
    },
  };
}

export const roleBindingPrinter = bindingPrinter(
  'RoleRef can reference a Role in the current namespace or a ClusterRole in the global namespace. If the RoleRef cannot be resolved, the Authorizer must return an error.',
  'roleBinding',
);

export const clusterRoleBindingPrinter = bindingPrinter(
  'RoleRef can only reference a ClusterRole in the global namespace. If the RoleRef cannot be resolved, the Authorizer must return an error.',
  'clusterRoleBinding',
);
