// `npm run test:unit`: the fast tier a developer runs while working — logic on
// fake clocks and in-memory stores, no Docker, kubectl, helm, tmux or child
// processes. `npm test` still runs everything (vitest.config.ts), and CI runs
// that. Two forked workers without per-file isolation (worker threads would not let tests switch TZ): these files share no global state
// beyond the engine log, which each test that touches it resets.
import { defineConfig } from 'vitest/config';

/** Files in the unit folders that need a real tool or a child process. */
const NEEDS_REAL_TOOLS = [
  'test/apiserver/kubectl.test.ts',
  'test/apiserver/list-pages.test.ts',
  'test/apiserver/portforward.test.ts',
  'test/state/compaction.test.ts',
  'test/state/group-commit.test.ts',
  'test/state/lock.test.ts',
  'test/gitops/sources.test.ts',
  'test/gitops/waves.test.ts',
  'test/gitops/wild.test.ts',
];

export default defineConfig({
  test: {
    include: ['test/{api,controllers,scheduler,kubelet,cli,ui,security,network,util,state,apiserver,gitops}/**/*.test.{ts,tsx}'],
    exclude: ['**/node_modules/**', ...NEEDS_REAL_TOOLS],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    isolate: false,
    setupFiles: ['test/fast-check-seed.ts'],
    reporters: ['default'],
  },
});
