// StatefulSet controller, one sync at a time (pkg/controller/statefulset
// stateful_set_control_test.go: CreatesPods, ScalesDown, OrderedReady): the
// revision, then pods one ordinal at a time as each turns Ready, the highest
// ordinal first on scale-down; a StatefulSet with all its pods Ready writes nothing.
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../src/api/meta.js';
import { newStatefulSetController } from '../../../src/controllers/statefulset.js';
import { create, del, expectNoWritesNowOrLater, newFixture, seededWith, syncOnce, updateStatus } from './fixture.js';
import { runAll } from './pods.js';

const sts = (replicas: number): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: { name: 'web', namespace: 'default' },
  spec: {
    replicas,
    serviceName: 'web',
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: 'nginx:1.25' }] } },
  },
});
const revision = expect.stringMatching(/^web-[0-9a-f]+$/);

/** A seeded StatefulSet of `replicas`, synced until every ordinal runs Ready (OrderedReady: one ordinal per round). */
async function allReady(replicas: number) {
  const { f, c } = await seededWith(newStatefulSetController, sts(replicas));
  for (let i = 0; i < replicas; i++) {
    await f.converge(c, 'default/web');
    await runAll(f);
  }
  await f.converge(c, 'default/web');
  return { f, c };
}

describe('statefulset reconcile', () => {
  it('records the revision, creates web-0 only, then writes status', async () => {
    const { f, c } = await seededWith(newStatefulSetController, sts(2));
    expect(await syncOnce(f, c, 'default/web')).toEqual([
      create('controllerrevisions', 'default', revision),
      create('pods', 'default', 'web-0'),
      updateStatus('statefulsets', 'default', 'web'),
    ]);
    expect(f.events()).toEqual(['Normal SuccessfulCreate create Pod web-0 in StatefulSet web successful']);
  });

  it('creates web-1 once web-0 is Ready', async () => {
    const { f, c } = await seededWith(newStatefulSetController, sts(2));
    await f.converge(c, 'default/web');
    await runAll(f);
    expect(await syncOnce(f, c, 'default/web')).toEqual([create('pods', 'default', 'web-1'), updateStatus('statefulsets', 'default', 'web')]);
  });

  it('deletes the highest ordinal first on scale-down', async () => {
    const { f, c } = await allReady(3);
    await f.api.scale('StatefulSet', 'default', 'web', 1);
    f.clear();
    expect(await syncOnce(f, c, 'default/web')).toEqual([del('pods', 'default', 'web-2'), updateStatus('statefulsets', 'default', 'web')]);
  });

  it('does nothing when every replica is Ready', async () => {
    const { f, c } = await allReady(2);
    expect(f.api.list('Pod').items.map((p) => p.metadata.name)).toEqual(['web-0', 'web-1']);
    await expectNoWritesNowOrLater(f, c, 'default/web');
    expect(f.events()).toEqual([]);
  });

  it('creates the claims of its volumeClaimTemplates with its pods, then does nothing once all run', async () => {
    const f = newFixture();
    const withClaims = sts(2);
    withClaims.spec.podManagementPolicy = 'Parallel';
    withClaims.spec.volumeClaimTemplates = [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }];
    await f.seed(withClaims);
    const c = newStatefulSetController({ api: f.api, clock: f.clock });
    expect(await syncOnce(f, c, 'default/web')).toEqual([
      create('controllerrevisions', 'default', revision),
      create('persistentvolumeclaims', 'default', 'data-web-0'),
      create('pods', 'default', 'web-0'),
      create('persistentvolumeclaims', 'default', 'data-web-1'),
      create('pods', 'default', 'web-1'),
      updateStatus('statefulsets', 'default', 'web'),
    ]);
    await runAll(f);
    await f.converge(c, 'default/web');
    f.clock.advance(600_000);
    expect(await syncOnce(f, c, 'default/web')).toEqual([]);
  });
});
