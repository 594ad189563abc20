import { describe, expect, it } from 'vitest';
import { syncLines } from '../../components/logic/sync-lines.js';

describe(':sync lines', () => {
  it('lists a file warning (non-breaking spaces read as spaces) below its objects, without counting it as an error', () => {
    const lines = syncLines({
      folder: 'gitops',
      phase: 'Synced',
      files: [
        {
          file: 'config.yaml',
          state: 'Synced',
          objects: [{ kind: 'Deployment', namespace: 'default', name: 'nginx-deployment', state: 'Synced' }],
          warnings: [{ file: 'config.yaml', line: 4, message: 'non-breaking spaces (U+00A0) read as spaces on lines 4, 6-7' }],
        },
      ],
    });
    expect(lines).toContain('  WARNING line 4: non-breaking spaces (U+00A0) read as spaces on lines 4, 6-7');
    expect(lines.some((l) => l.includes('ERROR'))).toBe(false);
  });
});
