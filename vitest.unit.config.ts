// `npm run test:unit`: the fast tier a developer runs while working — logic on
// fake clocks and in-memory stores, no Docker, kubectl, helm, tmux or child
// processes. `npm test` still runs everything (vitest.config.ts), and CI runs
// that. The timeouts and setup are the base config's; only which files run and
// how differ: forked workers without per-file isolation (worker threads would
// not let tests switch TZ), since these files share no global state beyond the
// engine log, which each test that touches it resets.
import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

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
    ...base.test,
    include: ['test/{api,controllers,scheduler,kubelet,cli,ui,security,network,util,state,apiserver,gitops}/**/*.test.{ts,tsx}'],
    exclude: ['**/node_modules/**', ...NEEDS_REAL_TOOLS],
    pool: 'forks',
    isolate: false,
  },
});
