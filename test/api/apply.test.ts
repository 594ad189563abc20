// Client-side apply (`kubectl apply`): last-applied annotation and the
// three-way strategic merge of last-applied, live and manifest.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/api/meta.js';
import { clientSideApply, createThreeWayMergePatch, LAST_APPLIED, lastAppliedConfiguration } from '../../src/api/patch/apply.js';
import { strategicMergePatch } from '../../src/api/patch/index.js';

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v));

const manifestV1 = (): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'default', labels: { app: 'web', extra: 'yes' } },
  spec: {
    selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: {
        containers: [
          {
            name: 'web',
            image: 'nginx:1.25',
            env: [
              { name: 'A', value: '1' },
              { name: 'B', value: '2' },
            ],
          },
        ],
      },
    },
  },
});

/** What the server and controllers add after the first apply. */
function liveFrom(created: KubeObject): KubeObject {
  const live = clone(created) as any;
  live.metadata.uid = 'uid-1';
  live.metadata.resourceVersion = '42';
  live.metadata.creationTimestamp = '2026-01-01T00:00:00Z';
  live.spec.replicas = 5; // set by an HPA; not in the manifest
  live.spec.template.spec.restartPolicy = 'Always'; // a default
  live.spec.template.spec.containers.push({ name: 'istio-proxy', image: 'proxy' }); // injected
  live.status = { replicas: 5, readyReplicas: 5, conditions: [{ type: 'Available', status: 'True' }] };
  return live;
}

describe('last-applied-configuration', () => {
  it('is the manifest as kubectl encodes it: sorted keys, empty annotations, HTML-escaped, trailing newline', () => {
    const cm: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'default' }, data: { b: '2', a: '<1>&' } };
    const created = clientSideApply(undefined, cm);
    const want = '{"apiVersion":"v1","data":{"a":"\\u003c1\\u003e\\u0026","b":"2"},"kind":"ConfigMap","metadata":{"annotations":{},"name":"cfg","namespace":"default"}}\n';
    expect(created.metadata.annotations?.[LAST_APPLIED]).toBe(want);
    expect(lastAppliedConfiguration(cm)).toBe(want);
    expect(created.data).toEqual(cm.data);
    expect(cm.metadata.annotations).toBeUndefined(); // input untouched
  });

  it('never contains a previous last-applied annotation and keeps the other annotations', () => {
    const m = manifestV1();
    m.metadata.annotations = { [LAST_APPLIED]: '{"old":true}\n', team: 'a' };
    const text = lastAppliedConfiguration(m);
    expect(JSON.parse(text).metadata.annotations).toEqual({ team: 'a' });
    expect(text.endsWith('}\n')).toBe(true);
    expect(clientSideApply(undefined, m).metadata.annotations?.team).toBe('a');
  });
});

describe('clientSideApply: three-way merge', () => {
  const live = liveFrom(clientSideApply(undefined, manifestV1()));

  it('removes what the manifest dropped and keeps what others set', () => {
    const v2 = manifestV1();
    delete v2.metadata.labels!.extra;
    v2.spec.template.spec.containers[0].image = 'nginx:1.27';
    v2.spec.template.spec.containers[0].env = [{ name: 'A', value: '1' }];
    const out: any = clientSideApply(live, v2);

    expect(out.metadata.labels).toEqual({ app: 'web' }); // dropped from manifest → deleted
    expect(out.spec.template.spec.containers).toEqual([
      { name: 'web', image: 'nginx:1.27', env: [{ name: 'A', value: '1' }] },
      { name: 'istio-proxy', image: 'proxy' }, // only in live → kept
    ]);
    expect(out.spec.replicas).toBe(5); // set by the HPA, never in the manifest → kept
    expect(out.spec.template.spec.restartPolicy).toBe('Always'); // default → kept
    expect(out.status).toEqual(live.status);
    expect(out.metadata.uid).toBe('uid-1');
    expect(out.metadata.annotations[LAST_APPLIED]).toBe(lastAppliedConfiguration(v2));
  });

  it('a field the manifest sets wins over a live change', () => {
    const v2 = manifestV1();
    v2.spec.replicas = 2;
    const out: any = clientSideApply(live, v2);
    expect(out.spec.replicas).toBe(2);
    // and dropping it again later removes it, because it is now in last-applied
    const v3 = manifestV1();
    const again: any = clientSideApply(out, v3);
    expect('replicas' in again.spec).toBe(false);
  });

  it('re-applying the same manifest changes nothing', () => {
    expect(clientSideApply(live, manifestV1())).toEqual(live);
  });

  it('without a last-applied annotation nothing is deleted (object made by kubectl create)', () => {
    const bare = clone(live) as any;
    delete bare.metadata.annotations;
    const v2 = manifestV1();
    delete v2.metadata.labels!.extra;
    const out: any = clientSideApply(bare, v2);
    expect(out.metadata.labels).toEqual({ app: 'web', extra: 'yes' });
    expect(out.metadata.annotations[LAST_APPLIED]).toBe(lastAppliedConfiguration(v2));
  });

  it('an unreadable annotation is treated as absent', () => {
    const broken = clone(live) as any;
    broken.metadata.annotations[LAST_APPLIED] = 'not json';
    expect(() => clientSideApply(broken, manifestV1())).not.toThrow();
  });
});

