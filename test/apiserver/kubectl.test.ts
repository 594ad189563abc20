// The real kubectl (v1.32) against a live ApiServer over TLS with a bearer
// token: discovery, apply (client- and server-side), get with server-side
// tables, describe, scale, set image, create namespace (protobuf), events,
// delete (waits for DELETED), logs, exec, and Kubernetes' error wording.
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/api/meta.js';
import type { ExecFn, LogsFn } from '../../src/apiserver/index.js';
import { KUBECTL, kubectlAvailable, startTestServer, type TestServer } from './harness.js';

const HAVE_KUBECTL = kubectlAvailable();

const logs: LogsFn = async (_ns, _pod, opts, onLine, signal) => {
  const lines = ['alpha', 'beta', 'gamma'];
  for (const l of opts.tailLines !== undefined ? lines.slice(-opts.tailLines) : lines) onLine(`${opts.container} ${l}`);
  if (opts.follow) {
    for (let i = 0; i < 2 && !signal.aborted; i++) {
      await new Promise((r) => setTimeout(r, 20));
      onLine(`followed ${i}`);
    }
  }
};

const exec: ExecFn = async (_ns, _pod, container, cmd, io) => {
  if (io.stdin) {
    let text = '';
    for await (const chunk of io.stdin) text += String(chunk);
    io.stdout?.write(`read:${text}`);
  }
  if (cmd[0] === 'echo') io.stdout?.write(cmd.slice(1).join(' ') + '\n');
  if (cmd[0] === 'sh') io.stderr?.write(`${container} failing\n`);
  return { exitCode: cmd[0] === 'sh' ? 7 : 0 };
};

function deployment(extra: { replicas?: number; labels?: Record<string, string>; minReadySeconds?: number; image?: string; unknown?: boolean } = {}): string {
  const labels = { app: 'web', ...(extra.labels ?? {}) };
  const spec: Record<string, unknown> = {
    replicas: extra.replicas ?? 2,
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: extra.image ?? 'nginx:1.25', ports: [{ containerPort: 80 }] }] } },
  };
  if (extra.minReadySeconds !== undefined) spec.minReadySeconds = extra.minReadySeconds;
  if (extra.unknown) spec.replicaz = 3;
  return JSON.stringify({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', labels }, spec });
}

const service = JSON.stringify({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } });

