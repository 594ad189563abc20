// rbac.authorization.k8s.io validation and defaulting, table-driven, in
// kube-apiserver's words (pkg/apis/rbac/validation), plus the API door: a
// whole Invalid message, roleRef immutability and unknown verbs stored as sent.
import { describe, expect, it } from 'vitest';
import { Api } from '../../src/api/api.js';
import { applyDefaults } from '../../src/api/defaults.js';
import { formatFieldError } from '../../src/api/errors.js';
import { kindInfo } from '../../src/api/kinds.js';
import { clone, type KubeObject } from '../../src/api/meta.js';
import { validateObject } from '../../src/api/validation/index.js';
import { MemoryStore } from '../../state/store.js';

const RBAC = 'rbac.authorization.k8s.io';
const V1 = `${RBAC}/v1`;

function prepared(o: object): KubeObject {
  const obj = clone(o as KubeObject);
  if (kindInfo(obj.kind)?.namespaced) obj.metadata.namespace ||= 'default';
  return applyDefaults(obj);
}
const msgs = (o: object, old?: object) => validateObject(prepared(o), old ? prepared(old) : undefined).map(formatFieldError);

const role = (rules: unknown[], name = 'reader') => ({ apiVersion: V1, kind: 'Role', metadata: { name, namespace: 'team' }, rules });
const clusterRole = (extra: object = {}, name = 'reader') => ({ apiVersion: V1, kind: 'ClusterRole', metadata: { name }, rules: [], ...extra });
const ref = (kind = 'Role', name = 'reader', apiGroup: string | undefined = RBAC) => ({ ...(apiGroup !== undefined ? { apiGroup } : {}), kind, name });
const rb = (subjects: unknown[], roleRef: object = ref(), name = 'read') => ({ apiVersion: V1, kind: 'RoleBinding', metadata: { name, namespace: 'team' }, roleRef, subjects });
const crb = (subjects: unknown[], roleRef: object = ref('ClusterRole'), name = 'read') => ({ apiVersion: V1, kind: 'ClusterRoleBinding', metadata: { name }, roleRef, subjects });

describe('Role and ClusterRole rules', () => {
  it.each<[string, object, string[]]>([
    ['a rule for pods', role([{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] }]), []],
    ['unknown verbs and resources are stored as written', role([{ apiGroups: ['x.io'], resources: ['gizmos'], verbs: ['frobnicate'] }]), []],
    ['no verbs', role([{ apiGroups: [''], resources: ['pods'] }]), ['rules[0].verbs: Required value: verbs must contain at least one value']],
    ['empty verbs', role([{ apiGroups: [''], resources: ['pods'], verbs: [] }]), ['rules[0].verbs: Required value: verbs must contain at least one value']],
    [
      'no api group, no resources',
      role([{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }, { verbs: ['get'] }]),
      ['rules[1].apiGroups: Required value: resource rules must supply at least one api group', 'rules[1].resources: Required value: resource rules must supply at least one resource'],
    ],
    [
      'non-resource URLs in a namespaced Role',
      role([{ nonResourceURLs: ['/healthz'], verbs: ['get'] }]),
      ['rules[0].nonResourceURLs: Invalid value: []string{"/healthz"}: namespaced rules cannot apply to non-resource URLs'],
    ],
    ['non-resource URLs in a ClusterRole', clusterRole({ rules: [{ nonResourceURLs: ['/healthz', '/metrics'], verbs: ['get'] }] }), []],
    [
      'both resources and non-resource URLs',
      clusterRole({ rules: [{ nonResourceURLs: ['/healthz'], apiGroups: [''], resources: ['pods'], verbs: ['get'] }] }),
      ['rules[0].nonResourceURLs: Invalid value: []string{"/healthz"}: rules cannot apply to both regular resources and non-resource URLs'],
    ],
    ['resourceNames with several resources (allowed since 1.8)', role([{ apiGroups: [''], resources: ['pods', 'secrets'], resourceNames: ['a'], verbs: ['get'] }]), []],
    ['a name with a colon, as system: roles have', clusterRole({}, 'system:aggregate-to-view'), []],
    ['a name with a slash', clusterRole({}, 'a/b'), ['metadata.name: Invalid value: "a/b": may not contain \'/\'']],
    ['the name ..', role([], '..'), ['metadata.name: Invalid value: "..": may not be \'..\'']],
    ['a name with % and /', role([], 'a%/b'), ['metadata.name: Invalid value: "a%/b": may not contain \'/\'', 'metadata.name: Invalid value: "a%/b": may not contain \'%\'']],
  ])('%s', (_what, obj, want) => {
    expect(msgs(obj)).toEqual(want);
  });
});

