// What a pod worker needs from the cluster to build a container: the lookups
// resolveEnv and the VolumeManager read through (ConfigMaps, Secrets, claims,
// the namespace's Services for service links, node allocatable), and the
// per-pod resolv.conf the kubelet writes for dnsPolicy ClusterFirst.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Api } from '../api/api.js';
import type { Pod, PodDNSConfig } from '../api/types/pod.js';
import { serviceEnvVars, type EnvLookups } from './container-env.js';
import type { Mount } from './runtime/types.js';
import type { VolumeLookups } from './volumes/index.js';

/** Cluster DNS for a namespace (what the kubelet's --cluster-dns/--cluster-domain produce); the shape of PodDNSConfig. */
export interface DnsConfig {
  nameservers: string[];
  searches: string[];
  options: { name: string; value?: string }[];
}

export type DnsConfigFn = (namespace: string) => DnsConfig | undefined;

export function clusterLookups(api: Api, pod: Pod, ips: { podIP?: string; hostIP: string }): EnvLookups & VolumeLookups {
  const ns = pod.metadata.namespace || 'default';
  const node = pod.spec.nodeName ? api.get('Node', '', pod.spec.nodeName) : undefined;
  const services = api.list('Service').items.filter((s) => s.metadata.namespace === ns || (s.metadata.namespace === 'default' && s.metadata.name === 'kubernetes'));
  return {
    configMap: (n, name) => api.get('ConfigMap', n, name),
    secret: (n, name) => api.get('Secret', n, name),
    persistentVolumeClaim: (n, name) => api.get('PersistentVolumeClaim', n, name),
    persistentVolume: (name) => api.get('PersistentVolume', '', name),
    podIP: ips.podIP,
    hostIP: ips.hostIP,
    serviceEnv: serviceEnvVars(services as never, ns, pod.spec.enableServiceLinks ?? true),
    nodeAllocatable: node?.status?.allocatable as EnvLookups['nodeAllocatable'],
  };
}

/** Whether a pod reads the named ConfigMap/Secret (env, envFrom, volumes, projected sources). */
export function podReferences(pod: Pod, kind: 'ConfigMap' | 'Secret', name: string): boolean {
  const cm = kind === 'ConfigMap';
  for (const c of [...(pod.spec.initContainers ?? []), ...pod.spec.containers]) {
    for (const f of c.envFrom ?? []) if ((cm ? f.configMapRef?.name : f.secretRef?.name) === name) return true;
    for (const e of c.env ?? []) if ((cm ? e.valueFrom?.configMapKeyRef?.name : e.valueFrom?.secretKeyRef?.name) === name) return true;
  }
  for (const v of pod.spec.volumes ?? []) {
    if ((cm ? v.configMap?.name : v.secret?.secretName) === name) return true;
    for (const s of (v.projected?.sources ?? []) as { configMap?: { name?: string }; secret?: { name?: string } }[]) {
      if ((cm ? s.configMap?.name : s.secret?.name) === name) return true;
    }
  }
  return false;
}

/**
 * The resolv.conf a pod gets, as the kubelet's dns configurer builds it:
 * ClusterFirst (the default; ClusterFirstWithHostNet for host-network pods)
 * uses cluster DNS with pod.spec.dnsConfig merged in; None uses dnsConfig
 * alone; Default (and host-network pods under ClusterFirst) keep the host's —
 * undefined here, so Docker's own file stays.
 */
export function podResolvConf(pod: Pod, cluster: DnsConfig | undefined): string | undefined {
  const policy = pod.spec.dnsPolicy ?? 'ClusterFirst';
  const extra: PodDNSConfig = pod.spec.dnsConfig ?? {};
  let base: DnsConfig;
  if (policy === 'None') base = { nameservers: [], searches: [], options: [] };
  else if (policy === 'Default') return undefined;
  else if (pod.spec.hostNetwork && policy !== 'ClusterFirstWithHostNet') return undefined;
  else if (!cluster) return undefined;
  else base = cluster;
  const uniq = (xs: string[]) => [...new Set(xs)];
  const nameservers = uniq([...base.nameservers, ...(extra.nameservers ?? [])]).slice(0, 3);
  const searches = uniq([...base.searches, ...(extra.searches ?? [])]).slice(0, 32);
  // A pod option overrides a cluster option of the same name.
  const opts = new Map<string, string>();
  for (const o of [...base.options, ...(extra.options ?? [])]) opts.set(o.name, o.value !== undefined ? `${o.name}:${o.value}` : o.name);
  const lines = [...nameservers.map((n) => `nameserver ${n}`)];
  if (searches.length) lines.push(`search ${searches.join(' ')}`);
  if (opts.size) lines.push(`options ${[...opts.values()].join(' ')}`);
  return lines.join('\n') + '\n';
}

/** Writes the pod's resolv.conf under its directory and returns the bind mount (or none). */
export async function resolvConfMount(podDir: string, pod: Pod, cluster: DnsConfig | undefined): Promise<Mount | undefined> {
  const text = podResolvConf(pod, cluster);
  if (text === undefined) return undefined;
  const file = path.join(podDir, 'etc', 'resolv.conf');
  await fs.mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await fs.writeFile(tmp, text, { mode: 0o644 });
  await fs.rename(tmp, file);
  return { hostPath: file, containerPath: '/etc/resolv.conf', readOnly: false };
}
