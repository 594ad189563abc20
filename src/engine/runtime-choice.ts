// Which container runtime an engine's kubelets use, and why (shown in the
// header and the headless banner): --runtime sim/process/docker, or `auto`,
// which asks the local Docker engine for /_ping and falls back to simulated
// pods when nothing answers. Runtime modules load only when chosen.
import Docker from 'dockerode';
import os from 'node:os';
import path from 'node:path';
import type { RuntimeName } from '../client/types.js';
import { ProcessDriver } from '../kubelet/runtime/process/index.js';
import { SimDriver } from '../kubelet/runtime/sim/sim-driver.js';
import type { RuntimeDriver } from '../kubelet/runtime/types.js';
import type { Clock } from '../util/clock.js';

export type RuntimeChoice = 'auto' | 'docker' | 'process' | 'sim';

export interface NodeCapacity {
  /** Cores. */
  cpu?: number;
  /** Bytes. */
  memory?: number;
  pods?: number;
}

export interface DockerEndpoint {
  socketPath?: string;
  host?: string;
  port?: number;
  /** How the endpoint is named in messages. */
  label: string;
}

export interface ChosenRuntime {
  runtime: RuntimeName;
  reason: string;
  /** Simulated nodes get one driver each (each its own pod range 10.244.N.0/24); Docker and process nodes share one. */
  newDriver: (node: number) => RuntimeDriver;
}

/**
 * DOCKER_HOST when it names a unix socket or a loopback TCP address, else the
 * default socket. kubeterm never contacts a Docker engine on another machine.
 */
export function dockerEndpoint(env: NodeJS.ProcessEnv = process.env): DockerEndpoint {
  const h = env.DOCKER_HOST;
  if (h?.startsWith('unix://')) return { socketPath: h.slice('unix://'.length), label: h.slice('unix://'.length) };
  const m = h?.match(/^tcp:\/\/(127\.\d+\.\d+\.\d+|localhost):(\d+)$/);
  if (m) return { host: m[1], port: Number(m[2]), label: h! };
  return { socketPath: '/var/run/docker.sock', label: '/var/run/docker.sock' };
}

/** Asks the Docker engine for `/_ping` with a short timeout. */
export async function pingDocker(ep: DockerEndpoint, timeoutMs = 2000): Promise<{ ok: true } | { ok: false; error: string }> {
  try {
    const d = ep.socketPath ? new Docker({ socketPath: ep.socketPath, timeout: timeoutMs }) : new Docker({ host: ep.host, port: ep.port, timeout: timeoutMs });
    await d.ping();
    return { ok: true };
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    return { ok: false, error: err.code ?? err.message };
  }
}

export async function chooseRuntime(opts: {
  want: RuntimeChoice;
  clock: Clock;
  instance: string;
  resources?: NodeCapacity;
  dataDir?: string;
  docker?: DockerEndpoint;
}): Promise<ChosenRuntime> {
  const { want, clock, instance, resources } = opts;
  const sim = (reason: string): ChosenRuntime => ({
    runtime: 'simulated',
    reason,
    newDriver: (i: number) => new SimDriver({ clock, podCidrIndex: i + 1, resources }),
  });
  if (want === 'sim') return sim('--runtime sim: pods are simulated, no containers run');
  if (want === 'process') {
    const driver = new ProcessDriver({ instance, resources, stateDir: path.join(opts.dataDir ?? os.tmpdir(), 'process') });
    return { runtime: 'process', reason: '--runtime process: containers run as host processes (no isolation)', newDriver: () => driver };
  }
  const endpoint = opts.docker ?? dockerEndpoint();
  const ping = await pingDocker(endpoint);
  if (!ping.ok) {
    if (want === 'docker') throw new Error(`--runtime docker: no Docker engine answered at ${endpoint.label} (${ping.error}); start Docker or use --runtime sim`);
    return sim(`SIMULATED: no Docker engine answered at ${endpoint.label} (${ping.error})`);
  }
  const { DockerDriver } = await import('../kubelet/runtime/docker/index.js');
  const docker = new DockerDriver({
    instance,
    docker: endpoint.socketPath ? new Docker({ socketPath: endpoint.socketPath }) : new Docker({ host: endpoint.host, port: endpoint.port }),
  });
  const how = want === 'docker' ? '--runtime docker' : 'Docker answered';
  return { runtime: 'docker', reason: `${how} at ${endpoint.label}`, newDriver: () => docker };
}