describe('ClusterRole aggregationRule', () => {
  it.each<[string, object, string[]]>([
    ['a label selector', clusterRole({ aggregationRule: { clusterRoleSelectors: [{ matchLabels: { 'example.com/aggregate-to-x': 'true' } }] } }), []],
    ['no selectors', clusterRole({ aggregationRule: {} }), ['aggregationRule.clusterRoleSelectors: Required value: at least one clusterRoleSelector required if aggregationRule is non-nil']],
    ['an empty selector list', clusterRole({ aggregationRule: { clusterRoleSelectors: [] } }), ['aggregationRule.clusterRoleSelectors: Required value: at least one clusterRoleSelector required if aggregationRule is non-nil']],
    [
      'a bad operator',
      clusterRole({ aggregationRule: { clusterRoleSelectors: [{ matchExpressions: [{ key: 'a', operator: 'Near' }] }] } }),
      ['aggregationRule.clusterRoleSelectors[0].matchExpressions[0].operator: Invalid value: "Near": not a valid selector operator'],
    ],
  ])('%s', (_what, obj, want) => {
    expect(msgs(obj)).toEqual(want);
  });
});

describe('RoleBinding and ClusterRoleBinding', () => {
  const user = { kind: 'User', apiGroup: RBAC, name: 'jane' };
  it.each<[string, object, string[]]>([
    ['a user, a group and a ServiceAccount', rb([user, { kind: 'Group', apiGroup: RBAC, name: 'devs' }, { kind: 'ServiceAccount', name: 'builder' }]), []],
    ['a ClusterRole from a RoleBinding', rb([user], ref('ClusterRole', 'view')), []],
    ['subject and roleRef api groups are defaulted', rb([{ kind: 'User', name: 'jane' }, { kind: 'Group', name: 'devs' }], ref('Role', 'reader', undefined)), []],
    ['no subjects at all', rb([]), []],
    ['roleRef kind', rb([user], ref('Deployment')), ['roleRef.kind: Unsupported value: "Deployment": supported values: "Role", "ClusterRole"']],
    ['roleRef kind in a ClusterRoleBinding', crb([user], ref('Role')), ['roleRef.kind: Unsupported value: "Role": supported values: "ClusterRole"']],
    ['roleRef apiGroup', rb([user], ref('Role', 'reader', 'rbac.example.com')), ['roleRef.apiGroup: Unsupported value: "rbac.example.com": supported values: "rbac.authorization.k8s.io"']],
    ['roleRef name missing', rb([user], ref('Role', '')), ['roleRef.name: Required value']],
    ['roleRef name with a slash', rb([user], ref('Role', 'a/b')), ['roleRef.name: Invalid value: "a/b": may not contain \'/\'']],
    ['a subject without a name', rb([{ kind: 'User', apiGroup: RBAC }]), ['subjects[0].name: Required value']],
    ['an unknown subject kind', rb([{ kind: 'Robot', name: 'r2' }]), ['subjects[0].kind: Unsupported value: "Robot": supported values: "ServiceAccount", "User", "Group"']],
    ['a User in the core group', rb([{ kind: 'User', apiGroup: 'v1', name: 'jane' }]), ['subjects[0].apiGroup: Unsupported value: "v1": supported values: "rbac.authorization.k8s.io"']],
    ['a ServiceAccount in the RBAC group', rb([{ kind: 'ServiceAccount', apiGroup: RBAC, name: 'builder' }]), ['subjects[0].apiGroup: Unsupported value: "rbac.authorization.k8s.io": supported values: ""']],
    [
      'a ServiceAccount with an invalid name',
      rb([{ kind: 'ServiceAccount', name: 'Builder' }]),
      [
        "subjects[0].name: Invalid value: \"Builder\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
      ],
    ],
    ['a ServiceAccount without a namespace in a ClusterRoleBinding', crb([{ kind: 'ServiceAccount', name: 'builder' }]), ['subjects[0].namespace: Required value']],
    ['a ServiceAccount with a namespace in a ClusterRoleBinding', crb([{ kind: 'ServiceAccount', name: 'builder', namespace: 'ci' }]), []],
  ])('%s', (_what, obj, want) => {
    expect(msgs(obj)).toEqual(want);
  });

  it('defaults roleRef.apiGroup and User/Group subject groups, and leaves a ServiceAccount in the core group', () => {
    const d = prepared(rb([{ kind: 'User', name: 'jane' }, { kind: 'Group', name: 'devs' }, { kind: 'ServiceAccount', name: 'builder', apiGroup: '' }], ref('Role', 'reader', undefined)));
    expect(d.roleRef).toEqual({ apiGroup: RBAC, kind: 'Role', name: 'reader' });
    expect(d.subjects).toEqual([
      { kind: 'User', name: 'jane', apiGroup: RBAC },
      { kind: 'Group', name: 'devs', apiGroup: RBAC },
      { kind: 'ServiceAccount', name: 'builder' },
    ]);
    expect(prepared(d)).toEqual(d); // idempotent
  });

  it.each<[string, object, object, string[]]>([
    ['the same roleRef', rb([{ kind: 'User', name: 'jane' }]), rb([{ kind: 'User', name: 'bob' }]), []],
    [
      'another role name',
      rb([], ref('Role', 'writer')),
      rb([], ref('Role', 'reader')),
      ['roleRef: Invalid value: rbac.RoleRef{APIGroup:"rbac.authorization.k8s.io", Kind:"Role", Name:"writer"}: cannot change roleRef'],
    ],
    [
      'another kind, in a ClusterRoleBinding',
      crb([], ref('ClusterRole', 'edit')),
      crb([], ref('ClusterRole', 'view')),
      ['roleRef: Invalid value: rbac.RoleRef{APIGroup:"rbac.authorization.k8s.io", Kind:"ClusterRole", Name:"edit"}: cannot change roleRef'],
    ],
  ])('update: %s', (_what, next, old, want) => {
    expect(msgs(next, old)).toEqual(want);
  });
});

