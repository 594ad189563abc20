// Strategic merge patch: the cases of the Kubernetes task "Update API Objects
// in Place Using kubectl patch" and the strategic-merge-patch design docs.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyPatch, createTwoWayMergePatch, patchMetaAt, strategicMergePatch } from '../../src/api/patch/index.js';

const patchDemo = () => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'patch-demo', labels: { app: 'nginx' } },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: 'nginx' } },
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
    template: {
      metadata: { labels: { app: 'nginx' } },
      spec: {
        containers: [{ name: 'patch-demo-ctr', image: 'nginx', ports: [{ containerPort: 80 }] }],
        tolerations: [{ effect: 'NoSchedule', key: 'dedicated', value: 'test-team' }],
      },
    },
  },
});

const podSpec = (o: any) => o.spec.template.spec;

describe('strategic merge patch: kubectl patch docs', () => {
  it('containers merge by name (the patch adds a second container, listed first)', () => {
    const out = applyPatch(patchDemo(), 'strategic', { spec: { template: { spec: { containers: [{ name: 'patch-demo-ctr-2', image: 'redis' }] } } } }, 'Deployment');
    expect(podSpec(out).containers).toEqual([
      { name: 'patch-demo-ctr-2', image: 'redis' },
      { name: 'patch-demo-ctr', image: 'nginx', ports: [{ containerPort: 80 }] },
    ]);
  });

  it('tolerations have no merge key: the list is replaced', () => {
    const out = applyPatch(patchDemo(), 'strategic', { spec: { template: { spec: { tolerations: [{ effect: 'NoSchedule', key: 'disktype', value: 'ssd' }] } } } }, 'Deployment');
    expect(podSpec(out).tolerations).toEqual([{ effect: 'NoSchedule', key: 'disktype', value: 'ssd' }]);
  });

  it('a JSON merge patch replaces the containers list instead', () => {
    const out = applyPatch(patchDemo(), 'merge', { spec: { template: { spec: { containers: [{ name: 'patch-demo-ctr-3', image: 'gcr.io/google-samples/hello-app:2.0' }] } } } }, 'Deployment');
    expect(podSpec(out).containers).toEqual([{ name: 'patch-demo-ctr-3', image: 'gcr.io/google-samples/hello-app:2.0' }]);
  });

  it('updating one field of a named container keeps the rest', () => {
    const out = applyPatch(patchDemo(), 'strategic', { spec: { template: { spec: { containers: [{ name: 'patch-demo-ctr', image: 'nginx:1.27' }] } } } }, 'Deployment');
    expect(podSpec(out).containers).toEqual([{ name: 'patch-demo-ctr', image: 'nginx:1.27', ports: [{ containerPort: 80 }] }]);
  });

  it('$retainKeys clears the keys it does not list (strategy → Recreate)', () => {
    const out: any = applyPatch(patchDemo(), 'strategic', { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate' } } }, 'Deployment');
    expect(out.spec.strategy).toEqual({ type: 'Recreate' });
    // without the directive the stale rollingUpdate stays (and validation would refuse it)
    const plain: any = applyPatch(patchDemo(), 'strategic', { spec: { strategy: { type: 'Recreate' } } }, 'Deployment');
    expect(plain.spec.strategy.rollingUpdate).toBeDefined();
  });

  it('$retainKeys refuses a patch that sets a key it does not retain', () => {
    expect(() => applyPatch(patchDemo(), 'strategic', { spec: { strategy: { $retainKeys: ['type'], rollingUpdate: {} } } }, 'Deployment')).toThrow(
      "patch content doesn't match retainKeys list",
    );
  });

  it('$patch: delete removes one list element by merge key', () => {
    const d = patchDemo();
    podSpec(d).containers.push({ name: 'sidecar', image: 'envoy' });
    const out = applyPatch(d, 'strategic', { spec: { template: { spec: { containers: [{ name: 'sidecar', $patch: 'delete' }] } } } }, 'Deployment');
    expect(podSpec(out).containers.map((c: any) => c.name)).toEqual(['patch-demo-ctr']);
  });

  it('$patch: replace on a list element replaces the whole list', () => {
    const out = applyPatch(patchDemo(), 'strategic', { spec: { template: { spec: { containers: [{ name: 'only', image: 'busybox' }, { $patch: 'replace' }] } } } }, 'Deployment');
    expect(podSpec(out).containers).toEqual([{ name: 'only', image: 'busybox' }]);
  });

  it('$patch: replace on a map replaces the map; $patch: delete empties it', () => {
    const r: any = applyPatch(patchDemo(), 'strategic', { metadata: { labels: { $patch: 'replace', tier: 'web' } } }, 'Deployment');
    expect(r.metadata.labels).toEqual({ tier: 'web' });
    const d: any = applyPatch(patchDemo(), 'strategic', { spec: { selector: { $patch: 'delete' } } }, 'Deployment');
    expect(d.spec.selector).toEqual({});
  });

  it('$patch: merge inside a list and unknown directives are errors', () => {
    expect(() => applyPatch(patchDemo(), 'strategic', { spec: { template: { spec: { containers: [{ $patch: 'merge' }] } } } }, 'Deployment')).toThrow(
      'merging lists cannot yet be specified in the patch',
    );
    expect(() => applyPatch(patchDemo(), 'strategic', { metadata: { labels: { $patch: 'frob' } } }, 'Deployment')).toThrow('unknown patch type: frob in map: map[$patch:frob]');
  });

  it('$setElementOrder orders the merged list', () => {
    const d = patchDemo();
    podSpec(d).containers = [
      { name: 'a', image: 'a:1' },
      { name: 'b', image: 'b:1' },
      { name: 'c', image: 'c:1' },
    ];
    const out = applyPatch(
      d,
      'strategic',
      {
        spec: {
          template: {
            spec: { $setElementOrder: undefined, '$setElementOrder/containers': [{ name: 'c' }, { name: 'a' }, { name: 'b' }], containers: [{ name: 'a', image: 'a:2' }] },
          },
        },
      },
      'Deployment',
    );
    expect(podSpec(out).containers).toEqual([
      { name: 'c', image: 'c:1' },
      { name: 'a', image: 'a:2' },
      { name: 'b', image: 'b:1' },
    ]);
    expect(Object.keys(podSpec(out)).some((k) => k.startsWith('$'))).toBe(false);
  });

  it('$setElementOrder must agree with the patch list order', () => {
    const d = patchDemo();
    podSpec(d).containers = [{ name: 'a' }, { name: 'b' }];
    expect(() =>
      applyPatch(d, 'strategic', { spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'b' }, { name: 'a' }], containers: [{ name: 'a', image: 'x' }, { name: 'b', image: 'y' }] } } } }, 'Deployment'),
    ).toThrow("doesn't match $setElementOrder list");
  });

  it('$deleteFromPrimitiveList removes values from a merging list of strings', () => {
    const obj = { metadata: { name: 'x', finalizers: ['a', 'b', 'c'] } };
    const out: any = strategicMergePatch(obj, { metadata: { '$deleteFromPrimitiveList/finalizers': ['b'] } }, 'ConfigMap');
    expect(out.metadata.finalizers).toEqual(['a', 'c']);
  });

  it('finalizers merge as a set, placed by the live order and the patch order', () => {
    const out: any = strategicMergePatch({ metadata: { finalizers: ['a', 'b'] } }, { metadata: { finalizers: ['b', 'x'] } }, 'ConfigMap');
    expect(out.metadata.finalizers).toEqual(['a', 'b', 'x']);
    const added: any = strategicMergePatch({ metadata: { finalizers: ['a'] } }, { metadata: { finalizers: ['x'] } }, 'ConfigMap');
    expect(added.metadata.finalizers).toEqual(['x', 'a']);
  });

  it('null deletes a key; a null for a missing key is dropped', () => {
    const out: any = applyPatch(patchDemo(), 'strategic', { metadata: { labels: { app: null, gone: null } }, spec: { replicas: null } }, 'Deployment');
    expect(out.metadata.labels).toEqual({});
    expect('replicas' in out.spec).toBe(false);
  });

  it('ports merge by containerPort, env by name, volumeMounts by mountPath', () => {
    const d = patchDemo();
    podSpec(d).containers[0].env = [{ name: 'A', value: '1' }];
    podSpec(d).containers[0].volumeMounts = [{ name: 'data', mountPath: '/data' }];
    const out = applyPatch(
      d,
      'strategic',
      {
        spec: {
          template: {
            spec: {
              containers: [
                {
                  name: 'patch-demo-ctr',
                  ports: [{ containerPort: 80, name: 'http' }, { containerPort: 443 }],
                  env: [{ name: 'B', value: '2' }],
                  volumeMounts: [{ mountPath: '/data', readOnly: true }],
                },
              ],
            },
          },
        },
      },
      'Deployment',
    );
    const c = podSpec(out).containers[0];
    expect(c.ports).toEqual([{ containerPort: 80, name: 'http' }, { containerPort: 443 }]);
    expect(c.env).toEqual([
      { name: 'B', value: '2' },
      { name: 'A', value: '1' },
    ]);
    expect(c.volumeMounts).toEqual([{ name: 'data', mountPath: '/data', readOnly: true }]);
  });

  it('Service ports merge by port; pod conditions by type; ownerReferences by uid', () => {
    const svc: any = strategicMergePatch(
      { spec: { ports: [{ port: 80, targetPort: 8080 }] } },
      { spec: { ports: [{ port: 80, targetPort: 9090 }, { port: 443 }] } },
      'Service',
    );
    expect(svc.spec.ports).toEqual([{ port: 80, targetPort: 9090 }, { port: 443 }]);
    const pod: any = strategicMergePatch(
      { status: { conditions: [{ type: 'Ready', status: 'False' }, { type: 'PodScheduled', status: 'True' }] } },
      { status: { conditions: [{ type: 'Ready', status: 'True' }] } },
      'Pod',
    );
    expect(pod.status.conditions).toEqual([
      { type: 'Ready', status: 'True' },
      { type: 'PodScheduled', status: 'True' },
    ]);
    const owned: any = strategicMergePatch(
      { metadata: { ownerReferences: [{ uid: '1', name: 'a' }] } },
      { metadata: { ownerReferences: [{ uid: '2', name: 'b' }] } },
      'Pod',
    );
    expect(owned.metadata.ownerReferences.map((r: any) => r.uid)).toEqual(['2', '1']);
  });

  it('CronJob pod templates are typed deep down', () => {
    expect(patchMetaAt('CronJob', 'spec.jobTemplate.spec.template.spec.containers')).toMatchObject({ strategy: 'merge', mergeKey: 'name' });
    expect(patchMetaAt('Pod', 'spec.containers.volumeMounts')).toMatchObject({ mergeKey: 'mountPath' });
    expect(patchMetaAt('Pod', 'spec.tolerations')).toEqual({});
    expect(patchMetaAt('Service', 'spec.ports')).toMatchObject({ mergeKey: 'port' });
  });

  it('a merge-list element without its merge key is an error', () => {
    expect(() => applyPatch(patchDemo(), 'strategic', { spec: { template: { spec: { containers: [{ image: 'x' }] } } } }, 'Deployment')).toThrow(
      'map: map[image:x] does not contain declared merge key: name',
    );
  });

  it('lists of unknown kinds are atomic; maps still merge', () => {
    const out: any = strategicMergePatch({ spec: { items: [{ name: 'a' }], m: { x: 1 } } }, { spec: { items: [{ name: 'b' }], m: { y: 2 } } }, 'Widget');
    expect(out.spec).toEqual({ items: [{ name: 'b' }], m: { x: 1, y: 2 } });
  });

  it('directives in a brand-new subtree are applied, not stored', () => {
    const out: any = strategicMergePatch({ metadata: { name: 'p' } }, { spec: { containers: [{ name: 'a', image: 'x', env: null }, { name: 'gone', $patch: 'delete' }] } }, 'Pod');
    expect(out.spec).toEqual({ containers: [{ name: 'a', image: 'x' }] });
  });

  it('does not modify its inputs; a non-object patch is an invalid document', () => {
    const d = patchDemo();
    const p = { spec: { template: { spec: { containers: [{ name: 'z', $patch: 'delete' }] } } } };
    const before = JSON.stringify([d, p]);
    strategicMergePatch(d, p, 'Deployment');
    expect(JSON.stringify([d, p])).toBe(before);
    expect(() => strategicMergePatch(d, [1], 'Deployment')).toThrow('invalid JSON document');
  });

  it('apply (server-side, simplified) merges the configuration like a strategic patch', () => {
    const out: any = applyPatch(
      patchDemo(),
      'apply',
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: patch-demo\nspec:\n  template:\n    spec:\n      containers:\n      - name: patch-demo-ctr\n        image: nginx:2\n',
      'Deployment',
    );
    expect(podSpec(out).containers).toEqual([{ name: 'patch-demo-ctr', image: 'nginx:2', ports: [{ containerPort: 80 }] }]);
    expect(out.spec.replicas).toBe(2);
  });
});

