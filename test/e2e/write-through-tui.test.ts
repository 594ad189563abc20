// End to end: write-through from the keyboard. The real `kubeterm` binary in a
// private tmux server (simulated runtime, --git-commit) on a git folder holding
// a commented multi-document file, a CRLF file, a kustomize folder and an
// HPA-scaled Deployment. `s` on a managed Deployment changes only its
// `replicas:` line (the rest byte for byte), makes one commit with the message,
// and the cluster follows and stays there past the self-heal delay; `i` then `u`
// change only the image line; the CRLF file stays CRLF; the kustomization gets
// a `replicas:` entry; the HPA's target is refused, naming the HPA.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { deploymentText } from '../helpers/manifests.js';
import { BIN, ROOT, TmuxSession } from './tmux.js';
import { screenSteps, tuiTestFile } from './tui-test-file.js';

const tui = tuiTestFile('test/e2e/write-through-tui.test.ts');

const START_MS = 90_000;
const STEP_MS = 30_000;
const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

const deploy = (name: string, replicas: number, image: string, comment = '') =>
  deploymentText(name, { replicas: `${replicas}${comment}`, containers: `        - name: ${name}\n          image: "${image}" # pinned\n` });

const APPS = `# Our apps. Comments stay.\n${deploy('api', 1, 'api:2')}---\n# the web frontend\n${deploy('web', 2, 'nginx:1.26', '  # HA')}---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {mode: "fast"}\n`;
const EDGE = deploy('edge', 1, 'envoy:1.30').replace(/\n/g, '\r\n');
const KUST = 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - shop.yaml\n';
const AUTO = `${deploy('auto', 1, 'nginx:1.26')}---\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: auto-hpa}\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: auto}\n  minReplicas: 1\n  maxReplicas: 3\n`;

function diffLines(a: string, b: string): string[] {
  const x = a.split('\n');
  const y = b.split('\n');
  expect(y.length).toBe(x.length);
  return y.filter((l, i) => l !== x[i]);
}

