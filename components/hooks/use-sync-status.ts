// Follows the folder sync's status through its onChange callback.
import { useEffect, useState } from 'react';
import type { SyncSource, SyncStatusLike } from '../types.js';

export function useSyncStatus(sync: SyncSource | undefined): SyncStatusLike | undefined {
  const [status, setStatus] = useState<SyncStatusLike | undefined>(() => sync?.status());
  useEffect(() => {
    if (!sync) return;
    setStatus(sync.status());
    const off = sync.onChange(() => setStatus({ ...sync.status() }));
    return () => {
      if (typeof off === 'function') off();
    };
  }, [sync]);
  return status;
}
