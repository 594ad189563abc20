// List paging as the Kubernetes API defines it: `limit` + `continue` pages of
// one consistent snapshot (nothing written after the first page shows up in
// later ones), remainingItemCount only without selectors, a short page that
// still continues when a selector filters, 410 Expired with an inconsistent
// continue token once a snapshot is gone, and Tables answered whole
// whatever the limit. The real kubectl pages through both.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/api/meta.js';
import { SNAPSHOT_TTL_MS } from '../../src/apiserver/list-pages.js';
import { kubectlAvailable, startTestServer, type TestServer } from './harness.js';

let s: TestServer;
let clock = Date.parse('2026-11-22T00:00:00Z');
const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';

async function seeded(t: TestServer): Promise<TestServer> {
  await t.api.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'paged' } } as KubeObject);
  for (let i = 0; i < 6; i++) await t.api.create(pod(`p-${i}`, i % 2 === 0 ? 'even' : 'odd'));
  return t;
}

beforeAll(async () => {
  s = await seeded(await startTestServer({ now: () => clock }, { tls: false }));
});
afterAll(async () => {
  await s?.close();
});

function pod(name: string, parity: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'paged', labels: { parity } },
    spec: { containers: [{ name: 'c', image: 'nginx' }] },
  } as KubeObject;
}

async function get(path: string, accept = 'application/json') {
  const res = await fetch(s.url + path, { headers: { Authorization: `Bearer ${s.token}`, Accept: accept } });
  return { status: res.status, json: (await res.json()) as any };
}

const names = (list: any) => list.items.map((p: any) => p.metadata.name);

