// The RBAC views: ServiceAccount, Role, ClusterRole, RoleBinding and
// ClusterRoleBinding rows as k9s renders them (internal/render/sa.go, ro.go,
// cr.go, rb.go, crb.go), `kubectl describe` of roles and bindings
// (describe.go: the PolicyRule and Subjects tables), and the `:` names that
// reach them (discovery's, plus k9s' own cr/crb/ro/rb aliases).
import { describe, expect, it } from 'vitest';
import { describe as describeObject } from '../../components/logic/describe.js';
import { breakdownRule, compactRules, combineResourceGroup, policyRuleRows, tabbed } from '../../components/logic/describe-rbac.js';
import { commandWords, parseCommand } from '../../components/logic/command.js';
import { resolveKind } from '../../components/logic/kinds.js';
import { defaultRenderers, rendererFor } from '../../components/render/index.js';
import { KINDS, type KindInfo } from '../../src/api/kinds.js';
import type { KubeObject } from '../../src/api/meta.js';
import type { PolicyRule, Subject } from '../../src/api/types/index.js';
import { ago, HOUR, T0 } from './fixtures.js';

const reg = defaultRenderers();
const RBAC = 'rbac.authorization.k8s.io/v1';
const meta = (name: string, namespace?: string) => ({ name, ...(namespace ? { namespace } : {}), creationTimestamp: ago(3 * HOUR) });

const sa = (name: string, secrets: string[] = []): KubeObject =>
  ({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(name, 'team'), ...(secrets.length ? { secrets: secrets.map((n) => ({ name: n })) } : {}) }) as KubeObject;
const role = (kind: 'Role' | 'ClusterRole', name: string, rules: PolicyRule[] = []): KubeObject =>
  ({ apiVersion: RBAC, kind, metadata: meta(name, kind === 'Role' ? 'team' : undefined), rules }) as KubeObject;
const binding = (kind: 'RoleBinding' | 'ClusterRoleBinding', name: string, roleRef: { kind: string; name: string }, subjects?: Subject[]): KubeObject =>
  ({
    apiVersion: RBAC,
    kind,
    metadata: meta(name, kind === 'RoleBinding' ? 'team' : undefined),
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', ...roleRef },
    ...(subjects ? { subjects } : {}),
  }) as KubeObject;

const reader: Subject = { kind: 'ServiceAccount', name: 'reader', namespace: 'team' };
const alice: Subject = { kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'alice' };
const devs: Subject = { kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'devs' };

describe('RBAC renderers', () => {
  it.each([
    ['ServiceAccount', ['NAME', 'SECRETS', 'AGE']],
    ['Role', ['NAME', 'AGE']],
    ['ClusterRole', ['NAME', 'AGE']],
    ['RoleBinding', ['NAME', 'ROLE', 'KIND', 'SUBJECTS', 'AGE']],
    ['ClusterRoleBinding', ['NAME', 'ROLE', 'KIND', 'SUBJECTS', 'AGE']],
  ])('%s columns', (kind, want) => {
    expect(reg.has(kind)).toBe(true);
    expect(rendererFor(reg, kind).columns.map((c) => c.name)).toEqual(want);
  });

  it.each<[string, KubeObject, string[]]>([
    ['a ServiceAccount without secrets', sa('default'), ['default', '0', '3h']],
    ['a ServiceAccount with two secrets', sa('builder', ['builder-token-x', 'registry']), ['builder', '2', '3h']],
    ['a Role', role('Role', 'pod-reader', [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }]), ['pod-reader', '3h']],
    ['a ClusterRole', role('ClusterRole', 'view'), ['view', '3h']],
    ['a RoleBinding to a ServiceAccount', binding('RoleBinding', 'reader', { kind: 'Role', name: 'pod-reader' }, [reader]), ['reader', 'pod-reader', 'SvcAcct', 'reader', '3h']],
    ['a RoleBinding to a ClusterRole, two users', binding('RoleBinding', 'viewers', { kind: 'ClusterRole', name: 'view' }, [alice, { ...alice, name: 'bob' }]), ['viewers', 'view', 'User', 'alice,bob', '3h']],
    ['a RoleBinding without subjects', binding('RoleBinding', 'empty', { kind: 'Role', name: 'r' }), ['empty', 'r', 'n/a', '', '3h']],
    ['a ClusterRoleBinding to a group', binding('ClusterRoleBinding', 'cluster-admin', { kind: 'ClusterRole', name: 'cluster-admin' }, [{ ...devs, name: 'system:masters' }]), ['cluster-admin', 'cluster-admin', 'Group', 'system:masters', '3h']],
    ['a ClusterRoleBinding to mixed subjects', binding('ClusterRoleBinding', 'mixed', { kind: 'ClusterRole', name: 'edit' }, [alice, devs, reader]), ['mixed', 'edit', 'User,Group,SvcAcct', 'alice,devs,reader', '3h']],
  ])('%s', (_what, obj, want) => {
    const r = rendererFor(reg, obj.kind);
    expect(r.row(obj, T0)).toEqual(want);
    expect(r.row(obj, T0)).toHaveLength(r.columns.length);
    expect(r.color(obj)).toBe('plain');
  });
});

