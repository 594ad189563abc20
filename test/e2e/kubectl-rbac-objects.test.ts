// The RBAC objects with the real kubectl against the whole embedded engine:
// create role / rolebinding, the default ClusterRoles and bindings, the
// aggregated rules of admin in describe, the Table columns (-o wide), and a
// refused roleRef change in kube-apiserver's words.
import { describe, expect, it } from 'vitest';
import { kubectlAvailable } from '../apiserver/harness.js';
import { useKubectlEngine, type KubectlEngine } from './kubectl-engine-harness.js';

const HAVE_KUBECTL = kubectlAvailable();

describe.skipIf(!HAVE_KUBECTL)('kubectl and the RBAC objects', { timeout: 120_000 }, () => {
  let k: KubectlEngine;
  const kubectl = (...args: string[]) => k.kubectl(...args);

  useKubectlEngine('kubectl-rbac', {}, async (started) => {
    k = started;
    await k.engine.whenIdle();
  });

  it('kubectl create role and rolebinding, then get them as tables', async () => {
    expect(await kubectl('create', 'role', 'pod-reader', '--verb=get,list,watch', '--resource=pods,pods/log')).toMatch(/^role\.rbac\.authorization\.k8s\.io\/pod-reader created$/m);
    expect(await kubectl('create', 'rolebinding', 'read-pods', '--role=pod-reader', '--user=jane', '--group=devs', '--serviceaccount=default:builder')).toMatch(
      /^rolebinding\.rbac\.authorization\.k8s\.io\/read-pods created$/m,
    );
    expect(await kubectl('create', 'clusterrole', 'widget-reader', '--verb=get', '--resource=pods', '--non-resource-url=/healthz')).toMatch(/clusterrole\.rbac\.authorization\.k8s\.io\/widget-reader created/);
    expect(await kubectl('create', 'clusterrolebinding', 'jane-view', '--clusterrole=view', '--user=jane', '--serviceaccount=kube-system:builder')).toMatch(
      /clusterrolebinding\.rbac\.authorization\.k8s\.io\/jane-view created/,
    );
    const crb = JSON.parse(await kubectl('get', 'clusterrolebinding', 'jane-view', '-o', 'json'));
    expect(crb.subjects).toEqual([
      { kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'jane' },
      { kind: 'ServiceAccount', name: 'builder', namespace: 'kube-system' },
    ]);
    const role = JSON.parse(await kubectl('get', 'role', 'pod-reader', '-o', 'json'));
    expect(role.rules).toEqual([{ apiGroups: [''], resources: ['pods', 'pods/log'], verbs: ['get', 'list', 'watch'] }]);

    const roles = await kubectl('get', 'roles');
    expect(roles).toMatch(/^NAME\s+CREATED AT$/m);
    expect(roles).toMatch(/^pod-reader\s+\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/m);
    const wide = await kubectl('get', 'rolebindings', '-o', 'wide');
    expect(wide).toMatch(/^NAME\s+ROLE\s+AGE\s+USERS\s+GROUPS\s+SERVICEACCOUNTS$/m);
    expect(wide).toMatch(/^read-pods\s+Role\/pod-reader\s+\S+\s+jane\s+devs\s+default\/builder$/m);
  });

  it('refuses a rule without verbs and a changed roleRef, in kube-apiserver’s words', async () => {
    const manifest = (roleName: string) =>
      JSON.stringify({
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name: 'read-pods', namespace: 'default' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: roleName },
        subjects: [{ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'jane' }],
      });
    const { writeFileSync } = await import('node:fs');
    const file = `${k.home}/rb.json`;
    writeFileSync(file, manifest('view'));
    const err = await k.kubectlFails('replace', '-f', file);
    expect(err).toContain(
      // kubectl words a 422 from a file as `The RoleBinding "read-pods" is invalid: …`.
      'RoleBinding "read-pods" is invalid: roleRef: Invalid value: rbac.RoleRef{APIGroup:"rbac.authorization.k8s.io", Kind:"ClusterRole", Name:"view"}: cannot change roleRef',
    );
    writeFileSync(
      file,
      JSON.stringify({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'no-verbs', namespace: 'default' }, rules: [{ apiGroups: [''], resources: ['pods'] }] }),
    );
    expect(await k.kubectlFails('create', '-f', file)).toContain('rules[0].verbs: Required value: verbs must contain at least one value');
  });

  it('kubectl get clusterroles and clusterrolebindings shows the defaults', async () => {
    const roles = await kubectl('get', 'clusterroles');
    expect(roles).toMatch(/^NAME\s+CREATED AT$/m);
    for (const name of ['cluster-admin', 'admin', 'edit', 'view', 'system:discovery', 'system:basic-user', 'system:public-info-viewer', 'system:aggregate-to-view']) {
      expect(roles).toMatch(new RegExp(`^${name}\\s+\\d{4}-`, 'm'));
    }
    const bindings = await kubectl('get', 'clusterrolebindings', '-o', 'wide');
    expect(bindings).toMatch(/^NAME\s+ROLE\s+AGE\s+USERS\s+GROUPS\s+SERVICEACCOUNTS$/m);
    expect(bindings).toMatch(/^cluster-admin\s+ClusterRole\/cluster-admin\s+\S+\s+system:masters\s*$/m);
    expect(bindings).toMatch(/^system:public-info-viewer\s+ClusterRole\/system:public-info-viewer\s+\S+\s+system:authenticated, system:unauthenticated\s*$/m);
    expect(await kubectl('get', 'clusterroles', '-l', 'kubernetes.io/bootstrapping=rbac-defaults', '-o', 'name')).toMatch(/^clusterrole\.rbac\.authorization\.k8s\.io\/cluster-admin$/m);
  });

  it('kubectl describe clusterrole admin lists the aggregated rules', async () => {
    const out = await kubectl('describe', 'clusterrole', 'admin');
    expect(out).toMatch(/^Name:\s+admin$/m);
    expect(out).toMatch(/^Labels:\s+kubernetes\.io\/bootstrapping=rbac-defaults$/m);
    expect(out).toMatch(/^Annotations:\s+rbac\.authorization\.kubernetes\.io\/autoupdate: true$/m);
    expect(out).toMatch(/^\s+Resources\s+Non-Resource URLs\s+Resource Names\s+Verbs$/m);
    expect(out).toMatch(/^\s+rolebindings\.rbac\.authorization\.k8s\.io\s+\[\]\s+\[\]\s+\[create delete deletecollection get list patch update watch\]$/m);
    expect(out).toMatch(/^\s+deployments\.apps\s+\[\]\s+\[\]\s+\[create delete deletecollection patch update get list watch\]$/m);
    expect(out).toMatch(/^\s+secrets\s+\[\]\s+\[\]\s+\[get list watch create delete deletecollection patch update\]$/m);
    expect(out).toMatch(/^\s+serviceaccounts\s+\[\]\s+\[\]\s+\[impersonate create delete deletecollection patch update get list watch\]$/m);
    expect(out).toMatch(/^\s+pods\.metrics\.k8s\.io\s+\[\]\s+\[\]\s+\[get list watch\]$/m);
  });
});
