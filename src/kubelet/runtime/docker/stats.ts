// Container usage from one `GET /containers/{id}/stats?stream=false` reply,
// the way `docker stats` and cAdvisor compute it:
//  - cpu cores = Δ container cpu time / Δ host cpu time × online cpus
//  - memory = the working set: usage minus the inactive file cache
//    (cgroup v1: total_inactive_file, v2: inactive_file), which is what the
//    kubelet reports and evicts on.
import type { ContainerStats } from '../types.js';

export interface DockerStatsReply {
  cpu_stats?: { cpu_usage?: { total_usage?: number; percpu_usage?: number[] }; system_cpu_usage?: number; online_cpus?: number };
  precpu_stats?: { cpu_usage?: { total_usage?: number }; system_cpu_usage?: number };
  memory_stats?: { usage?: number; stats?: Record<string, number> };
}

export function statsFromDocker(s: DockerStatsReply): ContainerStats {
  const cpuDelta = (s.cpu_stats?.cpu_usage?.total_usage ?? 0) - (s.precpu_stats?.cpu_usage?.total_usage ?? 0);
  const sysDelta = (s.cpu_stats?.system_cpu_usage ?? 0) - (s.precpu_stats?.system_cpu_usage ?? 0);
  const cpus = s.cpu_stats?.online_cpus || s.cpu_stats?.cpu_usage?.percpu_usage?.length || 1;
  const cpu = cpuDelta > 0 && sysDelta > 0 ? (cpuDelta / sysDelta) * cpus : 0;
  const usage = s.memory_stats?.usage ?? 0;
  const st = s.memory_stats?.stats ?? {};
  const inactive = st.total_inactive_file ?? st.inactive_file ?? 0;
  const memory = Math.max(0, inactive < usage ? usage - inactive : usage);
  return { cpu: Number(cpu.toFixed(4)), memory };
}
