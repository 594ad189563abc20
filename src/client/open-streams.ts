// What one ClusterClient has open — watches, log streams, port-forwards — so
// that close() stops all of it exactly once. The embedded and the kube client
// both keep one; a stream or forward that ends by itself drops out of it.
import type { PortForwardHandle, Subscription } from './types.js';

export class OpenStreams {
  private readonly subs = new Set<Subscription>();
  private readonly forwards = new Set<PortForwardHandle>();
  private isClosed = false;

  get closed(): boolean {
    return this.isClosed;
  }

  /** Keeps `sub` until it is forgotten or close() stops it. */
  add(sub: Subscription): void {
    this.subs.add(sub);
  }

  /** Drops a stream that ended (or was stopped) on its own. */
  forget(sub: Subscription): void {
    this.subs.delete(sub);
  }

  /** Registers a stream so close() can stop it; starts it unless the client is already closed. */
  track(stop: () => void, start: () => void): Subscription {
    const sub: Subscription = {
      stop: () => {
        this.subs.delete(sub);
        stop();
      },
    };
    if (this.isClosed) return { stop() {} };
    this.subs.add(sub);
    start();
    return sub;
  }

  /** Keeps a port-forward until it ends; returns it. */
  forward<H extends PortForwardHandle>(handle: H): H {
    this.forwards.add(handle);
    void handle.done.then(() => this.forwards.delete(handle));
    return handle;
  }

  /** Stops every stream, then every forward; false when it was closed already. */
  async close(): Promise<boolean> {
    if (this.isClosed) return false;
    this.isClosed = true;
    for (const s of [...this.subs]) s.stop();
    // Closing: a forward that fails to stop has no one left to tell; its sockets close with the process.
    await Promise.all([...this.forwards].map((f) => f.stop().catch(() => undefined)));
    return true;
  }
}
