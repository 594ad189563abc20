// Test scaffolding for the folder sync: a real Api over a MemoryStore behind the
// real EmbeddedClient (and `apiClient`, a minimal adapter kept for the bench's
// fallback), temporary
// folders with real files. Waits poll with test/helpers/wait.ts (`until`).
import { mkdtemp, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Api } from '../../src/api/api.js';
import type { KubeObject } from '../../src/api/meta.js';
import type { WatchEvent } from '../../src/api/store-types.js';
import { EmbeddedClient } from '../../src/client/embedded.js';
import type { ClusterClient, ClientListOptions, Subscription } from '../../src/client/types.js';
import { MemoryStore } from '../../state/store.js';
import { until } from '../helpers/wait.js';

/** `a=b,c=d` equality selectors only: all the sync uses. */
function labelFilter(sel?: string): ((o: KubeObject) => boolean) | undefined {
  if (!sel) return undefined;
  const pairs = sel.split(',').map((p) => p.split('=') as [string, string]);
  return (o) => pairs.every(([k, v]) => o.metadata.labels?.[k] === v);
}

function unsupported(name: string): never {
  throw new Error(`test client: ${name} is not supported`);
}

/** The subset of ClusterClient the folder sync uses, straight over an Api. */
export function apiClient(api: Api): ClusterClient & { writes: number } {
  const client = {
    writes: 0,
    info: { context: 'test', mode: 'embedded' as const, runtime: 'simulated' as const, serverVersion: 'v1.31.0' },
    resources: () => api.kinds.all(),
    onResourcesChanged(fn: () => void): Subscription {
      const off = api.kinds.onChange(fn);
      return { stop: () => void off() };
    },
    async list(kind: string, opts: ClientListOptions = {}) {
      const info = api.kinds.get(kind)!;
      return api.list(kind, { namespace: info.namespaced ? opts.namespace || undefined : undefined, filter: labelFilter(opts.labelSelector) });
    },
    async get(kind: string, namespace: string, name: string) {
      return api.get(kind, namespace, name);
    },
    watch(kind: string, opts: ClientListOptions, onEvent: (ev: WatchEvent) => void): Subscription {
      const filter = labelFilter(opts.labelSelector);
      let stopped = false;
      let handle: { stop(): void } | undefined;
      queueMicrotask(() => {
        if (stopped) return;
        const list = api.list(kind, { filter });
        for (const o of list.items) onEvent({ type: 'ADDED', object: o });
        handle = api.watch(kind, { resourceVersion: list.resourceVersion }, (ev) => {
          if (!filter || filter(ev.object)) onEvent(ev);
          else if (ev.oldObject && filter(ev.oldObject)) onEvent({ type: 'DELETED', object: ev.object });
        });
      });
      return {
        stop() {
          stopped = true;
          handle?.stop();
        },
      };
    },
    async create(obj: KubeObject) {
      client.writes++;
      return api.create(obj);
    },
    async update(obj: KubeObject) {
      client.writes++;
      return api.update(obj);
    },
    async apply(obj: KubeObject, opts: { fieldManager?: string; dryRun?: boolean } = {}) {
      if (!opts.dryRun) client.writes++;
      return api.apply(obj, opts);
    },
    async patch() {
      return unsupported('patch');
    },
    async delete(kind: string, namespace: string, name: string, opts = {}) {
      client.writes++;
      await api.delete(kind, namespace, name, opts);
    },
    async scale(kind: string, namespace: string, name: string, replicas: number) {
      client.writes++;
      await api.scale(kind, namespace, name, replicas);
    },
    rollback: () => unsupported('rollback'),
    restart: () => unsupported('restart'),
    cordon: () => unsupported('cordon'),
    drain: () => unsupported('drain'),
    triggerCronJob: () => unsupported('triggerCronJob'),
    logs: () => unsupported('logs'),
    portForward: () => unsupported('portForward'),
    execInteractive: () => unsupported('execInteractive'),
    async close() {},
  };
  return client as ClusterClient & { writes: number };
}

/** The real EmbeddedClient over a fresh Api, counting the writes made through it (dry-run applies excluded). */
export function newCluster(): { api: Api; client: ClusterClient & { writes: number } } {
  const api = new Api({ store: new MemoryStore() });
  const inner = new EmbeddedClient({ api, info: { context: 'test', mode: 'embedded', runtime: 'simulated', serverVersion: 'v1.31.0' } });
  const counted = { writes: 0 } as ClusterClient & { writes: number };
  const writes = new Set(['create', 'update', 'patch', 'delete', 'scale']);
  const client = new Proxy(inner, {
    get(target, prop, receiver) {
      if (prop === 'writes') return counted.writes;
      const v = Reflect.get(target, prop, receiver);
      if (typeof v !== 'function') return v;
      return (...args: unknown[]) => {
        if (writes.has(String(prop)) || (prop === 'apply' && !(args[1] as { dryRun?: boolean } | undefined)?.dryRun)) counted.writes++;
        return (v as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  }) as unknown as ClusterClient & { writes: number };
  return { api, client };
}

export async function tempFolder(prefix = 'kubeterm-gitops-'): Promise<{ dir: string; write(rel: string, text: string): Promise<void>; remove(rel: string): Promise<void>; move(from: string, to: string): Promise<void>; cleanup(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return {
    dir,
    async write(rel, text) {
      await mkdir(dirname(join(dir, rel)), { recursive: true });
      await writeFile(join(dir, rel), text);
    },
    async remove(rel) {
      await rm(join(dir, rel), { recursive: true, force: true });
    },
    async move(from, to) {
      await mkdir(dirname(join(dir, to)), { recursive: true });
      await rename(join(dir, from), join(dir, to));
    },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

/** How often gitops tests poll (`until`): in-memory state moves within milliseconds, unlike the containers `until`'s 100 ms default is for. */
export const POLL_MS = 10;

/**
 * The shared poll (test/helpers/wait.ts `until`) in this file's old argument order.
 * test/gitops calls `until` itself; this stays for the tests elsewhere that import it from here.
 */
export async function eventually<T>(check: () => T | Promise<T>, timeoutMs = 5000, what = 'condition'): Promise<NonNullable<T>> {
  return (await until(what, check as () => Promise<NonNullable<T> | undefined>, timeoutMs, POLL_MS))!;
}

export const cm = (name: string, data: Record<string, string> = { a: '1' }, ns?: string): string =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n${ns ? `  namespace: ${ns}\n` : ''}data:\n${Object.entries(data)
    .map(([k, v]) => `  ${k}: "${v}"`)
    .join('\n')}\n`;

export const deployment = (name: string, opts: { replicas?: number; ns?: string; image?: string } = {}): string => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
${opts.ns ? `  namespace: ${opts.ns}\n` : ''}spec:
${opts.replicas !== undefined ? `  replicas: ${opts.replicas}\n` : ''}  selector:
    matchLabels:
      app: ${name}
  template:
    metadata:
      labels:
        app: ${name}
    spec:
      containers:
        - name: main
          image: ${opts.image ?? 'nginx:1.27'}
`;

export const namespace = (name: string): string => `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${name}\n`;

/** The client with some methods replaced (class methods do not survive `{...client}`). */
export function override(client: ClusterClient, methods: Partial<ClusterClient>): ClusterClient {
  return new Proxy(client, {
    get(target, prop, receiver) {
      if (prop in methods) return (methods as Record<string | symbol, unknown>)[prop];
      const v = Reflect.get(target, prop, receiver);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}