describe.skipIf(!HAVE_KUBECTL)('kubectl against the ApiServer', () => {
  let s: TestServer;
  let file: (name: string, text: string) => Promise<string>;

  beforeAll(async () => {
    s = await startTestServer({ logs, exec });
    file = async (name, text) => {
      const p = join(s.dir, name);
      await writeFile(p, text);
      return p;
    };
  });
  afterAll(async () => {
    await s?.close();
  });

  const deploy = () => s.api.get('Deployment', 'default', 'web');

  it('version answers v1.32 through the dispatcher', async () => {
    const r = await s.kubectl(['version']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('Server Version: v1.32.0-kubeterm');
  });

  it('api-resources lists short names, scopes and kinds', async () => {
    const r = await s.kubectl(['api-resources']);
    expect(r.code).toBe(0);
    const line = (name: string) => r.stdout.split('\n').find((l) => l.startsWith(name + ' '))?.split(/\s+/);
    expect(line('pods')).toEqual(['pods', 'po', 'v1', 'true', 'Pod']);
    expect(line('deployments')).toEqual(['deployments', 'deploy', 'apps/v1', 'true', 'Deployment']);
    expect(line('namespaces')).toEqual(['namespaces', 'ns', 'v1', 'false', 'Namespace']);
    expect(line('horizontalpodautoscalers')).toEqual(['horizontalpodautoscalers', 'hpa', 'autoscaling/v2', 'true', 'HorizontalPodAutoscaler']);
  });

  it('apply -f creates, changes, and removes a dropped field', async () => {
    const p = await file('web.json', deployment({ minReadySeconds: 5, labels: { tier: 'front' } }));
    let r = await s.kubectl(['apply', '-f', p]);
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('deployment.apps/web created');
    expect(deploy()?.spec.minReadySeconds).toBe(5);
    expect(deploy()?.metadata.annotations?.['kubectl.kubernetes.io/last-applied-configuration']).toContain('"minReadySeconds":5');

    await file('web.json', deployment({ replicas: 3, minReadySeconds: 5, labels: { tier: 'front' } }));
    r = await s.kubectl(['apply', '-f', p]);
    expect(r.stdout.trim()).toBe('deployment.apps/web configured');
    expect(deploy()?.spec.replicas).toBe(3);

    await file('web.json', deployment({ replicas: 3 }));
    r = await s.kubectl(['apply', '-f', p]);
    expect(r.stdout.trim()).toBe('deployment.apps/web configured');
    expect(deploy()?.spec.minReadySeconds ?? 0).toBe(0);
    expect(deploy()?.metadata.labels).toEqual({ app: 'web' });

    r = await s.kubectl(['apply', '-f', p]);
    expect(r.stdout.trim()).toBe('deployment.apps/web unchanged');
  });

  it('strict field validation rejects unknown fields with kubectl wording', async () => {
    const p = await file('bad.yaml', deployment({ unknown: true }).replace('"name":"web"', '"name":"bad"'));
    const r = await s.kubectl(['create', '-f', p]);
    expect(r.code).not.toBe(0);
    expect(r.stderr.trim()).toBe(
      `Error from server (BadRequest): error when creating "${p}": Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.replicaz"`,
    );
    expect(s.api.get('Deployment', 'default', 'bad')).toBeUndefined();
  });

  it('create -f of an existing object is AlreadyExists', async () => {
    const p = await file('web2.json', deployment());
    const r = await s.kubectl(['create', '-f', p]);
    expect(r.stderr.trim()).toBe(`Error from server (AlreadyExists): error when creating "${p}": deployments.apps "web" already exists`);
  });

  it('get of a missing object is NotFound', async () => {
    const r = await s.kubectl(['get', 'deployment', 'nope']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe('Error from server (NotFound): deployments.apps "nope" not found');
  });

  it('an invalid patch is Invalid with the field path', async () => {
    const r = await s.kubectl(['patch', 'deployment', 'web', '-p', '{"spec":{"replicas":-1}}']);
    expect(r.stderr.trim()).toBe('The Deployment "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0');
    expect(deploy()?.spec.replicas).toBe(3);
  });

  it('get pods -o wide prints the Kubernetes columns', async () => {
    await s.api.create({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'web-1', namespace: 'default', labels: { app: 'web' } },
      spec: { nodeName: 'node-1', containers: [{ name: 'web', image: 'nginx' }] },
    } as KubeObject);
    await s.api.modify('Pod', 'default', 'web-1', (p) => {
      p.status = {
        phase: 'Running',
        podIP: '10.0.0.5',
        podIPs: [{ ip: '10.0.0.5' }],
        conditions: [{ type: 'Ready', status: 'True' }],
        containerStatuses: [{ name: 'web', ready: true, restartCount: 0, state: { running: { startedAt: '2026-01-01T00:00:00Z' } } }],
      };
    }, { status: true });
    const r = await s.kubectl(['get', 'pods', '-o', 'wide']);
    const [header, row] = r.stdout.trim().split('\n');
    expect(header.split(/\s{2,}/)).toEqual(['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'IP', 'NODE', 'NOMINATED NODE', 'READINESS GATES']);
    expect(row.split(/\s+/)).toEqual(['web-1', '1/1', 'Running', '0', expect.stringMatching(/^\d+s$/), '10.0.0.5', 'node-1', '<none>', '<none>']);
  });

  it('get all lists every kind in the "all" category', async () => {
    await s.kubectl(['apply', '-f', await file('svc.json', service)]);
    const r = await s.kubectl(['get', 'all']);
    expect(r.stdout).toContain('pod/web-1');
    expect(r.stdout).toContain('service/web');
    expect(r.stdout).toContain('deployment.apps/web');
    expect(r.stdout).toMatch(/NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE/);
    expect(r.stdout).toMatch(/NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE/);
  });

  it('get -A --show-labels reads namespace and labels from row objects', async () => {
    const r = await s.kubectl(['get', 'pods', '-A', '--show-labels']);
    const [header, row] = r.stdout.trim().split('\n');
    expect(header.split(/\s{2,}/)).toEqual(['NAMESPACE', 'NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'LABELS']);
    expect(row.split(/\s+/)).toEqual(['default', 'web-1', '1/1', 'Running', '0', expect.any(String), 'app=web']);
  });

  it('get -o yaml and -o jsonpath', async () => {
    let r = await s.kubectl(['get', 'deploy', 'web', '-o', 'yaml']);
    expect(r.stdout).toMatch(/^apiVersion: apps\/v1\nkind: Deployment\n/);
    expect(r.stdout).toContain(`uid: ${deploy()!.metadata.uid}`);
    r = await s.kubectl(['get', 'deploy', 'web', '-o', 'jsonpath={.spec.replicas}/{.spec.template.spec.containers[0].image}']);
    expect(r.stdout).toBe('3/nginx:1.25');
  });

  it('describe deployment shows the object and its events', async () => {
    const d = deploy()!;
    await s.api.create({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'web.1', namespace: 'default' },
      involvedObject: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', namespace: 'default', uid: d.metadata.uid },
      reason: 'ScalingReplicaSet',
      message: 'Scaled up replica set web-abc to 3',
      type: 'Normal',
      source: { component: 'deployment-controller' },
      firstTimestamp: new Date().toISOString(),
      lastTimestamp: new Date().toISOString(),
      count: 1,
    } as KubeObject);
    const r = await s.kubectl(['describe', 'deployment', 'web']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^Name:\s+web$/m);
    expect(r.stdout).toMatch(/^Replicas:\s+3 desired/m);
    expect(r.stdout).toMatch(/Normal\s+ScalingReplicaSet\s+\S+\s+deployment-controller\s+Scaled up replica set web-abc to 3/);
  });

  it('get events prints the event columns', async () => {
    const r = await s.kubectl(['get', 'events']);
    const [header, row] = r.stdout.trim().split('\n');
    expect(header.split(/\s{2,}/)).toEqual(['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE']);
    expect(row).toMatch(/Normal\s+ScalingReplicaSet\s+deployment\/web\s+Scaled up replica set web-abc to 3/);
  });

  it('scale --replicas=5 patches the scale subresource', async () => {
    const r = await s.kubectl(['scale', 'deployment', 'web', '--replicas=5']);
    expect(r.stdout.trim()).toBe('deployment.apps/web scaled');
    expect(deploy()?.spec.replicas).toBe(5);
  });

  it('set image changes the template', async () => {
    const r = await s.kubectl(['set', 'image', 'deployment/web', 'web=nginx:1.27']);
    expect(r.stdout.trim()).toBe('deployment.apps/web image updated');
    expect(deploy()?.spec.template.spec.containers[0].image).toBe('nginx:1.27');
  });

  it('rollout status follows generation/observedGeneration over a watch', async () => {
    const d = deploy()!;
    await s.api.modify('Deployment', 'default', 'web', (o) => {
      o.status = {
        observedGeneration: d.metadata.generation,
        replicas: 5,
        updatedReplicas: 5,
        readyReplicas: 5,
        availableReplicas: 5,
        conditions: [{ type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable' }],
      };
    }, { status: true });
    const r = await s.kubectl(['rollout', 'status', 'deployment/web', '--timeout=10s']);
    expect(r.stdout.trim()).toBe('deployment "web" successfully rolled out');
  });

  it('create namespace sends protobuf and is understood', async () => {
    const r = await s.kubectl(['create', 'namespace', 'team-a']);
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('namespace/team-a created');
    expect(s.api.get('Namespace', '', 'team-a')?.metadata.name).toBe('team-a');
    const cm = await s.kubectl(['create', 'configmap', 'cfg', '-n', 'team-a', '--from-literal=a=1', '--from-literal=b=2']);
    expect(cm.stdout.trim()).toBe('configmap/cfg created');
    expect(s.api.get('ConfigMap', 'team-a', 'cfg')?.data).toEqual({ a: '1', b: '2' });
  });

  it('typed create commands (protobuf bodies) make the objects kubectl describes', async () => {
    let r = await s.kubectl(['create', 'deployment', 'pb', '--image=nginx:1.27', '--port=8080', '--replicas=2', '-n', 'team-a']);
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('deployment.apps/pb created');
    const d = s.api.get('Deployment', 'team-a', 'pb')!;
    expect(d.spec.replicas).toBe(2);
    expect(d.spec.selector).toEqual({ matchLabels: { app: 'pb' } });
    expect(d.spec.template.spec.containers[0]).toMatchObject({ name: 'nginx', image: 'nginx:1.27', ports: [{ containerPort: 8080, protocol: 'TCP' }] });
    r = await s.kubectl(['create', 'service', 'nodeport', 'pb', '--tcp=80:http', '--node-port=30080', '-n', 'team-a']);
    expect(r.stdout.trim()).toBe('service/pb created');
    expect(s.api.get('Service', 'team-a', 'pb')?.spec).toMatchObject({ type: 'NodePort', selector: { app: 'pb' }, ports: [{ name: '80-http', port: 80, targetPort: 'http', nodePort: 30080, protocol: 'TCP' }] });
    r = await s.kubectl(['create', 'job', 'once', '--image=busybox', '-n', 'team-a', '--', 'echo', 'hi']);
    expect(r.stdout.trim()).toBe('job.batch/once created');
    expect(s.api.get('Job', 'team-a', 'once')?.spec.template.spec).toMatchObject({ restartPolicy: 'Never', containers: [{ name: 'once', image: 'busybox', command: ['echo', 'hi'] }] });
    r = await s.kubectl(['create', 'cronjob', 'tick', '--image=busybox', '--schedule=*/5 * * * *', '-n', 'team-a']);
    expect(r.stdout.trim()).toBe('cronjob.batch/tick created');
    expect(s.api.get('CronJob', 'team-a', 'tick')?.spec.schedule).toBe('*/5 * * * *');
    r = await s.kubectl(['create', 'secret', 'generic', 'creds', '--from-literal=user=admin', '-n', 'team-a']);
    expect(r.stdout.trim()).toBe('secret/creds created');
    expect(s.api.get('Secret', 'team-a', 'creds')?.data).toEqual({ user: Buffer.from('admin').toString('base64') });
  });

  it('apply --server-side creates, reports conflicts, and forces', async () => {
    const text = JSON.stringify({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'api', labels: { app: 'api' } },
      spec: { replicas: 1, selector: { matchLabels: { app: 'api' } }, template: { metadata: { labels: { app: 'api' } }, spec: { containers: [{ name: 'api', image: 'busybox' }] } } },
    });
    const p = await file('api.json', text);
    let r = await s.kubectl(['apply', '--server-side', '-f', p]);
    expect(r.stdout.trim()).toBe('deployment.apps/api serverside-applied');
    const live = s.api.get('Deployment', 'default', 'api')!;
    expect(live.metadata.managedFields?.[0]).toMatchObject({ manager: 'kubectl', operation: 'Apply' });

    const other = await file('api-other.json', text.replace('"replicas":1', '"replicas":4'));
    r = await s.kubectl(['apply', '--server-side', '--field-manager=ci', '-f', other]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('Apply failed with 1 conflict: conflict with "kubectl" using apps/v1: .spec.replicas');
    expect(s.api.get('Deployment', 'default', 'api')?.spec.replicas).toBe(1);

    r = await s.kubectl(['apply', '--server-side', '--field-manager=ci', '--force-conflicts', '-f', other]);
    expect(r.stdout.trim()).toBe('deployment.apps/api serverside-applied');
    expect(s.api.get('Deployment', 'default', 'api')?.spec.replicas).toBe(4);
  });

  it('logs, logs --tail and logs -f stream through the injected reader', async () => {
    let r = await s.kubectl(['logs', 'web-1']);
    expect(r.stdout).toBe('web alpha\nweb beta\nweb gamma\n');
    r = await s.kubectl(['logs', 'web-1', '--tail=1']);
    expect(r.stdout).toBe('web gamma\n');
    r = await s.kubectl(['logs', '-f', 'web-1']);
    expect(r.stdout).toBe('web alpha\nweb beta\nweb gamma\nfollowed 0\nfollowed 1\n');
  });

  it('exec runs over WebSocket with stdin, stdout and the exit code', async () => {
    let r = await s.kubectl(['exec', 'web-1', '--', 'echo', 'hi']);
    expect(r.stdout).toBe('hi\n');
    expect(r.code).toBe(0);
    r = await s.kubectl(['exec', '-i', 'web-1', '--', 'cat'], { stdin: 'piped' });
    expect(r.stdout).toBe('read:piped');
    r = await s.kubectl(['exec', 'web-1', '--', 'sh', '-c', 'exit 7']);
    expect(r.code).toBe(7);
    expect(r.stderr).toContain('web failing');
    expect(r.stderr).toContain('command terminated with exit code 7');
  });

  it('drain cordons the node and evicts its pods through pods/eviction', async () => {
    await s.api.create({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' }, status: { conditions: [{ type: 'Ready', status: 'True' }] } } as KubeObject);
    await s.api.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'lonely', namespace: 'default' }, spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'i' }] } } as KubeObject);
    const r = await s.kubectl(['drain', 'n1', '--force', '--grace-period=0', '--timeout=10s']);
    expect(r.stdout.trim().split('\n')).toEqual(['node/n1 cordoned', 'evicting pod default/lonely', 'pod/lonely evicted', 'node/n1 drained']);
    expect(s.api.get('Node', '', 'n1')?.spec?.unschedulable).toBe(true);
    expect(s.api.get('Pod', 'default', 'lonely')).toBeUndefined();
    const nodes = await s.kubectl(['get', 'nodes']);
    expect(nodes.stdout).toMatch(/^n1\s+Ready,SchedulingDisabled\s+<none>/m);
  });

  it('get -w prints rows as the watch delivers them', { timeout: 150_000 }, async () => {
    // kubectl prints the header with the first row, and with no pod at all only when one arrives: a pod that is
    // there from the start shows the watch is established, whatever the other tests left in the namespace.
    await s.api.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'watch-test' } } as KubeObject);
    await s.api.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'already', namespace: 'watch-test' }, spec: { containers: [{ name: 'c', image: 'i' }] } } as KubeObject);
    const child = spawn(KUBECTL, ['--kubeconfig', s.kubeconfig, '--cache-dir', join(s.dir, 'cache'), '-n', 'watch-test', 'get', 'pods', '-w', '--output-watch-events'], {
      env: { PATH: process.env.PATH ?? '', HOME: s.dir },
    });
    let out = '';
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const seen = (re: RegExp) =>
      new Promise<void>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`timed out waiting for ${re} in:\n${out}\nstderr:\n${err}`)), 45_000);
        const check = () => {
          if (re.test(out)) {
            clearTimeout(t);
            resolve();
          }
        };
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          check();
        });
        check();
      });
    try {
      await seen(/^EVENT\s+NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/m);
      await seen(/ADDED\s+already\s+0\/1\s+Pending\s+0/);
      await s.api.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'watched', namespace: 'watch-test' }, spec: { containers: [{ name: 'c', image: 'i' }] } } as KubeObject);
      // kubectl's column writer may repeat the event column when widths change mid-stream: match the row, not the line start.
      await seen(/ADDED\s+watched\s+0\/1\s+Pending\s+0/);
      await s.api.delete('Pod', 'watch-test', 'watched');
      // Under load kubectl's column writer can print a row's cells repeated side by side
      // (`DELETED    DELETED    watchedwatched    0/10/1 …`): the same row, still in order.
      await seen(/DELETED(?:\s+DELETED)*\s+(?:watched)+\s+(?:0\/1)+\s+(?:Pending)+\s+0/);
    } finally {
      child.kill();
    }
  });

  it('delete -f returns once the objects are gone', { timeout: 90_000 }, async () => {
    const t = Date.now();
    const r = await s.kubectl(['delete', '-f', join(s.dir, 'web.json'), '-f', join(s.dir, 'svc.json')]);
    expect(r.stdout.trim().split('\n')).toEqual(['deployment.apps "web" deleted', 'service "web" deleted']);
    // Not a timing test: a kubectl that never saw the DELETED event would wait out its own 60 s timeout.
    expect(Date.now() - t).toBeLessThan(55_000);
    expect(deploy()).toBeUndefined();
    expect(s.api.get('Service', 'default', 'web')).toBeUndefined();
  });

  it('a wrong token is refused with Unauthorized', async () => {
    const r = await s.kubectl(['get', 'pods', '--token', 'not-the-token']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe('error: You must be logged in to the server (Unauthorized)');
  });
});
