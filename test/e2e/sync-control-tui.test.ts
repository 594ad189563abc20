// End to end: sync control in the real terminal UI. The real `kubeterm`
// binary in a private tmux server (160×50), simulated runtime, on a temporary
// folder holding one Deployment (replicas: 2). `:sync` lists it; `s` (after
// the confirmation) suspends the sync: the header says SYNC SUSPENDED and the
// suspension is written beside the state file. The manifest is then changed
// to replicas: 5, which the sync reads but does not apply; `d` on the object
// shows kubectl diff's output with `-  replicas: 2` / `+  replicas: 5`.
// `s` again resumes, and the change is applied. Every step polls the screen.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { launchTui } from './tmux.js';
import { screenSteps, tuiTestFile } from './tui-test-file.js';
import { deploymentYaml } from '../helpers/manifests.js';
import { until } from '../helpers/wait.js';

const tui = tuiTestFile('test/e2e/sync-control-tui.test.ts');

const START_MS = 90_000;
const STEP_MS = 30_000;

const web = (replicas: number) =>
  `# the web front end\n${deploymentYaml('web', { replicas, metadata: { namespace: 'default' }, pod: { containers: [{ name: 'main', image: 'nginx:1.27' }] } })}`;

describe.skipIf(tui.skip)('sync control in the terminal UI (tmux, simulated runtime)', { timeout: 300_000 }, () => {
  it(':sync suspends the sync, shows the diff of an edit made meanwhile, and resumes', async () => {
    const run = launchTui(tui.tmux!, { files: { 'web.yaml': web(2) }, args: ['--nodes', '1', '--no-api', '--no-network'] });
    tui.onCleanup(() => run.dispose());
    const s = run.session;
    const { dir, folder } = run;
    const { wait, prompt } = screenSteps(s, STEP_MS);

    await wait(/Runtime:\s+SIMULATED/, 'the header to name the SIMULATED runtime', START_MS);
    await prompt('sync');
    await wait(/Deployment\/default\/web\s+Synced/, 'web listed as Synced in :sync');
    expect(s.screen()).toMatch(/<r>\s+Reconcile/);

    // Suspend (after the confirmation): the header says so, and the control file keeps it.
    s.keys('s');
    await wait(/Suspend the sync of/, 'the suspend confirmation');
    s.keys('y');
    await wait(/SYNC SUSPENDED/, 'SYNC SUSPENDED in the header');
    await wait(/^SUSPENDED since .*Press s to resume/m, 'the :sync view to say it is suspended');
    // The header is redrawn before the control file is written: wait for the file rather than read it at once.
    const control = await until('sync-control.json to be written', () => {
      try {
        return JSON.parse(readFileSync(join(dir, 'sync-control.json'), 'utf8')) as { syncs: Record<string, { suspended: boolean }> };
      } catch {
        return undefined;
      }
    }, 10_000, 50);
    expect(Object.values(control.syncs)).toEqual([expect.objectContaining({ suspended: true })]);

    // An edit while suspended is read, not applied.
    writeFileSync(join(folder, 'web.yaml'), web(5));
    await wait(/Deployment\/default\/web\s+OutOfSync.*not applied while the sync is suspended/, 'the edit to be seen and held back');

    // d: the diff of the selected object, as kubectl diff prints it.
    s.keys('d');
    let screen = await wait(/\+ {2}replicas: 5/, 'the diff to show +  replicas: 5');
    expect(screen).toMatch(/^- {2}replicas: 2$/m);
    expect(screen).toMatch(/^\+ {2}replicas: 5$/m);
    expect(screen).toMatch(/^diff -u -N \/tmp\/LIVE-\d+\/apps\.v1\.Deployment\.default\.web \/tmp\/MERGED-\d+\/apps\.v1\.Deployment\.default\.web/m);
    s.keys('Escape');
    await wait(/^SUSPENDED since/m, 'back on :sync');

    // s resumes: the edit applies, the header no longer says suspended.
    s.keys('s');
    await wait((sc) => !/SYNC SUSPENDED/.test(sc), 'SYNC SUSPENDED gone from the header');
    await wait(/Deployment\/default\/web\s+Synced/, 'web Synced after resume');
    s.keys('d');
    screen = await wait(/no differences: the live Deployment\/default\/web matches the folder/, 'no differences after resume');

    s.keys('Escape');
    await prompt('q');
    expect(await run.exitCode(STEP_MS)).toBe(0);
  });
});
