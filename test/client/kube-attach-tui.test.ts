// Attach mode with the terminal UI, end to end: the real binary in a private
// tmux server, started with `--kubeconfig` against this test's in-process
// kubeterm (engine + ApiServer). The header names the kubeconfig context and
// the remote runtime; pods, logs, the scale dialog and rollback (`u`) work
// over HTTPS and land in the first engine; :q exits 0. Skipped (with a printed
// reason) only where tmux is absent and CI is not set.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BIN, findTmux, podRows, ROOT, runningPods, TmuxSession, waitForFile } from '../e2e/tmux.js';
import { startLiveCluster, waitFor, writeAppFolder, type LiveCluster } from './kube-harness.js';

const TMUX = findTmux();
if (!TMUX) console.warn('test/client/kube-attach-tui.test.ts: skipped: tmux is not installed — the attach-mode UI test needs it');

const START_MS = 90_000;
const STEP_MS = 30_000;
const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

let live: LiveCluster;
let session: TmuxSession | undefined;

beforeAll(async () => {
  if (!TMUX && process.env.CI) throw new Error('tmux is required for the attach-mode UI test in CI');
  live = await startLiveCluster();
}, 30_000);

afterEach(() => {
  session?.kill();
  session = undefined;
});

afterAll(async () => {
  await live?.close();
});

async function prompt(s: TmuxSession, text: string) {
  s.type(text);
  await s.waitFor(new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`, 'm'), { what: `the prompt to echo ${text}` });
  s.keys('Enter');
  await s.waitFor((sc) => !/^[:/]/m.test(sc), { what: `the prompt ${text} to close` });
}

describe.skipIf(!TMUX && !process.env.CI)('kubeterm --kubeconfig with the terminal UI', { timeout: 300_000 }, () => {
  it('shows the other kubeterm’s pods and logs, scales and rolls back through it, and quits cleanly', async () => {
    const folder = join(live.dir, 'gitops');
    await writeAppFolder(folder);
    const exitFile = join(live.dir, 'exit');
    rmSync(exitFile, { force: true });
    const command =
      `${quote(process.execPath)} ${quote(BIN)} ${quote(folder)} --kubeconfig ${quote(live.kubeconfig)}` +
      `; echo "EXIT=$?" > ${quote(exitFile)}; exec sleep 3600`;
    const s = (session = TmuxSession.start(TMUX!, { command, cols: 160, rows: 50, cwd: ROOT, env: { KUBETERM_DEBUG: '1' } }));

    // The header: the kubeconfig's context, the remote runtime, the server's version, and the first engine's pods.
    let screen = await s.waitFor(/Context:\s+kubeterm\b/, { timeoutMs: START_MS, what: 'the kubeconfig context in the header' });
    await s.waitFor(/Runtime:\s+remote/, { what: 'the remote runtime in the header' });
    await s.waitFor(/server v1\.\d+/, { what: 'the server version in the header' });
    screen = await s.waitFor(/Nodes:\s+1\s+Pods: 3 Running/, { timeoutMs: START_MS, what: '3 Running pods of the first engine' });
    expect(screen).not.toMatch(/SIMULATED/);

    await prompt(s, ':pods');
    screen = await s.waitFor((sc) => runningPods(sc, 'web', 3), { timeoutMs: STEP_MS, what: '3 web pods Running' });
    const shown = podRows(screen, 'web').map((l) => l.trim().split(/\s+/).find((w) => w.startsWith('web-')));
    const inEngine = live.engine.api.list('Pod', { namespace: 'default' }).items.map((p) => p.metadata.name);
    expect(inEngine).toEqual(expect.arrayContaining(shown));

    // Logs stream from the first engine's simulated kubelet through pods/log.
    s.keys('l');
    await s.waitFor(/nginx is up/, { timeoutMs: STEP_MS, what: 'log lines over the API server' });
    s.keys('Escape');

    // Scale from the deployments view: the scale subresource of the first engine.
    await prompt(s, ':deploy');
    await s.waitFor(/^\s*default\s+web\s+3\/3\s+3\s+3\s/m, { timeoutMs: STEP_MS, what: 'web READY 3/3' });
    s.keys('s');
    await s.waitFor(/Replicas: 3\b/, { what: 'the scale dialog' });
    s.keys('BSpace');
    await s.waitFor(/Replicas:\s+│/, { what: 'the count erased' });
    s.type('5');
    await s.waitFor(/Replicas: 5\b/, { what: 'the typed count' });
    s.keys('Enter');
    await waitFor(() => live.engine.api.get('Deployment', 'default', 'web')?.spec.replicas === 5, 'replicas 5 in the first engine', STEP_MS);
    await s.waitFor(/^\s*default\s+web\s+5\/5\s+5\s+5\s/m, { timeoutMs: STEP_MS, what: 'web READY 5/5 over the watch' });

    // A second revision from the watched folder (applied over HTTPS), then `u` rolls back as kubectl rollout undo does.
    const manifest = join(folder, 'deployment.yaml');
    writeFileSync(manifest, readFileSync(manifest, 'utf8').replaceAll('nginx:1.25', 'nginx:1.26'));
    await waitFor(() => live.engine.api.get('Deployment', 'default', 'web')?.spec.template.spec.containers[0].image === 'nginx:1.26', 'nginx:1.26 applied', STEP_MS);
    // The scale was written through into the manifest (the folder is the source of truth), so it stays at 5.
    expect(readFileSync(manifest, 'utf8')).toMatch(/replicas: 5\b/);
    await waitFor(
      () => {
        const d = live.engine.api.get('Deployment', 'default', 'web');
        return d?.metadata.annotations?.['deployment.kubernetes.io/revision'] === '2' && d.status?.updatedReplicas === 5 && d.status?.availableReplicas === 5 && !d.status?.unavailableReplicas;
      },
      'the rollout of revision 2 to finish',
      STEP_MS,
    );
    await s.waitFor(/^\s*default\s+web\s+5\/5\s+5\s+5\s/m, { timeoutMs: STEP_MS, what: 'web READY 5/5 at revision 2' });
    // The UI's watch of the Deployment may be a moment behind the engine (revision 2): until then `u` finds no older revision.
    for (let i = 0; i < 20; i++) {
      s.keys('u');
      if (await s.waitFor(/Rollback deployment default\/web\?/, { timeoutMs: 1000 }).then(() => true, () => false)) break;
    }
    screen = await s.waitFor(/Rollback deployment default\/web\?/, { timeoutMs: STEP_MS, what: 'the rollback dialog' });
    expect(screen).toMatch(/from revision 2 \(nginx:1\.26\)/);
    expect(screen).toMatch(/to revision 1 \(nginx:1\.25\)/);
    s.keys('y');
    await waitFor(() => live.engine.api.get('Deployment', 'default', 'web')?.spec.template.spec.containers[0].image === 'nginx:1.25', 'the rollback in the first engine', STEP_MS);
    // The old ReplicaSet was reused: still two.
    const web = live.engine.api.get('Deployment', 'default', 'web')!;
    expect(live.engine.api.list('ReplicaSet', { namespace: 'default', filter: (r) => r.metadata.ownerReferences?.[0]?.uid === web.metadata.uid }).items).toHaveLength(2);

    s.type(':q');
    await s.waitFor(/^:q/m, { what: 'the prompt to echo :q' });
    s.keys('Enter');
    expect(await waitForFile(exitFile, STEP_MS)).toMatch(/EXIT=0/);
  });
});
