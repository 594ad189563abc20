// How an embedded engine is configured (the CLI's flags, tests' and benches'
// choices) and how it reports where kubectl can reach it.
import type { NodePool } from '../controllers/cluster-autoscaler.js';
import type { NetworkConfig } from '../network/index.js';
import type { Clock } from '../util/clock.js';
import type { DockerEndpoint, NodeCapacity, RuntimeChoice } from './runtime-choice.js';

export interface EngineConfig {
  /** The state file; undefined: state/'s default ($XDG_STATE_HOME/kubeterm/state.json). Ignored when persist is false. */
  stateFile?: string;
  clock?: Clock;
  runtime: RuntimeChoice;
  nodes: number;
  nodeCapacity?: NodeCapacity;
  /** false: a memory-only store (tests, benchmarks). Default true. */
  persist?: boolean;
  /** How long Events are kept (kube-apiserver --event-ttl); default one hour. */
  eventTTLMs?: number;
  /** Where the Docker engine is asked; default DOCKER_HOST or /var/run/docker.sock. */
  docker?: DockerEndpoint;
  /** Services, DNS and ingress on this host (src/network). Default off (tests); the CLI turns it on. */
  network?: false | Omit<NetworkConfig, 'api' | 'clock'>;
  /** The Kubernetes-compatible HTTPS API for kubectl. Default off (tests); the CLI serves 127.0.0.1:6443. */
  apiServer?: false | { host?: string; port?: number };
  /** Simulated node pools the cluster autoscaler may grow and shrink (`--node-pool`). */
  nodePools?: NodePool[];
  /** Where volumes, provisioned PVs, the API certificate and kubeconfig live; default beside the state file. */
  dataDir?: string;
  /** hostPath volumes: extra folders pods may mount as they are (the watched folder, --allow-host-path), and what happens to others. */
  hostPath?: { allow?: string[]; mode?: 'remap' | 'refuse' };
}

/** Where kubectl can reach this engine, or why it cannot. */
export interface ApiServerStatus {
  url?: string;
  kubeconfig?: string;
  error?: string;
}

