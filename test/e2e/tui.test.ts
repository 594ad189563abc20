// End to end: the real `kubeterm` binary in a real terminal (a private tmux
// server, 160×50), simulated runtime, two nodes, on a temporary copy of
// examples/rollout. Keys go in with send-keys, the screen comes back with
// capture-pane, and every step polls the screen with a deadline (no fixed sleeps).
// Drives what issue 4 asks for: open pods, filter, logs, deployments, help,
// a second revision by editing the watched manifest, rollback to the old image,
// scale to 5, and a clean quit (:q and ctrl-c) that restores the terminal.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BINDINGS } from '../../components/actions/index.js';
import { activeBindings, keyLabel } from '../../components/keys.js';
import { scopesFor } from '../../components/scopes.js';
import type { View } from '../../components/types.js';
import { escapeRe, headerPodsRunning, launchTui, podRows, runningPods, type TuiRun } from './tmux.js';
import { tuiTestFile } from './tui-test-file.js';

const tui = tuiTestFile('test/e2e/tui.test.ts', ' — the terminal UI end-to-end tests need it');

// A loaded two-core CI machine starts the engine and a tsx-compiled UI slowly: be generous.
const START_MS = 90_000;
const STEP_MS = 30_000;

const launch = (example: string): TuiRun => {
  const r = launchTui(tui.tmux!, example);
  tui.onCleanup(() => r.dispose());
  return r;
};

/** The `?` help lists every key of the view, generated from the binding table: one line per key. */
function expectHelpFor(screen: string, view: View) {
  const expected = activeBindings(BINDINGS, scopesFor(view, true));
  expect(expected.length).toBeGreaterThan(10);
  for (const b of expected) {
    const keys = [b.key, ...(b.also ?? [])].map(keyLabel).join(' ');
    expect(screen, `help line for ${keys} ${b.label}`).toMatch(new RegExp(`^\\s+${escapeRe(keys)}\\s+${escapeRe(b.label)}\\s*$`, 'm'));
  }
}