describe.skipIf(tui.skip)('write-through in the terminal UI (tmux, simulated runtime, real git)', { timeout: 300_000 }, () => {
  it('scale, set image and rollback write the manifests; kustomize and CRLF files too; an HPA target is refused', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubeterm-wt-tui-'));
    const folder = join(dir, 'gitops');
    mkdirSync(join(folder, 'shop'), { recursive: true });
    writeFileSync(join(folder, 'apps.yaml'), APPS);
    writeFileSync(join(folder, 'edge.yaml'), EDGE);
    writeFileSync(join(folder, 'auto.yaml'), AUTO);
    writeFileSync(join(folder, 'shop', 'kustomization.yaml'), KUST);
    writeFileSync(join(folder, 'shop', 'shop.yaml'), deploy('shop', 1, 'shop:1'));
    const git = (...a: string[]) => execFileSync('git', ['-c', 'user.email=t@t', '-c', 'user.name=t', ...a], { cwd: folder, encoding: 'utf8' });
    git('init', '-q');
    git('add', '.');
    git('commit', '-q', '-m', 'initial');
    const read = (rel: string) => readFileSync(join(folder, rel), 'utf8');

    const command =
      `${q(process.execPath)} ${q(BIN)} ${q(folder)} --git-commit --runtime sim --nodes 1 --no-api --no-network --state ${q(join(dir, 'state.json'))}` +
      `; exec sleep 3600`;
    const s = TmuxSession.start(tui.tmux!, { command, cols: 200, rows: 50, cwd: ROOT });
    tui.onCleanup(() => {
      s.kill();
      rmSync(dir, { recursive: true, force: true });
    });
    const { wait } = screenSteps(s, STEP_MS);
    let current = '';
    const filter = async (name: string) => {
      // `/` starts from the current filter: clear it, then type the new one (esc would leave the view;
      // a backspace on an empty filter closes the prompt).
      s.type('/');
      await wait(new RegExp(`^/${current}`, 'm'), 'the filter prompt');
      for (let i = 0; i < current.length; i++) s.keys('BSpace');
      s.type(name);
      current = name;
      s.keys('Enter');
      await wait(new RegExp(`Deployments\\([^)]*\\)\\[1/\\d+\\] </${name}>`), `the deployments view filtered to ${name}`);
    };
    const scaleTo = async (n: number) => {
      s.keys('s');
      await wait(/Replicas:/, 'the scale dialog');
      s.keys('BSpace', 'BSpace', 'BSpace');
      s.type(String(n));
      s.keys('Enter');
    };

    await wait(/Runtime:\s+SIMULATED/, 'the header to name the SIMULATED runtime', START_MS);
    s.type(':deploy');
    s.keys('Enter');
    await wait(/Deployments\(/, 'the deployments view');
    await wait(/\bweb\s+2\/2/, 'web running 2/2', START_MS);

    // s on web: only its replicas line changes; one commit; the cluster follows.
    await filter('web');
    await scaleTo(5);
    await wait(/scale deployment\/web to 5 → gitops\/apps\.yaml:24/, 'the header/flash to say what was written where');
    expect(diffLines(APPS, read('apps.yaml'))).toEqual(['  replicas: 5  # HA']);
    expect(git('log', '-1', '--format=%s').trim()).toBe('scale deployment/web to 5');
    expect(git('rev-list', '--count', 'HEAD').trim()).toBe('2');
    await wait(/\bweb\s+5\/5/, 'web at 5/5');
    await new Promise((r) => setTimeout(r, 6500)); // past the 5 s self-heal delay
    expect(s.screen()).toMatch(/\bweb\s+5\/5/);
    expect(read('apps.yaml')).toContain('  replicas: 5  # HA');

    // i: set image writes only the image line; u: rollback writes the previous image back.
    const afterScale = read('apps.yaml');
    s.keys('i');
    await wait(/Set image deployment\/web/, 'the set image dialog');
    for (let i = 0; i < 12; i++) s.keys('BSpace');
    s.type('nginx:1.27');
    s.keys('Enter');
    await wait(/set image deployment\/web web=nginx:1\.27 → gitops\/apps\.yaml:33/, 'the set image write');
    expect(diffLines(afterScale, read('apps.yaml'))).toEqual(['          image: "nginx:1.27" # pinned']);
    await new Promise((r) => setTimeout(r, 1500)); // the new revision's ReplicaSet
    s.keys('u');
    await wait(/Rollback deployment default\/web\?/, 'the rollback confirmation');
    s.keys('y');
    await wait(/rollback deployment\/web to revision 1 \(web=nginx:1\.26\) → gitops\/apps\.yaml:33/, 'the rollback write');
    expect(read('apps.yaml')).toBe(afterScale);
    expect(git('rev-list', '--count', 'HEAD').trim()).toBe('4');

    // A CRLF file stays CRLF.
    await filter('edge');
    await scaleTo(3);
    await wait(/scale deployment\/edge to 3 → gitops\/edge\.yaml:6/, 'the edge write');
    expect(read('edge.yaml')).toBe(EDGE.replace('replicas: 1', 'replicas: 3'));

    // A kustomize folder gets a replicas entry.
    await filter('shop');
    await scaleTo(2);
    await wait(/scale deployment\/shop to 2 → gitops\/shop\/kustomization\.yaml/, 'the kustomization write');
    expect(read('shop/kustomization.yaml')).toBe(`${KUST}replicas:\n- name: shop\n  count: 2\n`);
    await wait(/\bshop\s+2\/2/, 'shop at 2/2');

    // The HPA's target: refused, naming the HPA; the file is untouched.
    await filter('auto');
    await scaleTo(3);
    await wait(/HorizontalPodAutoscaler auto-hpa/, 'the refusal naming the HPA');
    s.keys('Escape');
    expect(read('auto.yaml')).toBe(AUTO);
  });
});
