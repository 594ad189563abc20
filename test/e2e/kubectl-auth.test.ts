// Identity and access with the real kubectl against the API server:
// `kubectl create token` for a ServiceAccount bound to a Role that lists pods;
// that token lists pods and is refused secrets in Kubernetes' exact words;
// impersonation (`--as`, `--as-group`), `kubectl auth can-i` (also `--list`),
// `kubectl auth whoami`, escalation prevention, and the 401 for a forged token.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/api/meta.js';
import { kubectlAvailable, startTestServer, type TestServer } from '../apiserver/harness.js';
import { BOOTSTRAP, clusterRole, clusterRoleBinding, role, roleBinding, seed } from '../apiserver/rbac-fixtures.js';

const run = kubectlAvailable();
const SA = 'system:serviceaccount:team:reader';

describe.runIf(run)('kubectl: identity and access', () => {
  let s: TestServer;
  let token = '';

  beforeAll(async () => {
    s = await startTestServer();
    await s.api.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } } as KubeObject);
    await s.api.create({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'reader', namespace: 'team' } } as KubeObject);
    await s.api.create({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'granter', namespace: 'team' } } as KubeObject);
    await seed(s.api, [
      ...BOOTSTRAP,
      role('team', 'pod-reader', [{ verbs: ['get', 'list', 'watch'], apiGroups: [''], resources: ['pods'] }]),
      roleBinding('team', 'reader-pods', { kind: 'Role', name: 'pod-reader' }, [{ kind: 'ServiceAccount', name: 'reader', namespace: 'team' }]),
      // granter may write roles and bindings in team, and holds only pod reading.
      role('team', 'rbac-writer', [
        { verbs: ['create', 'update', 'patch', 'get'], apiGroups: ['rbac.authorization.k8s.io'], resources: ['roles', 'rolebindings'] },
        { verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] },
      ]),
      roleBinding('team', 'granter-rbac', { kind: 'Role', name: 'rbac-writer' }, [{ kind: 'ServiceAccount', name: 'granter', namespace: 'team' }]),
      clusterRole('impersonate-auditors', [{ verbs: ['impersonate'], apiGroups: [''], resources: ['groups'], resourceNames: ['auditors'] }]),
      clusterRoleBinding('granter-impersonates', { kind: 'ClusterRole', name: 'impersonate-auditors' }, [{ kind: 'ServiceAccount', name: 'granter', namespace: 'team' }]),
    ]);
    await s.api.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'team' }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } as unknown as KubeObject);
  }, 60_000);
  afterAll(async () => {
    await s?.close();
  });

  it('kubectl create token issues a bound token for the ServiceAccount', async () => {
    const r = await s.kubectl(['create', 'token', 'reader', '-n', 'team', '--duration=20m']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    token = r.stdout.trim();
    expect(token.split('.')).toHaveLength(3);
    const short = await s.kubectl(['create', 'token', 'reader', '-n', 'team', '--duration=5m']);
    expect(short.code).not.toBe(0);
    expect(short.stderr).toContain('may not specify a duration less than 10 minutes');
    const missing = await s.kubectl(['create', 'token', 'nobody', '-n', 'team']);
    expect(missing.stderr).toContain('serviceaccounts "nobody" not found');
  });

  it('the token lists pods and is refused secrets in Kubernetes words', async () => {
    const pods = await s.kubectl(['get', 'pods', '-n', 'team', '-o', 'name'], { token });
    expect(pods.stderr).toBe('');
    expect(pods.stdout.trim()).toBe('pod/web');
    const secrets = await s.kubectl(['get', 'secrets', '-n', 'team'], { token });
    expect(secrets.code).not.toBe(0);
    expect(secrets.stderr.trim()).toBe(
      `Error from server (Forbidden): secrets is forbidden: User "${SA}" cannot list resource "secrets" in API group "" in the namespace "team"`,
    );
    const elsewhere = await s.kubectl(['get', 'pods', '-n', 'default'], { token });
    expect(elsewhere.stderr).toContain(`pods is forbidden: User "${SA}" cannot list resource "pods" in API group "" in the namespace "default"`);
    const del = await s.kubectl(['delete', 'pod', 'web', '-n', 'team'], { token });
    expect(del.stderr).toContain(`pods "web" is forbidden: User "${SA}" cannot delete resource "pods" in API group "" in the namespace "team"`);
  });

  it('a forged or foreign token is 401', async () => {
    const [h, , sig] = token.split('.');
    const forged = `${h}.${Buffer.from(JSON.stringify({ sub: 'system:serviceaccount:kube-system:admin' })).toString('base64url')}.${sig}`;
    for (const t of [forged, 'garbage', `${token}x`]) {
      const r = await s.kubectl(['get', 'pods', '-n', 'team'], { token: t });
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain('Unauthorized');
    }
  });

  it('kubectl --as impersonates a ServiceAccount (and is refused what it may not do)', async () => {
    const r = await s.kubectl(['--as', SA, 'get', 'pods', '-n', 'team', '-o', 'name']);
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('pod/web');
    const refused = await s.kubectl(['--as', SA, 'get', 'secrets', '-n', 'team']);
    expect(refused.stderr.trim()).toBe(`Error from server (Forbidden): secrets is forbidden: User "${SA}" cannot list resource "secrets" in API group "" in the namespace "team"`);
    // The ServiceAccount itself may not impersonate anyone.
    const escalate = await s.kubectl(['--as', 'kubernetes-admin', 'get', 'secrets', '-n', 'team'], { token });
    expect(escalate.stderr.trim()).toBe(`Error from server (Forbidden): users "kubernetes-admin" is forbidden: User "${SA}" cannot impersonate resource "users" in API group "" at the cluster scope`);
  });

  it('kubectl auth can-i answers yes and no, also --as and -n', async () => {
    const yes = await s.kubectl(['auth', 'can-i', 'list', 'pods', '-n', 'team', '--as', SA]);
    expect(yes.stdout.trim()).toBe('yes');
    expect(yes.code).toBe(0);
    const no = await s.kubectl(['auth', 'can-i', 'list', 'secrets', '-n', 'team', '--as', SA]);
    expect(no.stdout.trim()).toBe('no');
    expect(no.code).toBe(1);
    const otherNs = await s.kubectl(['auth', 'can-i', 'list', 'pods', '-n', 'default', '--as', SA]);
    expect(otherNs.stdout.trim()).toBe('no');
    const withToken = await s.kubectl(['auth', 'can-i', 'watch', 'pods', '-n', 'team'], { token });
    expect(withToken.stdout.trim()).toBe('yes');
    const admin = await s.kubectl(['auth', 'can-i', 'delete', 'nodes']);
    expect(admin.stdout.trim()).toBe('yes');
    const group = await s.kubectl(['auth', 'can-i', 'list', 'pods', '-n', 'team', '--as', 'someone', '--as-group', 'system:serviceaccounts']);
    expect(group.stdout.trim()).toBe('no');
  });

  it('kubectl auth can-i --list shows the rules', async () => {
    const r = await s.kubectl(['auth', 'can-i', '--list', '-n', 'team'], { token });
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^Resources\s+Non-Resource URLs\s+Resource Names\s+Verbs/);
    expect(lines.some((l) => /^pods\s+\[\]\s+\[\]\s+\[get list watch\]/.test(l))).toBe(true);
    expect(lines.some((l) => /^selfsubjectaccessreviews\.authorization\.k8s\.io\s+\[\]\s+\[\]\s+\[create\]/.test(l))).toBe(true);
    expect(lines.some((l) => /^\s+\[\/api\/\*\]\s+\[\]\s+\[get\]/.test(l))).toBe(true);
    expect(lines.some((l) => l.startsWith('secrets'))).toBe(false);
  });

  it('kubectl auth whoami names the admin, a token and an impersonated user', async () => {
    const admin = await s.kubectl(['auth', 'whoami', '-o', 'json']);
    expect(admin.stderr).toBe('');
    expect(JSON.parse(admin.stdout).status.userInfo).toEqual({ username: 'kubernetes-admin', groups: ['system:masters', 'system:authenticated'] });
    const sa = await s.kubectl(['auth', 'whoami'], { token });
    expect(sa.stdout).toMatch(new RegExp(`Username\\s+${SA}`));
    expect(sa.stdout).toMatch(/Groups\s+\[system:serviceaccounts system:serviceaccounts:team system:authenticated\]/);
    const as = await s.kubectl(['auth', 'whoami', '--as', 'jane', '--as-group', 'devs', '-o', 'json']);
    expect(JSON.parse(as.stdout).status.userInfo).toEqual({ username: 'jane', groups: ['devs', 'system:authenticated'] });
    // granter may impersonate the group auditors but not a user: the 403 (kubectl words it as for a missing API).
    const g = (await s.kubectl(['create', 'token', 'granter', '-n', 'team'])).stdout.trim();
    const refused = await s.kubectl(['auth', 'whoami', '--as', 'jane', '--as-group', 'auditors'], { token: g });
    expect(refused.stderr).toContain('the selfsubjectreviews API is not enabled in the cluster or you do not have permission to call it');
    const raw = await s.kubectl(['get', 'pods', '-n', 'team', '--as', 'jane', '--as-group', 'auditors'], { token: g });
    expect(raw.stderr.trim()).toBe('Error from server (Forbidden): users "jane" is forbidden: User "system:serviceaccount:team:granter" cannot impersonate resource "users" in API group "" at the cluster scope');
  });

  it('escalation: a ServiceAccount may not grant what it does not hold', async () => {
    const g = (await s.kubectl(['create', 'token', 'granter', '-n', 'team'])).stdout.trim();
    const ok = await s.kubectl(['create', 'role', 'pods-only', '-n', 'team', '--verb=get,list', '--resource=pods'], { token: g });
    expect(ok.stderr).toBe('');
    expect(ok.stdout).toContain('role.rbac.authorization.k8s.io/pods-only created');
    const bad = await s.kubectl(['create', 'role', 'secrets-too', '-n', 'team', '--verb=get', '--resource=pods,secrets'], { token: g });
    expect(bad.code).not.toBe(0);
    expect(bad.stderr.trim()).toBe(
      'Error from server (Forbidden): roles.rbac.authorization.k8s.io "secrets-too" is forbidden: user "system:serviceaccount:team:granter" ' +
        '(groups=["system:serviceaccounts" "system:serviceaccounts:team" "system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n' +
        '{APIGroups:[""], Resources:["secrets"], Verbs:["get"]}',
    );
    const bind = await s.kubectl(['create', 'rolebinding', 'to-admin', '-n', 'team', '--clusterrole=cluster-admin-ish', '--user=bob'], { token: g });
    expect(bind.stderr).toContain('clusterrole.rbac.authorization.k8s.io "cluster-admin-ish" not found');
    const bindOwn = await s.kubectl(['create', 'rolebinding', 'bob-pods', '-n', 'team', '--role=pods-only', '--user=bob'], { token: g });
    expect(bindOwn.stderr).toBe('');
    // pod-reader also grants watch, which granter lacks.
    const bindMore = await s.kubectl(['create', 'rolebinding', 'bob-watch', '-n', 'team', '--role=pod-reader', '--user=bob'], { token: g });
    expect(bindMore.stderr).toContain('rolebindings.rbac.authorization.k8s.io "bob-watch" is forbidden: user "system:serviceaccount:team:granter"');
    expect(bindMore.stderr).toContain('is attempting to grant RBAC permissions not currently held:\n{APIGroups:[""], Resources:["pods"], Verbs:["watch"]}');
    // Patching a role to add a rule is checked too.
    const patch = await s.kubectl(
      ['patch', 'role', 'pods-only', '-n', 'team', '--type=json', '-p', '[{"op":"add","path":"/rules/-","value":{"apiGroups":[""],"resources":["secrets"],"verbs":["list"]}}]'],
      { token: g },
    );
    expect(patch.stderr).toContain('is attempting to grant RBAC permissions not currently held:\n{APIGroups:[""], Resources:["secrets"], Verbs:["list"]}');
    expect(s.api.get('Role', 'team', 'pods-only')).toBeDefined();
  });
});
