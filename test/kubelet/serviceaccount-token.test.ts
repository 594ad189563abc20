// The kube-api-access volume on the kubelet, with a FakeClock: the token
// bound to the pod, ca.crt and namespace written as files and mounted
// read-only at /var/run/secrets/kubernetes.io/serviceaccount; the token
// rewritten (atomically, a new ..data version) by the volume resync once 80%
// of its lifetime has passed and not before; a failing token source is a
// FailedMount with the kubelet's words; and the KUBERNETES_* service
// variables in every container.
import { mkdtempSync, readFileSync, readlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_API_TOKEN_MOUNT_PATH, tokenVolumeSource } from '../../src/api/admission/index.js';
import type { Pod } from '../../src/api/types/pod.js';
import { TokenManager, type TokenRequest } from '../../src/kubelet/volumes/index.js';
import { FakeClock } from '../../src/util/clock.js';
import { KUBERNETES_SERVICE_ENV } from '../helpers/service-env.js';
import { boundPod, eventsOf, kubeletEnv, kubeletsStoppedAfterEach, recordContainerConfigs, settle } from './helpers.js';

const CA = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const TTL = 3607;
const kubelets = kubeletsStoppedAfterEach();

function setup(opts: { fail?: () => string | undefined } = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'kt-satoken-'));
  kubelets.dirs.push(dataDir);
  const requests: TokenRequest[] = [];
  let n = 0;
  const holder: { clock?: FakeClock } = {};
  const env = kubeletEnv({
    kubelet: {
      dataDir,
      volumeResyncMs: 60_000,
      serviceAccountTokens: async (req) => {
        const why = opts.fail?.();
        if (why) throw new Error(why);
        requests.push(req);
        n++;
        return { token: `token-${n}`, expirationTimestamp: new Date(holder.clock!.now() + req.expirationSeconds * 1000).toISOString() };
      },
    },
  });
  holder.clock = env.clock;
  const configs = recordContainerConfigs(env.driver);
  return { ...env, dataDir, requests, configs };
}

function apiAccessPod(name: string): Pod {
  const p = boundPod(name, { spec: { serviceAccountName: 'default', volumes: [{ name: 'kube-api-access-x7k2q', projected: tokenVolumeSource() }] } });
  p.spec.containers[0].volumeMounts = [{ name: 'kube-api-access-x7k2q', readOnly: true, mountPath: DEFAULT_API_TOKEN_MOUNT_PATH }];
  return p;
}

async function seed(env: ReturnType<typeof setup>): Promise<void> {
  await env.api.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'kube-root-ca.crt', namespace: 'default' }, data: { 'ca.crt': CA } });
  await env.api.create({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'kubernetes', namespace: 'default' },
    spec: { clusterIP: '10.96.0.1', ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }] },
  });
}

async function start(env: ReturnType<typeof setup>): Promise<void> {
  await kubelets.start(env.kubelet);
}