/** After quitting: exit status 0, the alternate screen left, nothing of the UI on the pane, the cursor shown. */
async function expectCleanExit(run: TuiRun) {
  expect(await run.exitCode(STEP_MS)).toBe(0);
  const s = run.session;
  expect(s.display('#{alternate_on}'), 'still on the alternate screen').toBe('0');
  expect(s.display('#{cursor_flag}'), 'cursor hidden').toBe('1');
  const screen = s.screen();
  expect(screen, 'UI left on the pane').not.toMatch(/SIMULATED|Context:|Pods\(|Deployments\(|Events/);
  expect(screen.trim(), 'the pane should be as it was before kubeterm started').toBe('');
}

/** The `:`/`/` prompt line is gone: the UI is back in normal mode and took the enter. */
const promptClosed = (screen: string) => !/^[:/]/m.test(screen);

/**
 * Types at the prompt and presses enter. Each key waits for its effect on the
 * screen before the next one goes in: keys that reach the terminal in one read
 * arrive at the app as one chunk (see the report on paste handling).
 */
async function submitPrompt(run: TuiRun, prefix: ':' | '/', text: string) {
  const s = run.session;
  s.type(`${prefix}${text}`);
  await s.waitFor(new RegExp(`^${escapeRe(prefix + text)}`, 'm'), { what: `the prompt to echo ${prefix}${text}` });
  s.keys('Enter');
  await s.waitFor(promptClosed, { what: `the prompt ${prefix}${text} to close on enter` });
}

/** Opens a view with the command prompt (`:name` enter) and waits for what it shows. */
async function command(run: TuiRun, name: string, shows: RegExp) {
  await submitPrompt(run, ':', name);
  return run.session.waitFor(shows, { timeoutMs: STEP_MS, what: `${shows} after :${name}` });
}

/** Filters the current table (`/text` enter); the title shows the filter. */
async function filter(run: TuiRun, text: string) {
  await submitPrompt(run, '/', text);
  await run.session.waitFor(new RegExp(`</${escapeRe(text)}>`), { what: `the title to show the filter </${text}>` });
}

/** Waits for the header: the simulated runtime named loudly, and `pods` pods all Running. */
async function waitReady(run: TuiRun, pods: number) {
  const s = run.session;
  await s.waitFor(/Runtime:\s+SIMULATED/, { timeoutMs: START_MS, what: 'the header to name the SIMULATED runtime' });
  await s.waitFor((screen) => headerPodsRunning(screen, pods), { timeoutMs: START_MS, what: `the header to count ${pods} Running pods` });
  expect(s.display('#{alternate_on}'), 'the UI should draw on the alternate screen').toBe('1');
}

describe.skipIf(tui.skip)('kubeterm terminal UI in tmux (simulated runtime)', { timeout: 600_000 }, () => {
  it('opens pods, filters, shows logs, rolls back to the old image, scales to 5, shows help, and quits with :q', async () => {
    const run = launch('rollout');
    const s = run.session;
    // examples/rollout: deployment web (3 × nginx:1.25) and deployment cache (1 × redis:7.2).
    await waitReady(run, 4);

    // Pods: `:pods` lists all four; `/web` leaves only the three web pods.
    await command(run, 'pods', /Pods\(all\)\[4\]/);
    await s.waitFor((sc) => runningPods(sc, 'web', 3) && runningPods(sc, 'cache', 1), { what: '3 web and 1 cache pods Running' });
    await filter(run, 'web');
    let screen = await s.waitFor(/Pods\(all\)\[3\/4\] <\/web>/, { what: 'the filtered pods title [3/4]' });
    expect(runningPods(screen, 'web', 3)).toBe(true);
    expect(podRows(screen, 'cache')).toEqual([]);

    // Logs of the pod under the cursor (a web pod): the simulated container's own lines.
    s.keys('l');
    screen = await s.waitFor(/nginx is up/, { timeoutMs: STEP_MS, what: 'log lines from the simulated nginx container' });
    expect(screen).toMatch(/Logs\(default\/web-[a-z0-9]+-[a-z0-9]{5}\)/);
    expect(screen).toMatch(/starting nginx \(image nginx:1\.25, attempt \d+\)/);
    s.keys('Escape');
    await s.waitFor(/Pods\(all\)\[3\/4\] <\/web>/, { what: 'esc to go back to the filtered pods' });

    // `?` in the pods view: help with every key of the pods table.
    s.keys('?');
    screen = await s.waitFor(/^Help/m, { what: 'the help view' });
    expectHelpFor(screen, { type: 'table', kind: 'Pod', namespace: '' });
    s.keys('Escape');
    await s.waitFor(/Pods\(all\)\[3\/4\] <\/web>/, { what: 'esc from help back to the pods' });

    // Deployments: both, READY as kubectl prints it.
    screen = await command(run, 'deploy', /^\s*default\s+web\s+3\/3\s+3\s+3\s/m);
    expect(screen).toMatch(/Deployments\(all\)\[2\]/);
    expect(screen).toMatch(/^\s*NAMESPACE\s+NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE/m);
    expect(screen).toMatch(/^\s*default\s+cache\s+1\/1\s+1\s+1\s/m);
    s.keys('?');
    screen = await s.waitFor(/^Help/m, { what: 'the help view' });
    expectHelpFor(screen, { type: 'table', kind: 'Deployment', namespace: '' });
    expect(screen).toMatch(/<u>\s+Rollback/);
    expect(screen).toMatch(/<s>\s+Scale/);
    s.keys('Escape');
    await s.waitFor(/Deployments\(all\)\[2\]/, { what: 'esc from help back to the deployments' });
    await filter(run, 'web'); // the cursor is now on web, whatever the sort order
    await s.waitFor(/Deployments\(all\)\[1\/2\] <\/web>/, { what: 'only deployment web' });

    // Revision 2: edit the image in the watched folder; the folder sync rolls it out.
    const manifest = join(run.folder, 'web.yaml');
    writeFileSync(manifest, readFileSync(manifest, 'utf8').replaceAll('1.25', '1.26'));
    s.keys('H'); // shift-h: rollout history
    screen = await s.waitFor(/^\s*2 \(current\)\s+image nginx:1\.26\s+nginx:1\.26\s/m, { timeoutMs: STEP_MS, what: 'revision 2 (nginx:1.26) current in the history' });
    expect(screen).toMatch(/History\(default\/web\)\[2\]/);
    expect(screen).toMatch(/^\s*1\s+image nginx:1\.25\s+nginx:1\.25\s/m);
    s.keys('Escape');
    await s.waitFor(/^\s*default\s+web\s+3\/3\s+3\s+3\s/m, { timeoutMs: STEP_MS, what: 'the rollout of revision 2 to finish (web 3/3, 3 up to date)' });

    // Rollback: `u`, the dialog names both revisions and images, `y` confirms.
    s.keys('u');
    screen = await s.waitFor(/Rollback deployment default\/web\?/, { what: 'the rollback confirm dialog' });
    expect(screen).toMatch(/from revision 2 \(nginx:1\.26\)/);
    expect(screen).toMatch(/to revision 1 \(nginx:1\.25\)/);
    s.keys('y');
    await s.waitFor((sc) => !sc.includes('Rollback deployment default/web?'), { what: 'the dialog to close' });
    // The old template comes back as a new revision (3), as `kubectl rollout undo` does.
    s.keys('H');
    await s.waitFor(/^\s*3 \(current\)\s+.*\bnginx:1\.25\s/m, { timeoutMs: STEP_MS, what: 'revision 3 (nginx:1.25) current after the rollback' });
    s.keys('Escape');
    await s.waitFor(/^\s*default\s+web\s+3\/3\s+3\s+3\s/m, { timeoutMs: STEP_MS, what: 'the rollback rollout to finish' });
    s.keys('d');
    screen = await s.waitFor(/Describe\(default\/web\)/, { what: 'describe deployment web' });
    expect(screen).toMatch(/^\s*Image:\s+nginx:1\.25\s*$/m);
    expect(screen).not.toMatch(/^\s*Image:\s+nginx:1\.26/m);
    // The folder manages web: the rollback was written into its manifest (the image line only; the
    // change-cause annotation the test's edit put there stays, as only the changed fields are written).
    expect(readFileSync(manifest, 'utf8')).toMatch(/image: nginx:1\.25\b/);
    s.keys('Escape');

    // Scale to 5 from the deployments view: the dialog, backspace the 3, type 5, enter.
    await s.waitFor(/Deployments\(all\)\[1\/2\] <\/web>/, { what: 'back to the deployments' });
    s.keys('s');
    await s.waitFor(/Replicas: 3\b/, { what: 'the scale dialog with the current count' });
    s.keys('BSpace');
    await s.waitFor(/Replicas:\s+│/, { what: 'the count erased' });
    s.type('5');
    await s.waitFor(/Replicas: 5\b/, { what: 'the typed count' });
    s.keys('Enter');
    await s.waitFor(/^\s*default\s+web\s+5\/5\s+5\s+5\s/m, { timeoutMs: STEP_MS, what: 'web READY 5/5' });
    await command(run, 'pods', /Pods\(all\)/);
    await filter(run, 'web');
    screen = await s.waitFor((sc) => runningPods(sc, 'web', 5), { timeoutMs: STEP_MS, what: '5 web pods Running' });
    expect(screen).toMatch(/Pods\(all\)\[5\/6\] <\/web>/);
    expect(podRows(screen, 'web').every((l) => /\snode-[12]\s*$/.test(l))).toBe(true); // scheduled on the two nodes

    // Quit with :q.
    s.type(':q');
    await s.waitFor(/^:q/m, { what: 'the prompt to echo :q' });
    s.keys('Enter');
    await expectCleanExit(run);
  });

  it('quits on ctrl-c with exit status 0 and gives the terminal back', async () => {
    const run = launch('hello');
    await waitReady(run, 3);
    run.session.keys('C-c');
    await expectCleanExit(run);
  });
});