describe('through the Api door', () => {
  const newApi = async () => {
    const api = new Api({ store: new MemoryStore() });
    await api.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } } as KubeObject);
    return api;
  };

  it('refuses a rule without verbs with the whole kube-apiserver message', async () => {
    const api = await newApi();
    await expect(api.create(role([{ apiGroups: [''], resources: ['pods'] }]) as unknown as KubeObject)).rejects.toThrow(
      'Role.rbac.authorization.k8s.io "reader" is invalid: rules[0].verbs: Required value: verbs must contain at least one value',
    );
  });

  it('stores unknown verbs and resources as sent', async () => {
    const api = await newApi();
    const rules = [{ apiGroups: ['gizmo.example.com'], resources: ['gizmos/frob'], verbs: ['frobnicate', 'get'], resourceNames: ['one'] }];
    await api.create(role(rules) as unknown as KubeObject);
    expect(api.get('Role', 'team', 'reader')?.rules).toEqual(rules);
  });

  it('refuses to change a binding roleRef, and allows changing its subjects', async () => {
    const api = await newApi();
    await api.create(rb([{ kind: 'User', name: 'jane' }]) as unknown as KubeObject);
    const cur = api.get('RoleBinding', 'team', 'read')!;
    await expect(api.update({ ...clone(cur), roleRef: ref('ClusterRole', 'admin') })).rejects.toThrow(
      'RoleBinding.rbac.authorization.k8s.io "read" is invalid: roleRef: Invalid value: rbac.RoleRef{APIGroup:"rbac.authorization.k8s.io", Kind:"ClusterRole", Name:"admin"}: cannot change roleRef',
    );
    const next = await api.update({ ...clone(cur), subjects: [{ kind: 'Group', name: 'devs' }] });
    expect(next.subjects).toEqual([{ kind: 'Group', name: 'devs', apiGroup: RBAC }]);
  });

  it('drops a namespace sent with a ClusterRole, as rest.BeforeCreate does for cluster-scoped kinds', async () => {
    const api = await newApi();
    const created = await api.create({ ...clusterRole(), metadata: { name: 'x', namespace: 'team' } } as unknown as KubeObject);
    expect(created.metadata.namespace ?? '').toBe('');
  });
});
