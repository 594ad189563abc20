// The port-forwards a session has open (k9s' `:pf` view): started through any
// ClusterClient, listed with their state, stopped by id. A forward whose pod
// goes away stays listed as PodGone until removed, so the user sees why it
// stopped answering. The UI owns one registry; closing it stops every forward.
import { realClock, type Clock } from '../util/clock.js';
import type { ClusterClient, PortForwardEnd, PortForwardHandle, PortForwardRequest } from './types.js';

export type PortForwardStatus = 'Active' | 'PodGone' | 'Failed';

/** A forward as the `:pf` view lists it: what its handle says, plus its id, URL and state. */
export interface PortForwardEntry extends Pick<PortForwardHandle, 'namespace' | 'kind' | 'name' | 'pod' | 'container' | 'remotePort' | 'address' | 'localPort'> {
  id: string;
  /** Where to point a browser: http://127.0.0.1:8080/. */
  url: string;
  status: PortForwardStatus;
  /** Why it ended, when it did. */
  message?: string;
  /** Epoch ms. */
  startedAt: number;
  endedAt?: number;
}

export type PortForwardEvent = { type: 'started' | 'ended' | 'removed'; entry: PortForwardEntry };

export interface PortForwardsOptions {
  client: Pick<ClusterClient, 'portForward'>;
  clock?: Clock;
}

/** `http://127.0.0.1:8080/`; IPv6 addresses in brackets, the any-address as localhost. */
export function forwardUrl(address: string, port: number): string {
  const host = address === '0.0.0.0' || address === '::' ? 'localhost' : address.includes(':') ? `[${address}]` : address;
  return `http://${host}:${port}/`;
}

const STATUS_OF: Record<PortForwardEnd['reason'], PortForwardStatus | undefined> = { stopped: undefined, 'pod gone': 'PodGone', error: 'Failed' };

export class PortForwards {
  private readonly client: Pick<ClusterClient, 'portForward'>;
  private readonly clock: Clock;
  private readonly entries = new Map<string, { entry: PortForwardEntry; handle?: PortForwardHandle }>();
  private readonly listeners = new Set<(ev: PortForwardEvent) => void>();
  private seq = 0;
  private closed = false;
  /** Bumped on every change, for React's useSyncExternalStore. */
  version = 0;

  constructor(opts: PortForwardsOptions) {
    this.client = opts.client;
    this.clock = opts.clock ?? realClock;
  }

  /**
   * Starts a forward. As k9s, one active forward per pod (or Service): a
   * second one is refused with the message k9s shows.
   */
  async start(req: PortForwardRequest): Promise<PortForwardEntry> {
    if (this.closed) throw new Error('port-forwards are closed');
    const dup = this.list().find((e) => e.status === 'Active' && e.namespace === req.namespace && e.kind === req.kind && (e.kind === 'Pod' ? e.pod : e.name) === req.name);
    if (dup) throw new Error(`A PortForward already exist for ${req.kind === 'Pod' ? 'pod' : 'service'} ${req.namespace}/${req.name}`);
    const handle = await this.client.portForward(req);
    if (this.closed) {
      await handle.stop();
      throw new Error('port-forwards are closed');
    }
    const entry: PortForwardEntry = {
      id: String(++this.seq),
      namespace: handle.namespace,
      kind: handle.kind,
      name: handle.name,
      pod: handle.pod,
      ...(handle.container ?? req.container ? { container: handle.container ?? req.container } : {}),
      remotePort: handle.remotePort,
      address: handle.address,
      localPort: handle.localPort,
      url: forwardUrl(handle.address, handle.localPort),
      status: 'Active',
      startedAt: this.clock.now(),
    };
    this.entries.set(entry.id, { entry, handle });
    void handle.done.then((end) => this.ended(entry.id, end));
    this.changed({ type: 'started', entry });
    return entry;
  }

  private ended(id: string, end: PortForwardEnd): void {
    const cur = this.entries.get(id);
    if (!cur || cur.entry.status !== 'Active') return;
    const status = STATUS_OF[end.reason];
    if (!status) {
      // Stopped on purpose: it leaves the list (stop() already removed it, this covers a handle stopped elsewhere).
      this.entries.delete(id);
      this.changed({ type: 'removed', entry: cur.entry });
      return;
    }
    const entry: PortForwardEntry = { ...cur.entry, status, message: end.message, endedAt: this.clock.now() };
    this.entries.set(id, { entry });
    this.changed({ type: 'ended', entry });
  }

  /** Every forward, oldest first: active ones and those that ended on their own. */
  list(): PortForwardEntry[] {
    return [...this.entries.values()].map((e) => e.entry);
  }

  get(id: string): PortForwardEntry | undefined {
    return this.entries.get(id)?.entry;
  }

  /** Stops an active forward (closing its listener and connections) and removes it from the list. */
  async stop(id: string): Promise<void> {
    const cur = this.entries.get(id);
    if (!cur) throw new Error(`no port-forward with id ${id}`);
    this.entries.delete(id);
    await cur.handle?.stop();
    this.changed({ type: 'removed', entry: cur.entry });
  }

  /** Hears every start, end and removal. Returns the unsubscribe function. */
  subscribe = (listener: (ev: PortForwardEvent) => void): (() => void) => {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  };

  getVersion = (): number => this.version;

  /** Stops every forward (the UI calls this when it exits). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const handles = [...this.entries.values()].flatMap((e) => (e.handle ? [e.handle] : []));
    this.entries.clear();
    // Stopping them all: one that fails to stop must not keep the others open.
    await Promise.all(handles.map((h) => h.stop().catch(() => undefined)));
    this.listeners.clear();
  }

  private changed(ev: PortForwardEvent): void {
    this.version++;
    for (const l of [...this.listeners]) l(ev);
  }
}
