// The header: where you are (context, runtime — SIMULATED loudly — folder and
// its sync state), what the cluster holds (nodes, pods by phase, CPU/memory
// with sparklines), the kubeterm version, and the key hints of the view.
import { Box, Text } from 'ink';
import type { ReactNode } from 'react';
import type { KubeObject } from '../../src/api/meta.js';
import type { ClusterInfo } from '../../src/client/types.js';
import { keyLabel, type Binding } from '../keys.js';
import { age } from '../logic/age.js';
import { formatCpu, formatMemory, parseQuantity } from '../logic/quantity.js';
import { Sparkline } from './sparkline.js';
import { recentWrite } from '../logic/last-write.js';
import { driftedObjects } from '../logic/sync-managed.js';
import type { SyncStatusLike } from '../types.js';
import type { MetricsState } from '../hooks/use-metrics.js';
import { deltaOf } from '../logic/list-delta.js';

export const HEADER_LINES = 6;
const HINT_WIDTH = 26;

export interface HeaderProps {
  info: ClusterInfo;
  version: string;
  nodes: readonly KubeObject[];
  pods: readonly KubeObject[];
  metrics: MetricsState;
  sync?: SyncStatusLike;
  hints: readonly Binding[];
  width: number;
  now: number;
}

const PHASES = ['Running', 'Pending', 'Succeeded', 'Failed', 'Unknown'] as const;
const PHASE_COLOR: Record<string, string> = { Running: 'green', Pending: 'yellow', Succeeded: 'gray', Failed: 'red', Unknown: 'red' };

const phaseOf = (p: KubeObject) => (p.status as { phase?: string } | undefined)?.phase ?? 'Pending';

/** The last list counted: the watch cache's next list applies its delta (a frame's few changes), not a recount of every pod. */
let counted: { list: readonly KubeObject[]; counts: Record<string, number> } | undefined;

export function podPhaseCounts(pods: readonly KubeObject[]): Record<string, number> {
  if (counted?.list === pods) return counted.counts;
  const delta = deltaOf(pods);
  let counts: Record<string, number>;
  if (counted && delta?.from === counted.list) {
    counts = { ...counted.counts };
    for (const p of delta.removed) if (!--counts[phaseOf(p)]) delete counts[phaseOf(p)];
    for (const p of delta.added) counts[phaseOf(p)] = (counts[phaseOf(p)] ?? 0) + 1;
  } else {
    counts = {};
    for (const p of pods) counts[phaseOf(p)] = (counts[phaseOf(p)] ?? 0) + 1;
  }
  counted = { list: pods, counts };
  return counts;
}

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Text wrap="truncate">
      <Text color="yellow">{label.padEnd(9)}</Text>
      {children}
    </Text>
  );
}

function RuntimeText({ info }: { info: ClusterInfo }) {
  if (info.runtime === 'simulated')
    return (
      <Text>
        <Text inverse bold color="yellow">
          {' SIMULATED '}
        </Text>
        <Text color="yellow">{info.runtimeReason ? ` ${info.runtimeReason}` : ' pods do not run real containers'}</Text>
      </Text>
    );
  return <Text color="cyan">{info.runtime}</Text>;
}

function SyncText({ sync, now }: { sync?: SyncStatusLike; now: number }) {
  if (!sync) return <Text dimColor>none</Text>;
  const errors = sync.errors?.length ?? 0;
  const drifted = driftedObjects(sync).size;
  const phase = sync.syncing ? 'Syncing' : sync.phase ?? 'Unknown';
  const color = errors || phase === 'Failed' ? 'red' : phase === 'Synced' ? 'green' : 'yellow';
  const wrote = recentWrite(sync.lastWrite, now);
  return (
    <Text>
      {sync.suspended ? (
        <Text inverse bold color="yellow">
          {' SYNC SUSPENDED '}
        </Text>
      ) : null}
      {sync.suspended ? ' ' : null}
      <Text color="cyan">{sync.folder ?? ''}</Text>
      <Text color={color}>{` ${phase}`}</Text>
      {sync.lastSyncTime ? <Text dimColor>{` ${age(sync.lastSyncTime, now)} ago`}</Text> : null}
      {errors ? <Text color="red">{` ${errors} error${errors > 1 ? 's' : ''}: ${firstError(sync)}`}</Text> : null}
      {drifted ? <Text color="yellow">{` ${drifted} drifted`}</Text> : null}
      {sync.dryRun ? <Text color="yellow"> (dry-run)</Text> : null}
      {wrote && !errors ? <Text color="magenta">{` wrote: ${wrote}`}</Text> : null}
    </Text>
  );
}