describe('describe of roles and bindings, as kubectl describe prints them', () => {
  it('breaks rules down and compacts simple grants back into rows of verbs (rbac.BreakdownRule, CompactRules)', () => {
    const rule: PolicyRule = { verbs: ['get', 'list'], apiGroups: ['', 'apps'], resources: ['pods'] };
    expect(breakdownRule(rule)).toHaveLength(4);
    expect(breakdownRule({ verbs: ['get'], apiGroups: [''], resources: ['secrets'], resourceNames: ['a', 'b'] })).toEqual([
      { apiGroups: [''], resources: ['secrets'], verbs: ['get'], resourceNames: ['a'] },
      { apiGroups: [''], resources: ['secrets'], verbs: ['get'], resourceNames: ['b'] },
    ]);
    expect(breakdownRule({ verbs: ['get', 'post'], nonResourceURLs: ['/healthz'] })).toEqual([
      { nonResourceURLs: ['/healthz'], verbs: ['get'] },
      { nonResourceURLs: ['/healthz'], verbs: ['post'] },
    ]);
    // A rule with resources but no apiGroups grants nothing, and kubectl prints nothing for it.
    expect(breakdownRule({ verbs: ['get'], resources: ['pods'] })).toEqual([]);
    expect(compactRules(breakdownRule(rule))).toEqual([
      { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] },
      { apiGroups: ['apps'], resources: ['pods'], verbs: ['get', 'list'] },
    ]);
  });

  it.each([
    [['pods'], [''], 'pods'],
    [['deployments'], ['apps'], 'deployments.apps'],
    [['deployments/scale'], ['apps'], 'deployments.apps/scale'],
    [['pods/log'], [''], 'pods/log'],
    [[], [''], ''],
  ])('CombineResourceGroup(%j, %j) = %s', (resources, groups, want) => {
    expect(combineResourceGroup(resources, groups)).toBe(want);
  });

  it('sorts rows as SortableRuleSlice does (by the rule’s String(): verbs first)', () => {
    const rows = policyRuleRows([
      { verbs: ['list', 'watch'], apiGroups: ['apps'], resources: ['deployments'] },
      { verbs: ['get'], apiGroups: [''], resources: ['pods', 'pods/log'] },
      { verbs: ['get'], nonResourceURLs: ['/healthz'] },
      { verbs: ['get'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['settings'] },
    ]);
    expect(rows).toEqual([
      ['', '[/healthz]', '[]', '[get]'],
      ['configmaps', '[]', '[settings]', '[get]'],
      // `Resources:[pods/log]` < `Resources:[pods]`: `/` sorts before `]`.
      ['pods/log', '[]', '[]', '[get]'],
      ['pods', '[]', '[]', '[get]'],
      ['deployments.apps', '[]', '[]', '[list watch]'],
    ]);
  });

  it('Role: Name, Labels, Annotations and the PolicyRule table, no Namespace and no Events', () => {
    const obj = role('Role', 'pod-reader', [
      { verbs: ['get', 'list', 'watch'], apiGroups: [''], resources: ['pods'] },
      { verbs: ['get'], apiGroups: [''], resources: ['pods/log'], resourceNames: ['web'] },
    ]);
    obj.metadata.labels = { tier: 'backend', app: 'web' };
    obj.metadata.annotations = { 'kubectl.kubernetes.io/last-applied-configuration': '{}' };
    expect(describeObject(obj, [], T0).split('\n')).toEqual([
      'Name:         pod-reader',
      'Labels:       app=web',
      '              tier=backend',
      'Annotations:  <none>',
      'PolicyRule:',
      '  Resources  Non-Resource URLs  Resource Names  Verbs',
      '  ---------  -----------------  --------------  -----',
      // `[get list watch]` < `[get]` byte-wise: the space sorts before `]`, as in Go.
      '  pods       []                 []              [get list watch]',
      '  pods/log   []                 [web]           [get]',
    ]);
  });

  it('ClusterRole: the same table, with non-resource URLs', () => {
    const obj = role('ClusterRole', 'system:discovery', [{ verbs: ['get'], nonResourceURLs: ['/api', '/version'] }]);
    expect(describeObject(obj, [], T0, false).split('\n').slice(3)).toEqual([
      'PolicyRule:',
      '  Resources  Non-Resource URLs  Resource Names  Verbs',
      '  ---------  -----------------  --------------  -----',
      '             [/api]             []              [get]',
      '             [/version]         []              [get]',
    ]);
  });

  it('RoleBinding and ClusterRoleBinding: Role (Kind, Name) and the Subjects table', () => {
    const rb = binding('RoleBinding', 'reader', { kind: 'Role', name: 'pod-reader' }, [reader, alice]);
    expect(describeObject(rb, [], T0).split('\n')).toEqual([
      'Name:         reader',
      'Labels:       <none>',
      'Annotations:  <none>',
      'Role:',
      '  Kind:  Role',
      '  Name:  pod-reader',
      'Subjects:',
      '  Kind            Name    Namespace',
      '  ----            ----    ---------',
      '  ServiceAccount  reader  team',
      '  User            alice',
    ]);
    const crb = binding('ClusterRoleBinding', 'admins', { kind: 'ClusterRole', name: 'cluster-admin' });
    expect(describeObject(crb, [], T0, false).split('\n').slice(3)).toEqual(['Role:', '  Kind:  ClusterRole', '  Name:  cluster-admin', 'Subjects:', '  Kind  Name  Namespace', '  ----  ----  ---------']);
  });

  it('ServiceAccount: its secrets, as kubectl lists them', () => {
    const text = describeObject(sa('builder', ['builder-token-x', 'registry']), [], T0);
    expect(text).toContain('Mountable secrets:  builder-token-x');
    expect(text).toMatch(/\n\s+registry\n/);
    expect(text).toContain('Tokens:             builder-token-x');
    expect(text).toContain('Image pull secrets: <none>');
  });

  it('tabbed lays out blocks of lines with the same cells, as tabwriter', () => {
    expect(tabbed(['a:\t1', 'bbb:\t2', 'title', 'x\ty\tz', 'xx\tyy\tzz'])).toEqual(['a:    1', 'bbb:  2', 'title', 'x   y   z', 'xx  yy  zz']);
  });
});

