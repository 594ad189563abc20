// Authorization must not show in API latency: p50/p99 of a list of 100 pods
// (plain HTTP, keep-alive) as the admin (system:masters, no RBAC walk) beside a
// ServiceAccount bound through 100 Roles and RoleBindings (the binding that
// allows the list is the last one) — cached rules, and with a role written
// between requests so every list resolves the rules afresh. Also the raw
// authorizer decision time. Prints figures; asserts nothing.
import { Agent, request } from 'node:http';
import type { KubeObject } from '../src/api/meta.js';
import { resourceAttributes } from '../src/apiserver/authz/attributes.js';
import { Authorizer } from '../src/apiserver/authz/authorizer.js';
import { RbacAuthorizer } from '../src/apiserver/authz/rbac.js';
import { serviceAccountUser } from '../src/api/auth/user.js';
import { startTestServer } from '../test/apiserver/harness.js';
import { BOOTSTRAP, role, roleBinding, seed } from '../test/apiserver/rbac-fixtures.js';
import { isMain, percentile, scaled } from './stats.js';

const ROLES = 100;
const PODS = 100;
const REQUESTS = scaled(2000);
const r3 = (x: number) => Number(x.toFixed(3));

export async function run(): Promise<Record<string, number | string>> {
  const s = await startTestServer({}, { tls: false });
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const url = new URL(s.url);
  const get = (path: string, token: string) =>
    new Promise<number>((resolve, reject) => {
      const t0 = performance.now();
      const req = request({ host: url.hostname, port: url.port, path, agent, headers: { Authorization: `Bearer ${token}` } }, (res) => {
        res.resume();
        res.on('end', () => (res.statusCode === 200 ? resolve(performance.now() - t0) : reject(new Error(`GET ${path}: ${res.statusCode}`))));
      });
      req.on('error', reject);
      req.end();
    });
  const out: Record<string, number | string> = { roles: ROLES, pods: PODS, requests: REQUESTS };
  try {
    await s.api.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } } as KubeObject);
    const sa = await s.api.create({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'app', namespace: 'team' } } as KubeObject);
    const objs: KubeObject[] = [...BOOTSTRAP];
    for (let i = 0; i < ROLES; i++) {
      const last = i === ROLES - 1;
      objs.push(role('team', `r-${String(i).padStart(3, '0')}`, [{ verbs: ['get'], apiGroups: ['example.com'], resources: [`things${i}`] }, ...(last ? [{ verbs: ['list'], apiGroups: [''], resources: ['pods'] }] : [])]));
      objs.push(roleBinding('team', `b-${String(i).padStart(3, '0')}`, { kind: 'Role', name: `r-${String(i).padStart(3, '0')}` }, [{ kind: 'ServiceAccount', name: 'app' }]));
    }
    await seed(s.api, objs);
    for (let i = 0; i < PODS; i++) {
      await s.api.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: `p-${i}`, namespace: 'team' }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } as unknown as KubeObject);
    }
    const tr = await fetch(`${s.url}/api/v1/namespaces/team/serviceaccounts/app/token`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${s.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ spec: {} }),
    });
    const saToken = ((await tr.json()) as { status: { token: string } }).status.token;
    const path = '/api/v1/namespaces/team/pods';
    const sample = async (token: string, between?: () => Promise<unknown>) => {
      for (let i = 0; i < 50; i++) await get(path, token); // warm-up
      const lat: number[] = [];
      for (let i = 0; i < REQUESTS; i++) {
        if (between) await between();
        lat.push(await get(path, token));
      }
      return lat;
    };
    const admin = await sample(s.token);
    const sa100 = await sample(saToken);
    let n = 0;
    const churn = () => s.api.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `c-${n++}`, namespace: 'team' } } as KubeObject); // a write that is not RBAC: caches stay
    const saChurn = await sample(saToken, churn);
    let m = 0;
    const rbacChurn = () => s.api.create(role('team', `extra-${m++}`, [{ verbs: ['get'], apiGroups: [''], resources: ['configmaps'] }]));
    const saCold = await sample(saToken, rbacChurn);
    out.adminListP50Ms = r3(percentile(admin, 50));
    out.adminListP99Ms = r3(percentile(admin, 99));
    out.sa100RolesListP50Ms = r3(percentile(sa100, 50));
    out.sa100RolesListP99Ms = r3(percentile(sa100, 99));
    out.sa100RolesWithWritesP50Ms = r3(percentile(saChurn, 50));
    out.sa100RolesWithWritesP99Ms = r3(percentile(saChurn, 99));
    out.sa100RolesAfterRbacChangeP50Ms = r3(percentile(saCold, 50));
    out.sa100RolesAfterRbacChangeP99Ms = r3(percentile(saCold, 99));

    // The authorizer alone: cached and uncached decisions.
    const user = serviceAccountUser('team', 'app', sa.metadata.uid);
    const attrs = resourceAttributes(user, { verb: 'list', resource: 'pods', namespace: 'team' });
    const cached = new RbacAuthorizer(s.api);
    cached.start();
    const authz = new Authorizer(cached);
    const uncached = new Authorizer(new RbacAuthorizer(s.api));
    const time = (f: () => void, runs: number) => {
      const t0 = performance.now();
      for (let i = 0; i < runs; i++) f();
      return ((performance.now() - t0) * 1000) / runs;
    };
    out.authorizeCachedUs = r3(time(() => authz.authorize(attrs), 20_000));
    out.authorizeUncachedUs = r3(time(() => uncached.authorize(attrs), 500));
    cached.stop();
  } finally {
    agent.destroy();
    await s.close();
  }
  return out;
}

if (isMain(import.meta.url)) {
  const figures = await run();
  console.log(JSON.stringify(figures, null, 2));
}
