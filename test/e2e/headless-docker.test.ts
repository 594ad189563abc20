// End to end on the real Docker runtime: `kubeterm examples/hello --headless
// --runtime docker` runs the three nginx pods as containers, stops cleanly, and
// a restart re-adopts them instead of starting duplicates. Skipped, with the
// reason printed, when no Docker engine answers or the nginx:1.25 image
// (tagged locally by .ci/docker-setup.sh) is absent.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { killIfRunning, startKubeterm, type Kubeterm } from './headless-helpers.js';

function dockerProblem(): string | undefined {
  try {
    execFileSync('docker', ['image', 'inspect', 'nginx:1.25'], { stdio: 'ignore', timeout: 20_000 });
    return undefined;
  } catch {
    return 'no Docker engine with the nginx:1.25 image (run `bash .ci/docker-setup.sh`)';
  }
}

const problem = dockerProblem();
if (problem) console.log(`skipping Docker end-to-end tests: ${problem}`);

const dir = mkdtempSync(join(tmpdir(), 'kubeterm-e2e-docker-'));
const state = join(dir, 'state.json');
const started: Kubeterm[] = [];

/** The engine's instance id, which labels every container it created. */
function instanceId(): string | undefined {
  try {
    const file = JSON.parse(readFileSync(state, 'utf8')) as { objects?: { kind: string; metadata: { name: string }; data?: { id?: string } }[] };
    return file.objects?.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'kubeterm-instance')?.data?.id;
  } catch {
    return undefined;
  }
}

function ourContainers(running = false): string[] {
  const id = instanceId();
  if (!id) return [];
  const out = execFileSync('docker', ['ps', ...(running ? [] : ['-a']), '-q', '--filter', `label=io.kubeterm.instance=${id}`], { encoding: 'utf8' });
  return out.split('\n').filter(Boolean);
}

afterAll(() => {
  started.forEach(killIfRunning);
  // Containers outlive kubeterm by design (re-adoption); these were created by this test, so remove them.
  const ids = problem ? [] : ourContainers();
  if (ids.length) execFileSync('docker', ['rm', '-f', ...ids], { stdio: 'ignore' });
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!!problem)('kubeterm --headless --runtime docker', { timeout: 180_000 }, () => {
  it('runs the hello pods as containers and re-adopts them after a restart', async () => {
    const k = startKubeterm(['examples/hello', '--headless', '--state', state, '--runtime', 'docker']);
    started.push(k);
    await k.waitFor(/runtime docker \(--runtime docker at /);
    await k.waitFor(/^deployment\.apps\/web created$/);
    await k.waitForLines(/^EVENT Normal Started pod\/web-[a-z0-9-]+: Started container nginx$/, 3, 90_000);
    k.child.kill('SIGTERM');
    expect(await k.exited).toBe(0);
    const before = ourContainers(true);
    expect(before.length).toBe(6); // 3 pods × (sandbox + nginx)

    const again = startKubeterm(['examples/hello', '--headless', '--state', state, '--runtime', 'docker']);
    started.push(again);
    await again.waitFor(/^SYNC examples\/hello: 0 applied, 3 unchanged/);
    again.child.kill('SIGTERM');
    expect(await again.exited).toBe(0);
    expect(ourContainers(true).sort()).toEqual(before.sort());
  });
});