describe('the names that reach the RBAC views', () => {
  it.each([
    ['sa', 'ServiceAccount'],
    ['serviceaccounts', 'ServiceAccount'],
    ['roles', 'Role'],
    ['ro', 'Role'],
    ['clusterroles', 'ClusterRole'],
    ['cr', 'ClusterRole'],
    ['rolebindings', 'RoleBinding'],
    ['rb', 'RoleBinding'],
    ['clusterrolebindings', 'ClusterRoleBinding'],
    ['crb', 'ClusterRoleBinding'],
    ['rolebinding.rbac.authorization.k8s.io', 'RoleBinding'],
  ])(':%s', (word, kind) => {
    expect(resolveKind(KINDS, word)?.kind).toBe(kind);
    const c = parseCommand(word, KINDS);
    expect(c.type === 'resource' && c.info.kind).toBe(kind);
  });

  it('offers k9s’ aliases for completion, but only for kinds the server serves, never over its own names', () => {
    expect(commandWords(KINDS)).toEqual(expect.arrayContaining(['cr', 'crb', 'ro', 'rb']));
    const noRbac = KINDS.filter((k) => k.group !== 'rbac.authorization.k8s.io');
    expect(resolveKind(noRbac, 'crb')).toBeUndefined();
    expect(commandWords(noRbac)).not.toContain('crb');
    // A CRD announcing `rb` as its short name keeps it.
    const widget = { ...KINDS.find((k) => k.kind === 'ConfigMap')!, kind: 'RedBox', group: 'example.com', plural: 'redboxes', singular: 'redbox', shortNames: ['rb'] } as KindInfo;
    expect(resolveKind([...KINDS, widget], 'rb')?.kind).toBe('RedBox');
  });
});
