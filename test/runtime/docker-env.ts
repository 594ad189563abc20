// Shared set-up for tests against the real Docker engine: finds out whether an
// engine answers (skip with a printed reason when not; under CI, fail), gives
// each test file its own instance label and network, and removes everything
// carrying that label afterwards.
import { randomBytes } from 'node:crypto';
import Dockerode from 'dockerode';
import type { KubeObject } from '../../src/api/meta.js';
import { LABEL_INSTANCE, LABEL_SANDBOX } from '../../src/kubelet/runtime/types.js';
import { until } from '../helpers/wait.js';

export const TEST_IMAGE = 'kubeterm/busybox:latest';

export async function dockerOrSkipReason(): Promise<{ docker?: Dockerode; reason?: string }> {
  const docker = new Dockerode();
  try {
    await Promise.race([docker.ping(), new Promise((_, rej) => setTimeout(() => rej(new Error('ping timed out after 5s')), 5000).unref())]);
    await docker.getImage(TEST_IMAGE).inspect();
    return { docker };
  } catch (e) {
    const reason = `no Docker engine with ${TEST_IMAGE} (${(e as Error).message}); run .ci/docker-setup.sh`;
    if (process.env.CI) throw new Error(`CI requires Docker: ${reason}`);
    console.log(`SKIP docker tests: ${reason}`);
    return { reason };
  }
}

export function uniqueInstance(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

/**
 * Removes every container labelled with the instance — app containers before
 * the sandboxes whose network namespace they share (the other order can leave
 * a stale endpoint on the network) — then the network (if given).
 */
export async function cleanupDocker(docker: Dockerode, instance: string, network?: string): Promise<void> {
  const list = await docker.listContainers({ all: true, filters: { label: [`${LABEL_INSTANCE}=${instance}`] } });
  const remove = (cs: typeof list) => Promise.all(cs.map((c) => docker.getContainer(c.Id).remove({ force: true, v: true }).catch(() => undefined)));
  await remove(list.filter((c) => c.Labels?.[LABEL_SANDBOX] !== 'true'));
  await remove(list.filter((c) => c.Labels?.[LABEL_SANDBOX] === 'true'));
  if (!network) return;
  for (let i = 0; i < 10; i++) {
    const gone = await docker.getNetwork(network).remove().then(
      () => true,
      (e) => (e as { statusCode?: number }).statusCode === 404,
    );
    if (gone) return;
    await new Promise((r) => setTimeout(r, 300));
  }
}

let seq = 0;
export function testPod(name: string, containers: Record<string, unknown>[] = [{ name: 'main', image: TEST_IMAGE }]): KubeObject {
  seq++;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', uid: `uid-${name}-${seq}-${randomBytes(3).toString('hex')}` },
    spec: { containers },
  };
}

/** `until` with the argument order these Docker tests were written in. */
export function waitFor<T>(fn: () => Promise<T | undefined | false>, timeoutMs = 10_000, what = 'condition'): Promise<NonNullable<T>> {
  return until(what, fn, timeoutMs);
}
