// Sync control on the UI's port (SyncSource in components/types.ts): reconcile
// now, suspend/resume, and the kubectl-style diff, added to whatever port the
// CLI built (the write-through port, or the sync itself). Only src/cli.tsx uses it.
import type { FolderSync } from './sync.js';

export interface SyncControl {
  reconcile(): Promise<void>;
  suspend(): Promise<void>;
  resume(): Promise<void>;
  diff(kind: string, namespace: string, name: string): Promise<string>;
}

export function withSyncControl<P extends object>(port: P, sync: Pick<FolderSync, keyof SyncControl>): P & SyncControl {
  return Object.assign(Object.create(port) as P, port, {
    reconcile: () => sync.reconcile(),
    suspend: () => sync.suspend(),
    resume: () => sync.resume(),
    diff: (kind: string, namespace: string, name: string) => sync.diff(kind, namespace, name),
  });
}
