// Shared by the Docker fault tests: a bounded poll (never a fixed sleep on a
// guess), a pod's Events as {reason,type,message}, the memory of a process
// read from /proc (Linux) sampled at an interval, and Docker compared with the
// store (one running container per pod container, nothing else).
import { readFileSync } from 'node:fs';
import type Dockerode from 'dockerode';
import type { Api } from '../../src/api/api.js';
import { LABEL_CONTAINER_NAME, LABEL_INSTANCE, LABEL_POD_UID, LABEL_SANDBOX } from '../../src/kubelet/runtime/types.js';

export { until } from '../helpers/wait.js';

export function eventsOf(api: Api, name: string, namespace = 'default') {
  return api
    .list('Event', { namespace })
    .items.filter((e) => (e.involvedObject as { name: string }).name === name)
    .map((e) => ({ reason: e.reason as string, type: e.type as string, message: e.message as string }));
}

/** Resident set size of a process in bytes (VmRSS of /proc/<pid>/status), or undefined once it is gone. */
export function rssOf(pid: number): number | undefined {
  try {
    const m = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Samples `read()` every `everyMs` until stopped; `stop()` returns the samples. */
export function sampler(read: () => number | undefined, everyMs = 500) {
  const samples: number[] = [];
  const take = () => {
    const v = read();
    if (v !== undefined) samples.push(v);
  };
  take();
  const timer = setInterval(take, everyMs);
  return {
    samples,
    stop(): number[] {
      clearInterval(timer);
      take();
      return samples;
    },
  };
}

export const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

export interface PodContainers {
  name: string;
  uid: string;
  containers: string[];
}

/**
 * What is wrong between Docker and the store, or [] when each live pod has
 * exactly one running sandbox and one running container per container of its
 * spec, and nothing else of the instance runs (no duplicate, no orphan).
 */
export async function dockerMismatches(docker: Dockerode, instance: string, live: PodContainers[]): Promise<string[]> {
  const list = await docker.listContainers({ filters: { label: [`${LABEL_INSTANCE}=${instance}`], status: ['running'] } });
  const count = new Map<string, number>();
  for (const c of list) {
    const key = `${c.Labels[LABEL_POD_UID]}/${c.Labels[LABEL_SANDBOX] === 'true' ? 'POD' : c.Labels[LABEL_CONTAINER_NAME]}`;
    count.set(key, (count.get(key) ?? 0) + 1);
  }
  const wrong: string[] = [];
  const expected = new Set<string>();
  for (const p of live) {
    for (const name of ['POD', ...p.containers]) {
      const key = `${p.uid}/${name}`;
      expected.add(key);
      const n = count.get(key) ?? 0;
      if (n !== 1) wrong.push(`pod ${p.name} container ${name}: ${n} running`);
    }
  }
  for (const [key, n] of count) if (!expected.has(key)) wrong.push(`orphan ${key}: ${n} running`);
  return wrong;
}
