// End to end: port-forward from the real terminal UI to a real container. The
// `kubeterm` binary runs in a private tmux server on a folder holding one httpd
// pod (Docker runtime, no API server, no service network). On the pods view
// shift-f opens the dialog with the container port and the same local port;
// enter starts the forward; the test fetches http://127.0.0.1:PORT/ itself and
// sees the pod's page; `:pf` lists the forward and ctrl-d stops it (the port
// then refuses). A second forward outlives nothing: deleting the manifest
// prunes the pod and `:pf` reports the forward PodGone. Skipped with a printed
// reason without tmux or Docker; in CI both are required.
import { execFileSync } from 'node:child_process';
import http from 'node:http';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/loopback.js';
import { BIN, escapeRe, findTmux, ROOT, TmuxSession, waitForFile } from './tmux.js';

const IMAGE = 'kubeterm/httpd:latest';
const TMUX = findTmux();

function dockerProblem(): string | undefined {
  try {
    execFileSync('docker', ['image', 'inspect', IMAGE], { stdio: 'ignore', timeout: 20_000 });
    return undefined;
  } catch {
    return `no Docker engine with the ${IMAGE} image (run \`bash .ci/docker-setup.sh\`)`;
  }
}

const problem = !TMUX ? 'tmux is not installed (apt-get install tmux)' : dockerProblem();
if (problem) {
  if (process.env.CI) throw new Error(`CI requires tmux and Docker for test/e2e/port-forward-tui.test.ts: ${problem}`);
  console.log(`SKIP test/e2e/port-forward-tui.test.ts: ${problem}`);
}

const START_MS = 120_000;
const STEP_MS = 30_000;
const PAGE = 'port-forward e2e page';


function fetchPage(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent: false, timeout: 5000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve(body));
    });
    req.on('timeout', () => req.destroy(new Error(`timeout: ${url}`)));
    req.on('error', reject);
  });
}

const podManifest = (port: number) => `apiVersion: v1
kind: Pod
metadata:
  name: pf-web
  namespace: default
spec:
  terminationGracePeriodSeconds: 1
  containers:
    - name: httpd
      image: ${IMAGE}
      imagePullPolicy: IfNotPresent
      command: ["sh", "-c", "echo '${PAGE}' > /var/www/index.html && exec httpd -f -p ${port} -h /var/www"]
      ports:
        - containerPort: ${port}
      readinessProbe:
        tcpSocket:
          port: ${port}
        periodSeconds: 1
`;

const dir = mkdtempSync(join(tmpdir(), 'kubeterm-pf-tui-'));
const state = join(dir, 'state.json');
let session: TmuxSession | undefined;

/** Containers outlive kubeterm by design (re-adoption); these were created by this test, so remove them. */
function removeOurContainers(): void {
  try {
    const file = JSON.parse(readFileSync(state, 'utf8')) as { objects?: { kind: string; metadata: { name: string }; data?: { id?: string } }[] };
    const id = file.objects?.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'kubeterm-instance')?.data?.id;
    if (!id) return;
    const ids = execFileSync('docker', ['ps', '-aq', '--filter', `label=io.kubeterm.instance=${id}`], { encoding: 'utf8' }).split('\n').filter(Boolean);
    if (ids.length) execFileSync('docker', ['rm', '-f', ...ids], { stdio: 'ignore' });
  } catch {
    // no state file: nothing was started
  }
}

