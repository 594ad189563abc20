// GET pods/<name>/log: streams container logs as text through the injected
// `logs` function (the kubelet's log reader), honouring follow, tailLines,
// sinceSeconds, sinceTime, timestamps, previous, limitBytes and container.
// The stream ends when the reader resolves or the client goes away.
import type { Api } from '../api/api.js';
import { StatusError, badRequest } from '../api/errors.js';
import type { KubeObject } from '../api/meta.js';
import { boolParam, intParam } from './negotiate.js';
import type { ResourceContext } from './resources.js';

export interface LogOptions {
  container: string;
  follow: boolean;
  previous: boolean;
  timestamps: boolean;
  tailLines?: number;
  sinceSeconds?: number;
  sinceTime?: string;
  limitBytes?: number;
}

/** Reads a container's log, calling onLine for each line (without its newline) until done or aborted. */
export type LogsFn = (namespace: string, pod: string, opts: LogOptions, onLine: (line: string) => void, signal: AbortSignal) => Promise<void>;

/** The container a request means: the named one, or the only one; else Kubernetes' error. */
export function pickContainer(pod: KubeObject, requested: string | null): string {
  const names = [...((pod.spec?.initContainers ?? []) as { name: string }[]), ...((pod.spec?.containers ?? []) as { name: string }[])].map((c) => c.name);
  const podName = pod.metadata.name ?? '';
  if (requested) {
    if (!names.includes(requested)) {
      throw badRequest(`container ${requested} is not valid for pod ${podName}`);
    }
    return requested;
  }
  const main = ((pod.spec?.containers ?? []) as { name: string }[]).map((c) => c.name);
  if (main.length === 1) return main[0];
  const inits = ((pod.spec?.initContainers ?? []) as { name: string }[]).map((c) => c.name);
  const choose = `choose one of: [${main.join(' ')}]${inits.length ? ` or one of the init containers: [${inits.join(' ')}]` : ''}`;
  throw badRequest(`a container name must be specified for pod ${podName}, ${choose}`);
}

export async function handleLogs(c: ResourceContext, logs: LogsFn | undefined, api: Api): Promise<void> {
  const { rr, query, res } = c;
  const pod = api.mustGet(rr.info.kind, rr.namespace, rr.name);
  const container = pickContainer(pod, query.get('container'));
  if (!logs) throw new StatusError(503, 'ServiceUnavailable', 'logs are not available: no log reader is attached to this API server');
  const opts: LogOptions = {
    container,
    follow: boolParam(query, 'follow'),
    previous: boolParam(query, 'previous'),
    timestamps: boolParam(query, 'timestamps'),
    tailLines: intParam(query, 'tailLines'),
    sinceSeconds: intParam(query, 'sinceSeconds'),
    sinceTime: query.get('sinceTime') ?? undefined,
    limitBytes: intParam(query, 'limitBytes'),
  };
  const abort = new AbortController();
  const onClose = () => abort.abort();
  res.on('close', onClose);
  let started = false;
  let written = 0;
  const start = () => {
    if (started) return;
    started = true;
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
    res.flushHeaders();
  };
  // Follow streams should reach the client before the first line arrives.
  if (opts.follow) start();
  try {
    await logs(rr.namespace, rr.name, opts, (line) => {
      if (abort.signal.aborted) return;
      start();
      let text = line + '\n';
      if (opts.limitBytes !== undefined) {
        if (written >= opts.limitBytes) return;
        text = Buffer.from(text).subarray(0, opts.limitBytes - written).toString();
      }
      written += Buffer.byteLength(text);
      res.write(text);
    }, abort.signal);
  } catch (e) {
    if (!started) throw e;
  } finally {
    c.res.off('close', onClose);
  }
  start();
  res.end();
}
