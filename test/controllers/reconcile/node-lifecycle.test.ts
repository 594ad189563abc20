// Node lifecycle controller, one monitoring pass at a time (its unit of work is
// tick(), not a key; pkg/controller/nodelifecycle node_lifecycle_controller_test.go:
// TestMonitorNodeHealthUpdateStatus, TestMonitorNodeHealthMarkPodsNotReady,
// TestApplyNoExecuteTaints).
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../src/api/meta.js';
import { NodeLifecycleController, TAINT_NOT_READY, TAINT_UNREACHABLE } from '../../../src/controllers/node-lifecycle.js';
import { del, newFixture, syncOnce, update, updateStatus, type Fixture } from './fixture.js';
import { markRunning, pod } from './pods.js';

const GRACE = 40_000;

function node(name: string, at: number): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name },
    status: { conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', lastHeartbeatTime: new Date(at).toISOString(), lastTransitionTime: new Date(at).toISOString() }] },
  };
}

async function heartbeat(f: Fixture, name: string): Promise<void> {
  const ts = new Date(f.clock.now()).toISOString();
  await f.api.modify('Node', '', name, (n) => {
    n.status.conditions[0].lastHeartbeatTime = ts;
  }, { status: true });
  f.clear();
}

/** A node with one running pod, seen once by the controller while healthy. */
async function setup() {
  const f = newFixture();
  await f.seed(node('n1', f.clock.now()), pod('app', { nodeName: 'n1' }));
  await markRunning(f, 'app', { ip: '10.0.0.5' });
  const nlc = new NodeLifecycleController({ api: f.api, clock: f.clock, gracePeriodMs: GRACE });
  const c = { reconcileNow: () => nlc.tick() };
  expect(await syncOnce(f, c, '')).toEqual([]);
  return { f, c };
}

describe('node-lifecycle reconcile', () => {
  it('marks a silent node Unknown, its pods not ready, and taints it unreachable', async () => {
    const { f, c } = await setup();
    f.clock.advance(GRACE + 1);
    expect(await syncOnce(f, c, '')).toEqual([
      updateStatus('nodes', undefined, 'n1'),
      updateStatus('pods', 'default', 'app'),
      update('nodes', undefined, 'n1'),
    ]);
    expect(f.events()).toEqual(['Normal NodeNotReady Node n1 status is now: NodeNotReady', 'Warning NodeNotReady Node is not ready']);
    expect(f.api.get('Node', '', 'n1')?.spec?.taints?.map((t: { key: string; effect: string }) => `${t.key}:${t.effect}`)).toEqual([
      `${TAINT_UNREACHABLE}:NoSchedule`,
      `${TAINT_UNREACHABLE}:NoExecute`,
    ]);
  });

  it('evicts the pods of an unreachable node once their default toleration (300 s) runs out', async () => {
    const { f, c } = await setup();
    f.clock.advance(GRACE + 1);
    await syncOnce(f, c, '');
    f.clock.advance(300_000);
    expect(await syncOnce(f, c, '')).toEqual([del('pods', 'default', 'app')]);
  });

  it('removes the taints when the node is heard from again', async () => {
    const { f, c } = await setup();
    f.clock.advance(GRACE + 1);
    await syncOnce(f, c, '');
    await f.api.modify('Node', '', 'n1', (n) => {
      n.status.conditions = [{ type: 'Ready', status: 'True', lastHeartbeatTime: new Date(f.clock.now()).toISOString() }];
    }, { status: true });
    expect(await syncOnce(f, c, '')).toEqual([update('nodes', undefined, 'n1')]);
    expect(f.events()).toEqual(['Normal NodeReady Node n1 status is now: NodeReady']);
  });

  it('does nothing while a node keeps posting heartbeats', async () => {
    const { f, c } = await setup();
    for (let i = 0; i < 3; i++) {
      f.clock.advance(GRACE / 2);
      await heartbeat(f, 'n1');
      expect(await syncOnce(f, c, '')).toEqual([]);
    }
    expect(f.events()).toEqual([]);
  });

  it('does nothing more to an unreachable node while its pods’ tolerations last', async () => {
    const { f, c } = await setup();
    f.clock.advance(GRACE + 1);
    await syncOnce(f, c, '');
    f.clock.advance(60_000);
    expect(await syncOnce(f, c, '')).toEqual([]);
    expect(f.events()).toEqual([]);
  });

  it('taints a node its kubelet reports NotReady once, then does nothing while it keeps saying so', async () => {
    const f = newFixture();
    const ts = () => new Date(f.clock.now()).toISOString();
    await f.seed({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'sick' }, status: { conditions: [{ type: 'Ready', status: 'False', reason: 'KubeletNotReady', lastHeartbeatTime: ts() }] } });
    const nlc = new NodeLifecycleController({ api: f.api, clock: f.clock, gracePeriodMs: GRACE });
    const c = { reconcileNow: () => nlc.tick() };
    expect(await syncOnce(f, c, '')).toEqual([update('nodes', undefined, 'sick')]);
    expect(f.api.get('Node', '', 'sick')?.spec?.taints?.map((t: { key: string }) => t.key)).toEqual([TAINT_NOT_READY, TAINT_NOT_READY]);
    for (let i = 0; i < 3; i++) {
      f.clock.advance(10_000);
      await f.api.modify('Node', '', 'sick', (n) => {
        n.status.conditions[0].lastHeartbeatTime = ts();
      }, { status: true });
      expect(await syncOnce(f, c, '')).toEqual([]);
    }
    expect(f.events()).toEqual([]);
  });
});
