// End to end: the keys that hand the terminal over, in the real `kubeterm`
// binary in a real terminal (a private tmux server) on the Docker runtime.
// (a) `e` on a Deployment with KUBE_EDITOR set to a script that edits
// spec.replicas: the Deployment scales and the UI comes back whole. (b) `s`
// on an httpd pod: a shell in the container runs what is typed (`echo
// inside-$((6*7))` prints inside-42), `exit` gives the UI back, and it takes
// keys again. Skipped with the reason printed without tmux or Docker (and
// the kubeterm/httpd image); under CI they must be there.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readStateOnDisk } from '../../state/disk-view.js';
import { deploymentYaml } from '../helpers/manifests.js';
import { BIN, findTmux, ROOT, TmuxSession } from './tmux.js';

const IMAGE = 'kubeterm/httpd:latest';
const TMUX = findTmux();

function problem(): string | undefined {
  if (!TMUX) return 'tmux is not installed (apt-get install tmux)';
  try {
    execFileSync('docker', ['image', 'inspect', IMAGE], { stdio: 'ignore', timeout: 20_000 });
  } catch {
    return `no Docker engine with the ${IMAGE} image (run .ci/docker-setup.sh)`;
  }
  return undefined;
}
const why = problem();
if (why) {
  if (process.env.CI) throw new Error(`CI requires tmux and Docker for test/e2e/terminal-handover-tui.test.ts: ${why}`);
  console.log(`test/e2e/terminal-handover-tui.test.ts: skipped: ${why}`);
}

const START_MS = 120_000;
const STEP_MS = 45_000;

const MANIFESTS = `apiVersion: v1
kind: Pod
metadata:
  name: sh-target
spec:
  containers:
    - name: httpd
      image: ${IMAGE}
      imagePullPolicy: IfNotPresent
---
${deploymentYaml('web', {
  replicas: 1,
  metadata: { annotations: { 'kubeterm.io/self-heal': 'false' } },
  pod: { containers: [{ name: 'httpd', image: IMAGE, imagePullPolicy: 'IfNotPresent' }] },
})}`;

// The "editor": sets the first `  replicas: 1` (spec's; status comes after it) to 2, as a user would in vi.
// It is called as vi is, `EDITOR +LINE FILE`: the file is the last argument.
const EDITOR_SCRIPT = `#!/bin/sh
for f in "$@"; do :; done
sed -i '0,/^  replicas: 1$/s//  replicas: 2/' "$f"
`;

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

let dir = '';
let session: TmuxSession | undefined;

let instance: string | undefined;

/** The engine's instance id (it labels every container the engine created), from the state file and its journal. */
function instanceId(): string | undefined {
  try {
    const cm = readStateOnDisk(join(dir, 'state.json')).objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'kubeterm-instance');
    return (cm?.data as { id?: string } | undefined)?.id;
  } catch {
    return undefined;
  }
}

/** The pod rows' line for a name: `default  sh-target  1/1  Running …` (not an Events-pane line). */
const podRunning = (name: string) => new RegExp(`^\\s*(?:default\\s+)?${name}\\s+1/1\\s+Running\\s`, 'm');

