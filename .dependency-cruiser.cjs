// The layering rules of docs/ARCHITECTURE.md ("The rules .dependency-cruiser.cjs checks"), checked on every `npm test`.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'ui-sees-only-the-client',
      comment: 'components/ see the cluster only through src/client (and src/api types), so the UI works against a real cluster too',
      severity: 'error',
      from: { path: '^components/' },
      to: { path: '^(state/|src/(?!client/|api/|util/))' },
    },
    {
      name: 'ui-uses-client-interface-not-engine',
      comment: 'components/ may use the ClusterClient interface, never the embedded engine behind it',
      severity: 'error',
      from: { path: '^components/' },
      to: { path: '^src/client/embedded' },
    },
    {
      name: 'state-only-api-types',
      comment: 'state/ imports nothing of ours but src/api',
      severity: 'error',
      from: { path: '^state/' },
      to: { path: '^(src/(?!api/)|components/)' },
    },
    {
      name: 'api-is-the-bottom',
      comment: 'src/api imports nothing else of ours',
      severity: 'error',
      from: { path: '^src/api/' },
      to: { path: '^(src/(?!api/)|state/|components/)' },
    },
    {
      name: 'util-is-leaf',
      severity: 'error',
      from: { path: '^src/util/' },
      to: { path: '^(src/(?!util/)|state/|components/)' },
    },
    {
      name: 'engine-parts-stay-in-lane',
      comment: 'controllers, scheduler, kubelet and network see api, state (read/watch) and util — never each other',
      severity: 'error',
      from: { path: '^src/(controllers|scheduler|kubelet|network)/' },
      to: { path: '^(src/(?!api/|util/|$1/)|components/)' },
    },
    {
      name: 'gitops-through-the-client',
      comment: 'the folder sync changes the cluster only through ClusterClient',
      severity: 'error',
      from: { path: '^src/gitops/' },
      to: { path: '^(state/|components/|src/(?!api/|client/types|util/|gitops/))' },
    },
    {
      name: 'apiserver-no-ui',
      severity: 'error',
      from: { path: '^src/apiserver/' },
      to: { path: '^(components/|src/(controllers|scheduler|kubelet|network|gitops|client)/)' },
    },
    {
      name: 'only-cli-knows-ui-and-engine',
      comment: 'src/cli.tsx is the only module that imports both components/ and the engine',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/cli\\.tsx$' },
      to: { path: '^components/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true, viaOnly: { pathNot: '^src/api/(api|events)\\.ts$' } },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { extensions: ['.ts', '.tsx', '.js'] },
  },
};