describe('two-way strategic diff', () => {
  it('builds delete directives, primitive deletion lists and element order', () => {
    const original = { metadata: { finalizers: ['a', 'b'] }, spec: { containers: [{ name: 'a', image: '1' }, { name: 'b', image: '1' }] } };
    const modified = { metadata: { finalizers: ['a'] }, spec: { containers: [{ name: 'b', image: '2' }] } };
    const patch = createTwoWayMergePatch(original, modified, 'Pod');
    expect(patch).toEqual({
      metadata: { '$deleteFromPrimitiveList/finalizers': ['b'], '$setElementOrder/finalizers': ['a'] },
      spec: {
        containers: [{ name: 'b', image: '2' }, { name: 'a', $patch: 'delete' }],
        '$setElementOrder/containers': [{ name: 'b' }],
      },
    });
    expect(strategicMergePatch(original, patch, 'Pod')).toEqual(modified);
  });

  it('builds $retainKeys for retainKeys fields', () => {
    const d = patchDemo();
    const m = patchDemo();
    (m.spec as any).strategy = { type: 'Recreate' };
    const patch = createTwoWayMergePatch(d, m, 'Deployment');
    expect(patch).toEqual({ spec: { strategy: { $retainKeys: ['type'], type: 'Recreate', rollingUpdate: null } } });
    expect(strategicMergePatch(d, patch, 'Deployment')).toEqual(m);
  });

  // Pods with uniquely named containers, env lists and labels.
  const name = fc.constantFrom('a', 'b', 'c', 'd');
  const env = fc.uniqueArray(fc.record({ name: fc.constantFrom('X', 'Y', 'Z'), value: fc.constantFrom('1', '2') }), { selector: (e) => e.name, maxLength: 3 });
  const container = fc.record({ name, image: fc.constantFrom('nginx', 'redis'), env }, { requiredKeys: ['name'] });
  const pod = fc.record(
    {
      metadata: fc.record({ labels: fc.dictionary(fc.constantFrom('app', 'tier', 'x'), fc.constantFrom('1', '2')), finalizers: fc.uniqueArray(fc.constantFrom('f1', 'f2', 'f3'), { maxLength: 3 }) }, { requiredKeys: [] }),
      spec: fc.record(
        {
          containers: fc.uniqueArray(container, { selector: (c) => c.name, maxLength: 4 }),
          tolerations: fc.array(fc.record({ key: fc.constantFrom('k1', 'k2') }), { maxLength: 2 }),
          nodeName: fc.constantFrom('n1', 'n2'),
        },
        { requiredKeys: [] },
      ),
    },
    { requiredKeys: [] },
  );

  it('property: applying the two-way patch reproduces the modified object exactly (order included)', () => {
    fc.assert(
      fc.property(pod, pod, (a, b) => {
        const patch = createTwoWayMergePatch(a, b, 'Pod');
        // Kubernetes sorts a primitive merge list before deciding whether its order changed,
        // so reordering finalizers into sorted order is not carried: compare them as sets.
        const sets = (o: any) => (o.metadata?.finalizers ? { ...o, metadata: { ...o.metadata, finalizers: [...o.metadata.finalizers].sort() } } : o);
        expect(sets(strategicMergePatch(a, patch, 'Pod'))).toEqual(sets(b));
      }),
      { numRuns: 300 },
    );
  });
});