describe('list paging', () => {
  it('serves later pages from the snapshot of the first: later writes do not show', async () => {
    const first = (await get('/api/v1/namespaces/paged/pods?limit=2')).json;
    expect(names(first)).toEqual(['p-0', 'p-1']);
    expect(first.metadata.remainingItemCount).toBe(4);
    const rv = first.metadata.resourceVersion;
    const p3 = s.api.get('Pod', 'paged', 'p-3')!;
    // After the first page: one pod added, one deleted, one changed.
    await s.api.create(pod('p-2a', 'even'));
    await s.api.delete('Pod', 'paged', 'p-4', { gracePeriodSeconds: 0 });
    await s.api.update({ ...p3, metadata: { ...p3.metadata, labels: { parity: 'odd', changed: 'yes' } } } as KubeObject);

    const second = (await get(`/api/v1/namespaces/paged/pods?limit=2&continue=${first.metadata.continue}`)).json;
    const third = (await get(`/api/v1/namespaces/paged/pods?limit=2&continue=${second.metadata.continue}`)).json;
    expect(names(second)).toEqual(['p-2', 'p-3']);
    expect(second.metadata.resourceVersion).toBe(rv);
    expect(second.items[1].metadata.labels).toEqual({ parity: 'odd' });
    expect(second.metadata.remainingItemCount).toBe(2);
    expect(names(third)).toEqual(['p-4', 'p-5']);
    expect(third.metadata.continue).toBeUndefined();

    // A fresh list sees the writes.
    const fresh = (await get('/api/v1/namespaces/paged/pods')).json;
    expect(names(fresh)).toEqual(['p-0', 'p-1', 'p-2', 'p-2a', 'p-3', 'p-5']);
    expect(Number(fresh.metadata.resourceVersion)).toBeGreaterThan(Number(rv));
  });

  it('with a selector, pages hold up to limit matches, may be short, and carry no remainingItemCount', async () => {
    const seen: string[] = [];
    let cont = '';
    let pages = 0;
    do {
      const r = (await get(`/api/v1/namespaces/paged/pods?limit=2&labelSelector=parity%3Dodd${cont ? `&continue=${cont}` : ''}`)).json;
      expect(r.items.length).toBeLessThanOrEqual(2);
      expect(r.metadata.remainingItemCount).toBeUndefined();
      seen.push(...names(r));
      cont = r.metadata.continue ?? '';
      pages++;
    } while (cont);
    expect(seen).toEqual(['p-1', 'p-3', 'p-5']);
    expect(pages).toBe(2);
  });

  it('answers a token whose snapshot has expired with 410 and a token that continues from the current state', async () => {
    const first = (await get('/api/v1/namespaces/paged/pods?limit=3')).json;
    expect(names(first)).toEqual(['p-0', 'p-1', 'p-2']);
    await s.api.create(pod('p-9', 'odd'));
    clock += SNAPSHOT_TTL_MS + 1000;
    const gone = await get(`/api/v1/namespaces/paged/pods?limit=3&continue=${first.metadata.continue}`);
    expect(gone.status).toBe(410);
    expect(gone.json.reason).toBe('Expired');
    expect(gone.json.message).toMatch(/^The provided continue parameter is too old to display a consistent list result/);
    const inconsistent = gone.json.metadata.continue;
    expect(typeof inconsistent).toBe('string');
    const rest = (await get(`/api/v1/namespaces/paged/pods?continue=${inconsistent}`)).json;
    expect(names(rest)).toEqual(['p-2a', 'p-3', 'p-5', 'p-9']);
  });

  it('refuses a continue token that is not one', async () => {
    const bad = await get('/api/v1/namespaces/paged/pods?limit=2&continue=not-a-token');
    expect(bad.status).toBe(400);
    expect(bad.json.message).toMatch(/^continue key is not valid/);
  });

  it('answers a Table whole whatever the limit (a display, printed only once complete)', async () => {
    const r = await get('/api/v1/namespaces/paged/pods?limit=2', TABLE);
    expect(r.status).toBe(200);
    expect(r.json.kind).toBe('Table');
    expect(r.json.rows.map((row: any) => row.cells[0])).toEqual(names((await get('/api/v1/namespaces/paged/pods')).json));
    expect(r.json.metadata.continue).toBeUndefined();
    expect(r.json.rows[0].object.kind).toBe('PartialObjectMetadata');
    const objects = await get('/api/v1/namespaces/paged/pods?includeObject=Object', TABLE);
    expect(objects.json.rows[0].object.kind).toBe('Pod');
    const none = await get('/api/v1/namespaces/paged/pods?includeObject=None', TABLE);
    expect(none.json.rows[0].object).toBeUndefined();
    const badLimit = await get('/api/v1/namespaces/paged/pods?limit=x', TABLE);
    expect(badLimit.status).toBe(400);
  });
});

describe.runIf(kubectlAvailable())('kubectl pages through a list', () => {
  // kubectl sends its token over TLS only.
  let tls: TestServer;
  beforeAll(async () => {
    tls = await seeded(await startTestServer({}));
  });
  afterAll(async () => {
    await tls?.close();
  });

  it('follows continue tokens for -o name in chunks of 2 and prints the table whole', async () => {
    const expected = ['p-0', 'p-1', 'p-2', 'p-3', 'p-4', 'p-5'];
    const byName = await tls.kubectl(['get', 'pods', '-n', 'paged', '-o', 'name', '--chunk-size=2', '-v=6']);
    expect(byName.code).toBe(0);
    expect(byName.stdout.trim().split('\n')).toEqual(expected.map((n) => `pod/${n}`));
    // kubectl asked page after page, following the tokens.
    expect((byName.stderr.match(/GET \S+\/pods\?continue=/g) ?? []).length).toBe(expected.length / 2 - 1);
    const table = await tls.kubectl(['get', 'pods', '-A', '--chunk-size=2', '-v=6']);
    expect(table.code).toBe(0);
    expect(table.stderr).not.toMatch(/continue=/);
    const rows = table.stdout.trim().split('\n').slice(1);
    expect(rows.filter((r) => r.startsWith('paged ')).map((r) => r.split(/\s+/)[1])).toEqual(expected);
  });
});