afterAll(() => {
  session?.kill();
  if (!problem) removeOurContainers();
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!!problem)('port-forward from the terminal UI (Docker runtime, tmux)', { timeout: 600_000 }, () => {
  it('shift-f forwards to the pod, the page answers on 127.0.0.1, :pf lists it, ctrl-d stops it, a pruned pod shows PodGone', async () => {
    // Free on 127.0.0.1 now: the container listens on it too, so the dialog's default local port is usable.
    const port = await freePort();
    const folder = join(dir, 'gitops');
    mkdirSync(folder);
    writeFileSync(join(folder, 'pod.yaml'), podManifest(port));
    const exitFile = join(dir, 'exit');
    const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
    const command =
      `${q(process.execPath)} ${q(BIN)} ${q(folder)} --runtime docker --no-api --no-network --state ${q(state)}` + `; echo "EXIT=$?" > ${q(exitFile)}; exec sleep 3600`;
    const s = (session = TmuxSession.start(TMUX!, { command, cols: 160, rows: 50, cwd: ROOT }));
    const wait = (re: RegExp, what: string, timeoutMs = STEP_MS) => s.waitFor(re, { timeoutMs, what });
    const prompt = async (text: string) => {
      s.type(`:${text}`);
      await wait(new RegExp(`^:${escapeRe(text)}`, 'm'), `the prompt to echo :${text}`);
      s.keys('Enter');
    };

    await wait(/pf-web\s+1\/1\s+Running/, 'pod pf-web 1/1 Running on Docker', START_MS);

    // shift-f: the dialog proposes the container port and the same local port on 127.0.0.1.
    s.keys('F');
    let screen = await wait(/Container Port:\s+httpd::\d+/, 'the port-forward dialog');
    expect(screen).toMatch(new RegExp(`Container Port:\\s+httpd::${port}\\b`));
    expect(screen).toMatch(new RegExp(`Local Port:\\s+${port}\\b`));
    expect(screen).toMatch(/Address:\s+127\.0\.0\.1/);
    s.keys('Enter');
    await wait(new RegExp(`PortForward activated default/pf-web:${port}:${port} http://127\\.0\\.0\\.1:${port}/`), 'the activation flash');

    // The test itself reaches the container through the forward.
    expect(await fetchPage(`http://127.0.0.1:${port}/`)).toContain(PAGE);

    // :pf lists it; ctrl-d (confirmed) stops it and the port refuses.
    await prompt('pf');
    screen = await wait(new RegExp(`pf-web\\s+httpd\\s+${port}:${port}\\s+http://127\\.0\\.0\\.1:${port}/\\s+Active`), 'the forward in :pf');
    expect(screen).toMatch(/NAMESPACE\s+NAME\s+CONTAINER\s+PORTS\s+URL\s+STATUS\s+AGE/);
    s.keys('C-d');
    await wait(new RegExp(`Delete portforward default/pf-web::httpd ${port}->${port}\\?`), 'the delete confirmation');
    s.keys('y');
    await wait(/Portforwards\(all\)\[0\]/, 'the forward to leave :pf');
    await expect(fetchPage(`http://127.0.0.1:${port}/`)).rejects.toMatchObject({ code: 'ECONNREFUSED' });

    // A new forward lives as long as the pod: prune the pod and :pf says PodGone.
    s.keys('Escape');
    await wait(/Pods\(all\)/, 'back on the pods view');
    s.keys('F');
    await wait(/Container Port:\s+httpd::\d+/, 'the port-forward dialog again');
    s.keys('Enter');
    await wait(/PortForward activated default\/pf-web/, 'the second activation flash');
    expect(await fetchPage(`http://127.0.0.1:${port}/`)).toContain(PAGE);
    unlinkSync(join(folder, 'pod.yaml'));
    await wait(/ended: pod default\/pf-web is gone/, 'the flash saying the pod is gone', 60_000);
    await prompt('pf');
    await wait(new RegExp(`pf-web\\s+httpd\\s+${port}:${port}\\s+http://127\\.0\\.0\\.1:${port}/\\s+PodGone`), 'the forward listed PodGone');
    await expect(fetchPage(`http://127.0.0.1:${port}/`)).rejects.toMatchObject({ code: 'ECONNREFUSED' });

    await prompt('q');
    const exit = await waitForFile(join(dir, 'exit'), STEP_MS);
    expect(exit).toContain('EXIT=0');
  });
});
