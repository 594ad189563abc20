// Remote watches when things go wrong, against kubeterm's real API server:
// the server stops, the cluster changes meanwhile, a new server comes up on
// the same port — the client reports the lost connection, reconnects by
// itself, and the caller sees what changed (and nothing twice); and a version
// older than the server's replay log gets 410 Expired and a re-list. (The
// second test talks to whichever server holds the port: the first's
// replacement, or the original when run alone.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiServer, ensureServingCert } from '../../src/apiserver/index.js';
import type { WatchEvent } from '../../src/api/store-types.js';
import { KubeClient } from '../../src/client/kube.js';
import { FakeClock } from '../../src/util/clock.js';
import { startLiveCluster, waitFor, type LiveCluster } from './kube-harness.js';

let live: LiveCluster;
let replacement: ApiServer | undefined;

beforeAll(async () => {
  live = await startLiveCluster();
}, 30_000);

afterAll(async () => {
  await replacement?.stop();
  await live?.close();
});

describe('KubeClient watch across an API server restart', () => {
  it('reports the loss, reconnects with backoff, and delivers the changes made while it was away', async () => {
    // The reconnect backoff runs on a fake clock, so a slow machine cannot stretch it past the test's deadline.
    const clock = new FakeClock();
    const client = await KubeClient.fromKubeconfig(live.kubeconfig, undefined, { clock });
    const api = live.engine.api;
    await api.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'keep', namespace: 'default' }, data: { v: '1' } });
    await api.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'drop', namespace: 'default' } });
    const events: WatchEvent[] = [];
    const errors: Error[] = [];
    const sub = client.watch('ConfigMap', { namespace: 'default' }, (e) => events.push(e), (e) => errors.push(e));
    try {
      await waitFor(() => events.filter((e) => e.type === 'ADDED').length >= 2, 'the initial ADDED events');
      const port = new URL(live.url).port;

      await live.server.stop();
      await api.modify('ConfigMap', 'default', 'keep', (o) => {
        o.data = { v: '2' };
      });
      await api.delete('ConfigMap', 'default', 'drop');
      await api.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'new', namespace: 'default' } });
      // The stream ends with the server; the reconnect after the backoff finds nobody listening.
      await waitFor(() => {
        clock.advance(1000);
        return errors.length > 0;
      }, 'the lost connection to be reported');
      // Refused, or reset when a request was in flight as the server went away.
      expect(errors[0].message).toMatch(/^cannot reach the Kubernetes API server at https:\/\/127\.0\.0\.1:\d+ \(kubeconfig context "kubeterm"\): connection (refused|reset)$/);

      const cert = await ensureServingCert(live.dir);
      replacement = new ApiServer({ api, host: '127.0.0.1', port: Number(port), token: live.token, tls: { cert: cert.cert, key: cert.key } });
      await replacement.start();

      const changed = (name: string, type: string) => events.some((e) => e.type === type && e.object.metadata.name === name);
      // Nothing is retried until the backoff is due; then one step of the clock brings the watch back.
      expect(changed('new', 'ADDED')).toBe(false);
      await waitFor(
        () => {
          clock.advance(1000);
          return changed('keep', 'MODIFIED') && changed('drop', 'DELETED') && changed('new', 'ADDED');
        },
        'the changes made meanwhile',
        20_000,
      );
      const keep = events.find((e) => e.type === 'MODIFIED' && e.object.metadata.name === 'keep')!;
      expect(keep.object.data).toEqual({ v: '2' });
      expect(keep.oldObject?.data).toEqual({ v: '1' });
      // Each object was announced once.
      expect(events.filter((e) => e.type === 'ADDED').map((e) => e.object.metadata.name).sort()).toEqual(
        [...new Set(events.filter((e) => e.type === 'ADDED').map((e) => e.object.metadata.name))].sort(),
      );
    } finally {
      sub.stop();
      await client.close();
    }
  }, 40_000);

  it('re-lists when the server answers 410 Expired for a version that fell out of its replay log', async () => {
    const client = await KubeClient.fromKubeconfig(live.kubeconfig);
    const api = live.engine.api;
    await api.create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'old', namespace: 'default' } });
    const { resourceVersion } = await client.list('Secret', { namespace: 'default' });
    // Push the version out of the store's replay log (10,000 events).
    await api.create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'churn', namespace: 'default' } });
    for (let i = 0; i < 10_050; i++) {
      await api.modify('Secret', 'default', 'churn', (o) => {
        o.stringData = undefined;
        o.data = { n: Buffer.from(String(i)).toString('base64') };
      });
    }
    const events: WatchEvent[] = [];
    const errors: Error[] = [];
    const sub = client.watch('Secret', { namespace: 'default', resourceVersion }, (e) => events.push(e), (e) => errors.push(e));
    try {
      await waitFor(() => events.length >= 2, 'the re-list after 410');
      expect(errors[0]).toMatchObject({ code: 410, reason: 'Expired' });
      expect(events.map((e) => `${e.type} ${e.object.metadata.name}`).sort()).toEqual(['ADDED churn', 'ADDED old']);
      // ... and the watch goes on from the re-list's version.
      await api.delete('Secret', 'default', 'old');
      await waitFor(() => events.some((e) => e.type === 'DELETED' && e.object.metadata.name === 'old'), 'DELETED old');
    } finally {
      sub.stop();
      await client.close();
    }
  }, 60_000);
});