/** `bad.yaml:3: message` — the first sync error, so a broken file is named right in the header. */
function firstError(sync: SyncStatusLike): string {
  const e = sync.errors?.[0];
  if (!e) return '';
  return `${e.file ?? ''}${e.line ? `:${e.line}` : ''}${e.file ? ': ' : ''}${e.message ?? ''}`;
}

function pct(used: number, total: number): string {
  return total > 0 ? ` (${Math.round((used / total) * 100)}%)` : '';
}

export function Header({ info, version, nodes, pods, metrics, sync, hints, width, now }: HeaderProps) {
  const counts = podPhaseCounts(pods);
  let cpuCap = 0;
  let memCap = 0;
  for (const n of nodes) {
    const alloc = (n.status as { allocatable?: Record<string, string> } | undefined)?.allocatable;
    cpuCap += parseQuantity(alloc?.cpu);
    memCap += parseQuantity(alloc?.memory);
  }
  const cpu = metrics.cluster.cpu.at(-1);
  const mem = metrics.cluster.memory.at(-1);
  // Key hints take what the cluster facts leave, at least one column from 72 characters up.
  const hintCols = Math.min(4, Math.max(0, Math.floor((width - 46) / HINT_WIDTH)));
  const leftWidth = Math.min(64, width - hintCols * HINT_WIDTH);
  const shown = hints.slice(0, hintCols * HEADER_LINES);
  const columns: Binding[][] = [];
  for (let i = 0; i < shown.length; i += HEADER_LINES) columns.push(shown.slice(i, i + HEADER_LINES));
  return (
    <Box flexDirection="row" width={width} height={HEADER_LINES}>
      <Box flexDirection="column" width={leftWidth}>
        <Row label="Context:">
          <Text color="cyan">{info.context}</Text>
        </Row>
        <Row label="Runtime:">
          <RuntimeText info={info} />
        </Row>
        <Row label="Folder:">
          <SyncText sync={sync} now={now} />
        </Row>
        <Row label="Nodes:">
          <Text>{`${nodes.length}`}</Text>
          <Text color="yellow">{'  Pods: '}</Text>
          {PHASES.filter((p) => counts[p]).map((p, i) => (
            <Text key={p} color={PHASE_COLOR[p]}>{`${i ? ' ' : ''}${counts[p]} ${p}`}</Text>
          ))}
          {pods.length === 0 ? <Text>0</Text> : null}
        </Row>
        <Row label="CPU/MEM:">
          {metrics.available && cpu !== undefined && mem !== undefined ? (
            <Text>
              <Text>{`${formatCpu(cpu)}${pct(cpu, cpuCap)} `}</Text>
              <Sparkline values={metrics.cluster.cpu} width={10} />
              <Text>{`  ${formatMemory(mem)}${pct(mem, memCap)} `}</Text>
              <Sparkline values={metrics.cluster.memory} width={10} color="magenta" />
            </Text>
          ) : (
            <Text dimColor>n/a</Text>
          )}
        </Row>
        <Row label="Version:">
          <Text>{`kubeterm ${version}`}</Text>
          <Text dimColor>{`  server ${info.serverVersion}`}</Text>
        </Row>
      </Box>
      {columns.map((col, i) => (
        <Box key={i} flexDirection="column" width={HINT_WIDTH}>
          {col.map((b) => (
            <Text key={b.key} wrap="truncate">
              <Text color="magenta">{keyLabel(b.key).padEnd(10)}</Text>
              <Text dimColor>{b.label}</Text>
            </Text>
          ))}
        </Box>
      ))}
    </Box>
  );
}