describe('createThreeWayMergePatch', () => {
  it('deletions come from original→modified, changes from current→modified', () => {
    const original = { data: { a: '1', b: '2' } };
    const modified = { data: { a: '1', c: '3' } };
    const current = { data: { a: '9', b: '2', s: 'server' } };
    expect(createThreeWayMergePatch(original, modified, current, 'ConfigMap')).toEqual({ data: { a: '1', b: null, c: '3' } });
  });

  it('lists with merge keys get delete directives and element order', () => {
    const c = (name: string, image = 'i') => ({ name, image });
    const original = { spec: { containers: [c('a'), c('b')] } };
    const modified = { spec: { containers: [c('a', 'j')] } };
    const current = { spec: { containers: [c('a'), c('b'), c('x')] } };
    const patch = createThreeWayMergePatch(original, modified, current, 'Pod');
    expect(patch).toEqual({
      spec: {
        '$setElementOrder/containers': [{ name: 'a' }],
        containers: [c('a', 'j'), { name: 'b', $patch: 'delete' }],
      },
    });
    expect((strategicMergePatch(current, patch, 'Pod') as any).spec.containers).toEqual([c('a', 'j'), c('x')]);
  });

  it('primitive merge lists get a deletion list', () => {
    const patch = createThreeWayMergePatch({ metadata: { finalizers: ['a', 'b'] } }, { metadata: { finalizers: ['a'] } }, { metadata: { finalizers: ['a', 'b', 'srv'] } }, 'ConfigMap');
    expect(patch).toEqual({ metadata: { '$deleteFromPrimitiveList/finalizers': ['b'], '$setElementOrder/finalizers': ['a'] } });
    const out: any = strategicMergePatch({ metadata: { finalizers: ['a', 'b', 'srv'] } }, patch, 'ConfigMap');
    expect(out.metadata.finalizers).toEqual(['a', 'srv']);
  });

  // Manifests: labels, uniquely named containers with env, an atomic list.
  const name = fc.constantFrom('a', 'b', 'c');
  const container = fc.record(
    {
      name,
      image: fc.constantFrom('nginx', 'redis'),
      env: fc.uniqueArray(fc.record({ name: fc.constantFrom('X', 'Y'), value: fc.constantFrom('1', '2') }), { selector: (e) => e.name, maxLength: 2 }),
    },
    { requiredKeys: ['name'] },
  );
  const manifest = fc
    .record(
      {
        labels: fc.dictionary(fc.constantFrom('app', 'tier', 'x'), fc.constantFrom('1', '2')),
        containers: fc.uniqueArray(container, { selector: (c) => c.name, maxLength: 3 }),
        tolerations: fc.array(fc.record({ key: fc.constantFrom('k1', 'k2') }), { maxLength: 2 }),
        nodeName: fc.constantFrom('n1', 'n2'),
      },
      { requiredKeys: [] },
    )
    .map(
      (r): KubeObject => ({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'p', namespace: 'default', ...(r.labels ? { labels: r.labels } : {}) },
        spec: {
          ...(r.containers ? { containers: r.containers } : {}),
          ...(r.tolerations ? { tolerations: r.tolerations } : {}),
          ...(r.nodeName ? { nodeName: r.nodeName } : {}),
        },
      }),
    );

  it('property: applying m2 over live(m1) gives m2 plus the server-only fields', () => {
    fc.assert(
      fc.property(manifest, manifest, (m1, m2) => {
        const live = clone(clientSideApply(undefined, m1)) as any;
        live.metadata.uid = 'u';
        live.status = { phase: 'Running' };
        const out = clone(clientSideApply(live, m2)) as any;
        expect(out.status).toEqual({ phase: 'Running' });
        expect(out.metadata.uid).toBe('u');
        const expected = clientSideApply(undefined, m2) as any;
        delete out.status;
        delete out.metadata.uid;
        expect(out).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });
});
