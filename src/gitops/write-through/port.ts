// The UI's view of the folder sync (SyncSource in components/types.ts, which
// the UI declares structurally so it never imports src/gitops): the sync's
// status with the last write-through added, and the write-through itself.
// Only src/cli.tsx builds one; without a WriteThrough (`--no-write-through`)
// the port manages nothing and the UI changes live objects, as before.
import type { SyncStatus } from '../status.js';
import type { LastWrite, WriteChange, WriteOutcome, WriteThrough } from './service.js';

export interface SyncLike {
  status(): SyncStatus;
  onChange(cb: () => void): () => void;
}

export interface SyncPort {
  status(): SyncStatus & { lastWrite?: LastWrite; writeThrough?: boolean };
  onChange(cb: () => void): () => void;
  manages(kind: string, namespace: string, name: string): boolean;
  writeThrough(change: WriteChange): Promise<WriteOutcome>;
  source(kind: string, namespace: string, name: string): { path: string; line: number; file: string } | undefined;
}

export function syncPort(sync: SyncLike, wt: WriteThrough | undefined, onWrite?: (cb: () => void) => void): SyncPort {
  const listeners = new Set<() => void>();
  onWrite?.(() => {
    for (const cb of [...listeners]) cb();
  });
  return {
    status: () => ({ ...sync.status(), writeThrough: !!wt, ...(wt?.last ? { lastWrite: wt.last } : {}) }),
    onChange(cb) {
      listeners.add(cb);
      const off = sync.onChange(cb);
      return () => {
        listeners.delete(cb);
        off();
      };
    },
    manages: (kind, namespace, name) => !!wt?.manages(kind, namespace, name),
    writeThrough: (change) => (wt ? wt.write(change) : Promise.resolve({ refused: 'write-through is off (--no-write-through)', liveOnly: true })),
    source: (kind, namespace, name) => wt?.source(kind, namespace, name),
  };
}
