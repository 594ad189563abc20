// End to end: the real binary, headless, on a temporary state file with the
// simulated runtime. It applies examples/, prints kubectl-style lines and
// Events, stops cleanly on SIGTERM, refuses a second instance on the same
// state file, and reports a broken manifest by name while applying the rest.
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { kubetermTracker, ROOT } from './headless-helpers.js';

let dir: string;
const kubeterms = kubetermTracker();
const kubeterm = (args: string[]) => kubeterms.start(args);

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kubeterm-e2e-'));
});

afterEach(() => {
  kubeterms.killAll();
  rmSync(dir, { recursive: true, force: true });
});

describe('kubeterm --headless', { timeout: 120_000 }, () => {
  it('applies examples/hello, prints applied objects and Events, and stops cleanly on SIGTERM', async () => {
    const state = join(dir, 'state.json');
    const k = kubeterm(['examples/hello', '--headless', '--state', state, '--runtime', 'sim']);
    await k.waitFor(/^kubeterm \S+: kubeterm \(embedded\), runtime simulated/);
    await k.waitFor(/^configmap\/web-content created$/);
    await k.waitFor(/^service\/web created$/);
    await k.waitFor(/^deployment\.apps\/web created$/);
    await k.waitFor(/^EVENT Normal ScalingReplicaSet deployment\/web: Scaled up replica set web-[a-z0-9]+ from 0 to 3$/);
    await k.waitFor(/^EVENT Normal SuccessfulCreate replicaset\/web-[a-z0-9]+: Created pod: web-[a-z0-9]+-[a-z0-9]+$/);
    await k.waitFor(/^EVENT Normal Scheduled pod\/web-[a-z0-9-]+: Successfully assigned default\/web-[a-z0-9-]+ to node-1$/);
    await k.waitFor(/^EVENT Normal Started pod\/web-[a-z0-9-]+: Started container nginx$/);
    await k.waitFor(/^SYNC examples\/hello: 3 applied, 0 unchanged, 0 pruned, 0 failed$/);

    k.child.kill('SIGTERM');
    expect(await k.exited).toBe(0);
    expect(k.stderr()).not.toMatch(/\n\s+at /); // no stack traces
    const saved = JSON.parse(readFileSync(state, 'utf8'));
    expect(JSON.stringify(saved)).toContain('"web-content"');
    expect(existsSync(`${state}.lock`)).toBe(false);

    // A restart on the same state finds everything in place.
    const again = kubeterm(['examples/hello', '--headless', '--state', state, '--runtime', 'sim']);
    await again.waitFor(/^deployment\.apps\/web unchanged$/);
    again.child.kill('SIGINT');
    expect(await again.exited).toBe(0);
  });

  it('refuses a second kubeterm on the same state file with one clear line and exit 1', async () => {
    const state = join(dir, 'state.json');
    const first = kubeterm(['--headless', '--state', state, '--runtime', 'sim']);
    await first.waitFor(/^kubeterm \S+: kubeterm \(embedded\)/);
    const second = kubeterm(['--headless', '--state', state, '--runtime', 'sim']);
    expect(await second.exited).toBe(1);
    expect(second.stderr().trim().split('\n')).toEqual([
      expect.stringMatching(/^kubeterm: state file .*state\.json is in use by another kubeterm \(pid \d+, started .*\); stop it or use --state to choose another file$/),
    ]);
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
  });

  it('applies the good files of examples/broken and names the bad file, document and line', async () => {
    const k = kubeterm(['examples/broken', '--headless', '--state', join(dir, 'state.json'), '--runtime', 'sim']);
    await k.waitFor(/^configmap\/greeting created$/);
    await k.waitFor(/^deployment\.apps\/good created$/);
    await k.waitFor(/^service\/good created$/);
    const err = await k.waitFor(/^error: .*bad-deployment\.yaml/);
    expect(err).toMatch(/bad-deployment\.yaml:\d+ \(document 1\): /);
    // A parse failure counts once the file has stayed broken a moment (it may be half-written), so only the applies are fixed here.
    await k.waitFor(/^SYNC examples\/broken: 3 applied, /);
    k.child.kill('SIGTERM');
    expect(await k.exited).toBe(0);
  });

  it('applies every seed example (17 objects, all kinds of the product notes) without an error', async () => {
    const k = kubeterm(['examples/seeds', '--headless', '--state', join(dir, 'state.json'), '--runtime', 'sim']);
    await k.waitFor(/^SYNC examples\/seeds: 17 applied, 0 unchanged, 0 pruned, 0 failed$/);
    for (const line of [
      'ingress.networking.k8s.io/minimal-ingress created',
      'horizontalpodautoscaler.autoscaling/nginx-hpa created',
      'persistentvolumeclaim/mysql-pvc created',
      'pod/app-pod created',
      'pod/my-pod created',
    ]) {
      expect(k.stdout().split('\n')).toContain(line);
    }
    k.child.kill('SIGTERM');
    expect(await k.exited).toBe(0);
    expect(k.stderr()).not.toMatch(/^error:/m);
  });

  it('follows the folder live: an edited file is configured, a deleted file pruned', async () => {
    const folder = join(dir, 'app');
    cpSync(join(ROOT, 'examples/hello'), folder, { recursive: true });
    const k = kubeterm([folder, '--headless', '--state', join(dir, 'state.json'), '--runtime', 'sim']);
    await k.waitFor(/^SYNC .*app: 3 applied, /);
    const deploy = join(folder, 'deployment.yaml');
    writeFileSync(deploy, readFileSync(deploy, 'utf8').replace('replicas: 3', 'replicas: 1'));
    await k.waitFor(/^deployment\.apps\/web configured$/);
    await k.waitFor(/^EVENT Normal ScalingReplicaSet deployment\/web: Scaled down replica set web-[a-z0-9]+ from 3 to 1$/);
    rmSync(join(folder, 'service.yaml'));
    await k.waitFor(/^service\/web pruned$/);
    k.child.kill('SIGTERM');
    expect(await k.exited).toBe(0);
  });

  it('--dry-run shows what the folder would create and writes nothing', async () => {
    const state = join(dir, 'state.json');
    const k = kubeterm(['examples/hello', '--headless', '--dry-run', '--state', state, '--runtime', 'sim']);
    await k.waitFor(/^deployment\.apps\/web created \(server dry run\)$/);
    await k.waitFor(/^SYNC examples\/hello: 3 applied, 0 unchanged, 0 pruned, 0 failed \(dry run\)$/);
    k.child.kill('SIGTERM');
    expect(await k.exited).toBe(0);
    expect(k.stdout()).not.toMatch(/^EVENT .*deployment\/web/m);
    expect(readFileSync(state, 'utf8')).not.toContain('"web-content"');
  });

  it('exits 1 with one line over a corrupt state file', async () => {
    const state = join(dir, 'state.json');
    writeFileSync(state, '{not json');
    const k = kubeterm(['--headless', '--state', state, '--runtime', 'sim']);
    expect(await k.exited).toBe(1);
    expect(k.stderr().trim().split('\n')).toEqual([expect.stringMatching(/^kubeterm: state file .*state\.json is corrupt \(invalid JSON/)]);
    expect(readFileSync(state, 'utf8')).toBe('{not json'); // never overwritten
  });

  it('exits 2 with a usage message on a bad flag, and 0 on --version', async () => {
    const bad = kubeterm(['--runtime', 'podman']);
    expect(await bad.exited).toBe(2);
    expect(bad.stderr()).toContain('kubeterm: invalid value "podman" for --runtime: must be one of auto, docker, process, sim');
    const missing = kubeterm(['no/such/folder', '--headless']);
    expect(await missing.exited).toBe(2);
    expect(missing.stderr()).toContain('kubeterm: FOLDER "no/such/folder" is not a folder');
    const v = kubeterm(['--version']);
    expect(await v.exited).toBe(0);
    expect(v.stdout()).toMatch(/^kubeterm \d+\.\d+\.\d+/);
  });
});