describe('the kube-api-access volume on the kubelet', () => {
  it('writes token, ca.crt and namespace, bound to the pod, and mounts them read-only', async () => {
    const env = setup();
    await seed(env);
    await start(env);
    const p = await env.api.create(apiAccessPod('web'));
    await settle(env.kubelet);
    expect(env.api.get('Pod', 'default', 'web')!.status?.phase).toBe('Running');
    const dir = join(env.dataDir, 'pods', p.metadata.uid!, 'volumes', 'kube-api-access-x7k2q');
    expect(readFileSync(join(dir, 'token'), 'utf8')).toBe('token-1');
    expect(readFileSync(join(dir, 'ca.crt'), 'utf8')).toBe(CA);
    expect(readFileSync(join(dir, 'namespace'), 'utf8')).toBe('default');
    expect(env.requests).toEqual([{ namespace: 'default', serviceAccountName: 'default', audiences: [], expirationSeconds: TTL, pod: { name: 'web', uid: p.metadata.uid } }]);
    expect(env.configs[0].mounts).toContainEqual({ hostPath: dir, containerPath: DEFAULT_API_TOKEN_MOUNT_PATH, readOnly: true });
  });

  it('refreshes the token once 80% of its lifetime has passed (not before), rewriting it atomically', async () => {
    const env = setup();
    await seed(env);
    await start(env);
    const p = await env.api.create(apiAccessPod('web'));
    await settle(env.kubelet);
    const dir = join(env.dataDir, 'pods', p.metadata.uid!, 'volumes', 'kube-api-access-x7k2q');
    const version1 = readlinkSync(join(dir, '..data'));
    // Resyncs every minute until 80% of 3607 s (2885.6 s): the cached token is written again, unchanged.
    for (let t = 0; t < 2880; t += 60) {
      env.clock.advance(60_000);
      await settle(env.kubelet);
    }
    expect(env.requests).toHaveLength(1);
    expect(readlinkSync(join(dir, '..data'))).toBe(version1);
    env.clock.advance(60_000); // 2940 s: past 80%
    await settle(env.kubelet);
    expect(env.requests).toHaveLength(2);
    expect(readFileSync(join(dir, 'token'), 'utf8')).toBe('token-2');
    expect(readlinkSync(join(dir, '..data'))).not.toBe(version1);
    // The other files are the same, in the new version.
    expect(readFileSync(join(dir, 'ca.crt'), 'utf8')).toBe(CA);
    expect(readlinkSync(join(dir, 'token'))).toBe('..data/token');
  });

  it('a token source that refuses is a FailedMount in the kubelet words; the pod starts as soon as the ServiceAccount appears', async () => {
    const box: { env?: ReturnType<typeof setup> } = {};
    const env = (box.env = setup({ fail: () => (box.env!.api.get('ServiceAccount', 'default', 'default') ? undefined : 'serviceaccounts "default" not found') }));
    await seed(env);
    await start(env);
    await env.api.create(apiAccessPod('web'));
    await settle(env.kubelet);
    expect(env.api.get('Pod', 'default', 'web')!.status?.phase).toBe('Pending');
    expect(eventsOf(env.api, 'web')).toContainEqual(
      expect.objectContaining({
        reason: 'FailedMount',
        type: 'Warning',
        message: 'MountVolume.SetUp failed for volume "kube-api-access-x7k2q" : failed to fetch token: serviceaccounts "default" not found',
      }),
    );
    // No clock step: the ServiceAccount's arrival retries the mount.
    await env.api.create({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: 'default' } });
    await settle(env.kubelet);
    expect(env.api.get('Pod', 'default', 'web')!.status?.phase).toBe('Running');
  });

  it('gives every container KUBERNETES_SERVICE_HOST, KUBERNETES_SERVICE_PORT and the KUBERNETES_PORT_443_TCP family', async () => {
    const env = setup();
    await seed(env);
    await start(env);
    const p = apiAccessPod('two');
    p.spec.containers.push({ name: 'side', image: 'busybox' });
    p.spec.enableServiceLinks = false; // the kubernetes Service's variables come regardless
    await env.api.create(p);
    await settle(env.kubelet);
    expect(env.configs.map((c) => c.name).sort()).toEqual(['app', 'side']);
    for (const c of env.configs) {
      const vars = Object.fromEntries(c.env.map((e) => [e.name, e.value]));
      expect(vars, c.name).toMatchObject(KUBERNETES_SERVICE_ENV);
    }
  });
});

describe('TokenManager', () => {
  const req: TokenRequest = { namespace: 'ns', serviceAccountName: 'sa', audiences: [], expirationSeconds: 1000, pod: { name: 'p', uid: 'u1' } };

  it('caches per request and pod, refreshes at 80% of the TTL or after 24 h, forgets a pod', async () => {
    const clock = new FakeClock();
    let n = 0;
    const issued: number[] = [];
    const m = new TokenManager({
      clock,
      source: async (r) => {
        issued.push(clock.now());
        return { token: `t${++n}`, expirationTimestamp: clock.now() + r.expirationSeconds * 1000 };
      },
    });
    expect(await m.get(req)).toBe('t1');
    clock.advance(799_000);
    expect(await m.get(req)).toBe('t1');
    clock.advance(1_000); // 800 s of 1000 s
    expect(await m.get(req)).toBe('t2');
    expect(await m.get({ ...req, pod: { name: 'q', uid: 'u2' } })).toBe('t3');
    expect(await m.get({ ...req, audiences: ['vault'] })).toBe('t4');
    expect(m.size).toBe(3);
    m.forgetPod('u1');
    expect(m.size).toBe(1);
    // A year-long token is still refreshed a day after it was issued.
    const long = { ...req, expirationSeconds: 365 * 24 * 3600 };
    expect(await m.get(long)).toBe('t5');
    clock.advance(24 * 3600 * 1000 - 1);
    expect(await m.get(long)).toBe('t5');
    clock.advance(1);
    expect(await m.get(long)).toBe('t6');
  });

  it('keeps serving a still-valid token when a refresh fails, and fails with "failed to fetch token" when there is none', async () => {
    const clock = new FakeClock();
    let fail = false;
    const m = new TokenManager({
      clock,
      source: async (r) => {
        if (fail) throw new Error('serviceaccounts "sa" not found');
        return { token: 'ok', expirationTimestamp: new Date(clock.now() + r.expirationSeconds * 1000).toISOString() };
      },
    });
    expect(await m.get(req)).toBe('ok');
    fail = true;
    clock.advance(900_000);
    expect(await m.get(req)).toBe('ok');
    clock.advance(100_000);
    await expect(m.get(req)).rejects.toThrow('failed to fetch token: serviceaccounts "sa" not found');
  });
});