describe.skipIf(!!why)('terminal handover in the TUI (Docker runtime)', { timeout: 300_000 }, () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kubeterm-handover-'));
    const folder = join(dir, 'gitops');
    mkdirSync(folder);
    writeFileSync(join(folder, 'app.yaml'), MANIFESTS);
    const editor = join(dir, 'edit-replicas.sh');
    writeFileSync(editor, EDITOR_SCRIPT);
    chmodSync(editor, 0o755);
    // No API server and no Service network: nothing here listens on a shared port, so test files can run side by side.
    const command =
      `KUBE_EDITOR=${quote(editor)} ${quote(process.execPath)} ${quote(BIN)} ${quote(folder)} --runtime docker --nodes 1 --no-api --no-network --state ${quote(join(dir, 'state.json'))}` +
      `; exec sleep 3600`;
    session = TmuxSession.start(TMUX!, { command, cols: 160, rows: 50, cwd: ROOT });
    await session.waitFor(podRunning('sh-target'), { timeoutMs: START_MS, what: 'the sh-target pod running' });
    instance = instanceId();
  }, START_MS + 10_000);

  afterAll(() => {
    session?.kill();
    // Containers outlive kubeterm by design (re-adoption); these were created by this test, so remove them.
    const id = instance ?? instanceId();
    if (!id) console.warn(`test/e2e/terminal-handover-tui.test.ts: could not read the engine's instance id from ${dir}; its containers are left behind`);
    if (id) {
      const ids = execFileSync('docker', ['ps', '-aq', '--filter', `label=io.kubeterm.instance=${id}`], { encoding: 'utf8' }).split('\n').filter(Boolean);
      if (ids.length) execFileSync('docker', ['rm', '-f', ...ids], { stdio: 'ignore' });
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("e: opens the folder-managed Deployment's manifest in $KUBE_EDITOR at its line; the sync applies the save, and the UI comes back intact", async () => {
    const s = session!;
    s.type(':deploy');
    s.keys('Enter');
    await s.waitFor(/^\s*(?:default\s+)?web\s+1\/1\s/m, { timeoutMs: STEP_MS, what: 'the web Deployment at 1/1' });
    s.keys('e');
    const screen = await s.waitFor(/edited app\.yaml:\d+; the folder sync applies what was saved/, { timeoutMs: STEP_MS, what: 'the edit flash' });
    // The manifest itself changed (write-through: the folder is the source of truth, also for `e`).
    expect(readFileSync(join(dir, 'gitops', 'app.yaml'), 'utf8')).toMatch(/^ {2}replicas: 2$/m);
    // The whole UI is back on the alternate screen: header, the table, the flash.
    expect(screen).toMatch(/Context:\s+kubeterm/);
    expect(screen).toMatch(/Deployments\(/);
    expect(s.display('#{alternate_on}')).toBe('1');
    // The change reached the cluster: the Deployment wants 2 and gets them.
    await s.waitFor(/^\s*(?:default\s+)?web\s+2\/2\s/m, { timeoutMs: STEP_MS, what: 'web scaled to 2/2 by the edit' });
  });

  it('s: opens a shell in the pod that runs what is typed; exit gives the UI back, taking keys', async () => {
    const s = session!;
    s.type(':pods');
    s.keys('Enter');
    s.type('/sh-target');
    s.keys('Enter');
    await s.waitFor(/Pods\(.*<\/sh-target>/, { timeoutMs: STEP_MS, what: 'the pods table filtered to sh-target' });
    s.keys('s');
    await s.waitFor(/<<kubeterm-shell>> Pod: default\/sh-target \| Container: httpd/, { timeoutMs: STEP_MS, what: 'the shell banner' });
    await s.waitFor((t) => !/Context:/.test(t) && /[#$] ?$/m.test(t), { timeoutMs: STEP_MS, what: 'a shell prompt in place of the UI' });
    s.type('echo inside-$((6*7))');
    s.keys('Enter');
    await s.waitFor(/^inside-42\s*$/m, { timeoutMs: STEP_MS, what: 'the output of the command typed in the shell' });
    s.type('exit');
    s.keys('Enter');
    const back = await s.waitFor(/Context:\s+kubeterm[\s\S]*Pods\(/, { timeoutMs: STEP_MS, what: 'the UI back after exit' });
    expect(back).not.toMatch(/inside-42/);
    expect(s.display('#{alternate_on}')).toBe('1');
    // It takes keys again: d describes the selected pod.
    s.keys('d');
    await s.waitFor(/Describe\(default\/sh-target\)/, { timeoutMs: STEP_MS, what: 'describe opened by a key after the shell' });
  });
});
