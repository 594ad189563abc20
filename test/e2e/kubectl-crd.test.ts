// CustomResourceDefinitions end to end with the real kubectl against the
// whole embedded engine (CRD controller, HPA controller, simulated runtime)
// through its HTTPS API server: the CRD is applied and waited for, its kind
// appears in discovery, custom resources are applied client- and server-side,
// printed with the CRD's printer columns, described, patched (main resource
// and status subresource), scaled through /scale (by kubectl and by an HPA),
// refused when they break their schema, and go with their CRD. The core
// checks run with the oldest and newest kubectl installed too.
import { execFile, spawn } from 'node:child_process';
import { existsSync, realpathSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engine.js';
import type { KubeObject } from '../../src/api/meta.js';
import { KUBECTL, kubectlAvailable } from '../apiserver/harness.js';
import { until } from '../helpers/wait.js';
import { cpuHpa } from '../helpers/manifests.js';
import { useKubectlEngine, type KubectlEngine } from './kubectl-engine-harness.js';

const run = promisify(execFile);
const HAVE_KUBECTL = kubectlAvailable();

export const WIDGET_CRD = join(import.meta.dirname, '../fixtures/charts/widget-operator/crds/widgets.example.com.yaml');
const CRD_NAME = 'widgets.example.com';

/** The versioned kubectl binaries installed beside the default one (kubectl.1.27 … kubectl.1.33). */
function versionedKubectl(minor: number): string | undefined {
  if (!HAVE_KUBECTL) return undefined;
  const bin = join(dirname(realpathSync(KUBECTL)), `kubectl.1.${minor}`);
  if (existsSync(bin)) return bin;
  if (process.env.CI) throw new Error(`${bin} is missing, and CI requires the kubectl version matrix`);
  console.warn(`skipping kubectl 1.${minor} CRD checks: ${bin} is not installed`);
  return undefined;
}

const OLDEST = versionedKubectl(27);
const NEWEST = versionedKubectl(33);

const widget = (name: string, spec: Record<string, unknown>, apiVersion = 'example.com/v1') =>
  JSON.stringify({ apiVersion, kind: 'Widget', metadata: { name }, spec }, null, 2);

interface Kubectl {
  /** stdout; rejects when kubectl exits non-zero. */
  (...args: string[]): Promise<string>;
  /** stderr of a command expected to fail. */
  fails(...args: string[]): Promise<string>;
  /** stdout and stderr (warnings) of a command expected to succeed. */
  both(...args: string[]): Promise<{ stdout: string; stderr: string }>;
  /** The argv that runs kubectl with these arguments (for spawn). */
  argv(...args: string[]): [string, string[]];
  env: NodeJS.ProcessEnv;
}

/** kubectl `bin` against the engine `k` started, with its own --cache-dir. */
function kubectlFor(k: KubectlEngine, bin: string): Kubectl {
  const cache = join(k.home, `cache-${bin.split('/').pop()}`);
  const env = { PATH: process.env.PATH ?? '', HOME: k.home };
  const argv = (...args: string[]): [string, string[]] => [bin, ['--kubeconfig', k.kubeconfig, '--cache-dir', cache, ...args]];
  const both = async (...args: string[]) => {
    const { stdout, stderr } = await run(...argv(...args), { env, timeout: 90_000 });
    return { stdout, stderr };
  };
  const call = async (...args: string[]) => (await both(...args)).stdout;
  const fails = async (...args: string[]) => {
    try {
      await call(...args);
    } catch (e) {
      return String((e as { stderr?: string }).stderr ?? e);
    }
    throw new Error(`kubectl ${args.join(' ')} succeeded`);
  };
  return Object.assign(call, { fails, both, argv, env });
}

/** The engine, kubectl `bin` and file helpers one describe block works with: started before its tests (then `ready`), stopped after. */
function widgetEngine(name: string, bin: () => string, ready?: (kubectl: Kubectl) => Promise<void>) {
  const w = {
    file: (file: string, text: string) => {
      const p = join(w.k.home, file);
      writeFileSync(p, text);
      return p;
    },
    stored: (widgetName: string) => w.engine.api.get('Widget', 'default', widgetName),
  } as { k: KubectlEngine; engine: Engine; kubectl: Kubectl; file(file: string, text: string): string; stored(widgetName: string): KubeObject | undefined };

  useKubectlEngine(name, { nodes: 1 }, async (k) => {
    w.k = k;
    w.engine = k.engine;
    w.kubectl = kubectlFor(k, bin());
    await ready?.(w.kubectl);
  });
  return w;
}

/** The checks every kubectl version must pass: CRD established, the kind served, a Widget's life through get/describe/patch/scale, the CRD's deletion. */
function coreChecks(label: string, bin: () => string | undefined) {
  describe.skipIf(!bin())(`CRDs with ${label}`, { timeout: 120_000 }, () => {
    const w = widgetEngine(`kubectl-crd-${label.replace(/\W+/g, '-')}`, () => bin()!);

    it('applies the CRD, waits for Established and lists it', async () => {
      expect(await w.kubectl('apply', '-f', WIDGET_CRD)).toBe(`customresourcedefinition.apiextensions.k8s.io/${CRD_NAME} created\n`);
      expect(await w.kubectl('wait', '--for', 'condition=established', '--timeout=30s', `crd/${CRD_NAME}`)).toBe(
        `customresourcedefinition.apiextensions.k8s.io/${CRD_NAME} condition met\n`,
      );
      const out = await w.kubectl('get', 'crd');
      expect(out).toMatch(/^NAME\s+CREATED AT$/m);
      expect(out).toMatch(new RegExp(`^${CRD_NAME.replace(/\./g, '\\.')}\\s+\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ$`, 'm'));
      expect(await w.kubectl('api-resources', '--api-group=example.com')).toMatch(/^widgets\s+wd\s+example\.com\/v1\s+true\s+Widget$/m);
    });

    it('applies a Widget and prints it with the printer columns, by plural, short name and version', async () => {
      const f = w.file('alpha.json', widget('alpha', { replicas: 2, color: 'blue' }));
      expect(await w.kubectl('apply', '-f', f)).toBe('widget.example.com/alpha created\n');
      expect(await w.kubectl('apply', '-f', f)).toBe('widget.example.com/alpha unchanged\n');
      // The schema's default.
      expect(w.stored('alpha')?.spec).toEqual({ replicas: 2, color: 'blue', size: 'medium' });
      const table = await w.kubectl('get', 'widgets');
      expect(table).toMatch(/^NAME\s+REPLICAS\s+COLOR\s+READY\s+AGE$/m);
      expect(table).toMatch(/^alpha\s+2\s+blue\s+\S+\s*$/m);
      expect(await w.kubectl('get', 'wd', '-o', 'wide')).toMatch(/^NAME\s+REPLICAS\s+COLOR\s+READY\s+SIZE\s+AGE$/m);
      // v1beta1 has its own printer columns, and is deprecated: every request to it carries the warning.
      const beta = await w.kubectl.both('get', 'widgets.v1beta1.example.com');
      expect(beta.stdout).toMatch(/^NAME\s+REPLICAS\s+COLOR\s+AGE$/m);
      expect(beta.stdout).toMatch(/^alpha\s+2\s+blue\s+\S+$/m);
      expect(beta.stderr).toContain('Warning: example.com/v1beta1 Widget is deprecated; use example.com/v1 Widget');
      expect((await w.kubectl.both('get', 'widget.v1beta1.example.com', 'alpha')).stdout).toMatch(/^alpha\s+2\s+blue\s+\S+$/m);
      expect((await w.kubectl.both('get', 'widgets')).stderr).toBe('');
      expect(await w.kubectl('get', 'widgets.v1beta1.example.com', 'alpha', '-o', 'jsonpath={.apiVersion}')).toBe('example.com/v1beta1');
      expect(await w.kubectl('get', 'widget', 'alpha', '-o', 'jsonpath={.apiVersion}')).toBe('example.com/v1');
    });

    it('explains the Widget schema from the CRD', async () => {
      const out = await w.kubectl('explain', 'widgets.spec');
      expect(out).toMatch(/^KIND:\s+Widget$/m);
      expect(out).toMatch(/^\s+color\s+<string> -required-$/m);
      expect(out).toMatch(/^\s+replicas\s+<integer>$/m);
    });

    it('describes a Widget', async () => {
      const out = await w.kubectl('describe', 'widget', 'alpha');
      expect(out).toMatch(/^Name:\s+alpha$/m);
      expect(out).toMatch(/^Namespace:\s+default$/m);
      expect(out).toMatch(/^API Version:\s+example\.com\/v1$/m);
      expect(out).toMatch(/^Kind:\s+Widget$/m);
      expect(out).toMatch(/^Spec:\n(\s+\w+:\s+\S+\n)*\s+Color:\s+blue$/m);
      expect(out).toMatch(/^\s+Replicas:\s+2$/m);
      expect(out).toMatch(/^Events:\s+<none>$/m);
    });

    it('patches status through the status subresource only, and the main resource ignores status', async () => {
      const gen = w.stored('alpha')!.metadata.generation;
      await w.kubectl('patch', 'widget', 'alpha', '--subresource=status', '--type=merge', '-p', JSON.stringify({ status: { replicas: 2, readyReplicas: 2, selector: 'app=alpha', phase: 'Ready' }, spec: { color: 'red' } }));
      expect(w.stored('alpha')?.status).toEqual({ replicas: 2, readyReplicas: 2, selector: 'app=alpha', phase: 'Ready' });
      expect(w.stored('alpha')?.spec.color).toBe('blue');
      expect(w.stored('alpha')?.metadata.generation).toBe(gen);
      expect(await w.kubectl('patch', 'widget', 'alpha', '--type=merge', '-p', '{"status":{"phase":"Broken"}}')).toBe('widget.example.com/alpha patched (no change)\n');
      expect(w.stored('alpha')?.status?.phase).toBe('Ready');
      expect(await w.kubectl('get', 'widgets')).toMatch(/^alpha\s+2\s+blue\s+2\s+\S+$/m);
      expect(await w.kubectl('patch', 'widget', 'alpha', '--type=merge', '-p', '{"spec":{"color":"green"}}')).toBe('widget.example.com/alpha patched\n');
      expect(w.stored('alpha')?.spec.color).toBe('green');
      expect(w.stored('alpha')?.metadata.generation).toBe((gen ?? 0) + 1);
    });

    it('scales a Widget through its scale subresource', async () => {
      expect(await w.kubectl('scale', 'widget', 'alpha', '--replicas=3')).toBe('widget.example.com/alpha scaled\n');
      expect(w.stored('alpha')?.spec.replicas).toBe(3);
      const scale = JSON.parse(await w.kubectl('get', '--raw', '/apis/example.com/v1/namespaces/default/widgets/alpha/scale')) as KubeObject;
      expect(scale).toMatchObject({ kind: 'Scale', apiVersion: 'autoscaling/v1', spec: { replicas: 3 }, status: { replicas: 2, selector: 'app=alpha' } });
    });

    it('deletes the CRD with its Widgets, ends their watches, and the kind leaves discovery', async () => {
      // A raw watch of the kind: it sees the Widget go, then the server ends it (the kind's storage is gone).
      const [cmd, args] = w.kubectl.argv('get', '--raw', '/apis/example.com/v1/namespaces/default/widgets?watch=true');
      const watch = spawn(cmd, args, { env: w.kubectl.env });
      let events = '';
      watch.stdout.on('data', (d: Buffer) => (events += d.toString()));
      const ended = new Promise<number | null>((resolve) => watch.on('exit', (code) => resolve(code)));
      try {
        await until('the watch to deliver the Widget', () => events.includes('"ADDED"'), 30_000);
        expect(await w.kubectl('delete', 'crd', CRD_NAME)).toBe(`customresourcedefinition.apiextensions.k8s.io "${CRD_NAME}" deleted\n`);
        const code = await Promise.race([ended, new Promise<string>((r) => setTimeout(() => r('still open'), 20_000))]);
        expect(code).toBe(0);
        const seen = events.trim().split('\n').map((l) => JSON.parse(l) as { type: string; object: KubeObject });
        expect(seen.map((e) => `${e.type} ${e.object.kind}/${e.object.metadata.name}`)).toEqual(['ADDED Widget/alpha', 'DELETED Widget/alpha']);
      } finally {
        watch.kill();
      }
      expect(w.engine.api.get('CustomResourceDefinition', '', CRD_NAME)).toBeUndefined();
      expect(w.engine.api.list('Widget').items).toEqual([]);
      expect(w.engine.api.kinds.get('Widget')).toBeUndefined();
      expect(await w.kubectl('api-resources', '--api-group=example.com')).not.toMatch(/widgets/);
      expect(await w.kubectl.fails('get', 'widgets')).toMatch(/the server doesn't have a resource type "widgets"/);
    });
  });
}

coreChecks('the default kubectl', () => (HAVE_KUBECTL ? KUBECTL : undefined));
coreChecks('kubectl 1.27', () => OLDEST);
coreChecks('kubectl 1.33', () => NEWEST);

describe.skipIf(!HAVE_KUBECTL)('CRDs with kubectl: apply, schemas, categories and an HPA on a custom kind', { timeout: 180_000 }, () => {
  const w = widgetEngine('kubectl-crd-more', () => KUBECTL, async (kubectl) => {
    await kubectl('apply', '-f', WIDGET_CRD);
    await kubectl('wait', '--for', 'condition=established', '--timeout=30s', `crd/${CRD_NAME}`);
  });

  it('applies a Widget server-side, re-applies a change, and reports conflicts with another manager', async () => {
    const f = w.file('beta.json', widget('beta', { replicas: 1, color: 'red', size: 'large' }));
    expect(await w.kubectl('apply', '--server-side', '-f', f)).toBe('widget.example.com/beta serverside-applied\n');
    expect(w.stored('beta')?.spec).toEqual({ replicas: 1, color: 'red', size: 'large' });
    expect(w.stored('beta')?.metadata.managedFields?.map((m) => m.manager)).toContain('kubectl');
    writeFileSync(f, widget('beta', { replicas: 4, color: 'red' }));
    expect(await w.kubectl('apply', '--server-side', '-f', f)).toBe('widget.example.com/beta serverside-applied\n');
    // size was applied before and is not now: removed, then defaulted again by the schema.
    expect(w.stored('beta')?.spec).toEqual({ replicas: 4, color: 'red', size: 'medium' });
    const other = w.file('beta-other.json', widget('beta', { color: 'green' }));
    expect(await w.kubectl.fails('apply', '--server-side', '--field-manager=other', '-f', other)).toMatch(/conflict with "kubectl"/);
    expect(await w.kubectl('apply', '--server-side', '--field-manager=other', '--force-conflicts', '-f', other)).toBe('widget.example.com/beta serverside-applied\n');
    expect(w.stored('beta')?.spec.color).toBe('green');
  });

  it('writes a Widget in v1beta1: stored in v1, read in either', async () => {
    const f = w.file('gamma.json', widget('gamma', { color: 'red' }, 'example.com/v1beta1'));
    expect(await w.kubectl('apply', '-f', f)).toBe('widget.example.com/gamma created\n');
    expect(w.stored('gamma')?.apiVersion).toBe('example.com/v1');
    expect(w.stored('gamma')?.spec).toEqual({ replicas: 1, color: 'red', size: 'medium' });
    expect(await w.kubectl('get', 'widgets.v1beta1.example.com', 'gamma', '-o', 'jsonpath={.apiVersion}')).toBe('example.com/v1beta1');
  });

  it('applies status server-side through the status subresource, with its own field ownership', async () => {
    const f = w.file('beta-status.json', JSON.stringify({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'beta' }, spec: { color: 'blue' }, status: { replicas: 4, phase: 'Ready' } }));
    expect(await w.kubectl('apply', '--server-side', '--subresource=status', '--field-manager=widget-controller', '-f', f)).toBe('widget.example.com/beta serverside-applied\n');
    expect(w.stored('beta')?.status).toEqual({ replicas: 4, phase: 'Ready' });
    expect(w.stored('beta')?.spec.color).toBe('green'); // the configuration's spec is not the status subresource's business
    const entry = w.stored('beta')?.metadata.managedFields?.find((m) => m.manager === 'widget-controller');
    expect(entry).toMatchObject({ operation: 'Apply', subresource: 'status', fieldsV1: { 'f:status': { 'f:replicas': {}, 'f:phase': {} } } });
    // Dropping a field from the next apply removes it; another manager changing an owned field conflicts.
    writeFileSync(f, JSON.stringify({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'beta' }, status: { phase: 'Ready' } }));
    await w.kubectl('apply', '--server-side', '--subresource=status', '--field-manager=widget-controller', '-f', f);
    expect(w.stored('beta')?.status).toEqual({ phase: 'Ready' });
    const other = w.file('beta-status-other.json', JSON.stringify({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'beta' }, status: { phase: 'Broken' } }));
    expect(await w.kubectl.fails('apply', '--server-side', '--subresource=status', '--field-manager=other', '-f', other)).toMatch(/conflict with "widget-controller" using example\.com\/v1: \.status\.phase/);
    // A main-resource apply leaves status and the status manager alone.
    await w.kubectl('apply', '--server-side', '--field-manager=other', '--force-conflicts', '-f', w.file('beta-spec.json', widget('beta', { color: 'green' })));
    expect(w.stored('beta')?.status).toEqual({ phase: 'Ready' });
    expect(w.stored('beta')?.metadata.managedFields?.find((m) => m.manager === 'widget-controller')).toMatchObject({ subresource: 'status' });
  });

  it('refuses a status that breaks the schema (status writes are validated too)', async () => {
    // Kubernetes validates and prunes status against the version's schema on the status subresource too.
    const err = await w.kubectl.fails('patch', 'widget', 'beta', '--subresource=status', '--type=merge', '-p', '{"status":{"replicas":"many"}}');
    expect(err).toContain('status.replicas: Invalid value: "string": status.replicas in body must be of type integer: "string"');
    await w.kubectl('patch', 'widget', 'beta', '--subresource=status', '--type=merge', '-p', '{"status":{"bogus":1}}');
    expect(w.stored('beta')?.status).toEqual({ phase: 'Ready' });
  });

  it('dry-runs, diffs and replaces a Widget', async () => {
    const f = w.file('gamma2.json', widget('gamma', { color: 'green', replicas: 3 }));
    expect(await w.kubectl('apply', '--dry-run=server', '-f', f)).toBe('widget.example.com/gamma configured (server dry run)\n');
    expect(w.stored('gamma')?.spec.color).toBe('red');
    const d = await run(...w.kubectl.argv('diff', '-f', f), { env: w.kubectl.env }).then(
      () => ({ code: 0, stdout: '' }),
      (e: { code: number; stdout: string }) => ({ code: e.code, stdout: e.stdout }),
    );
    expect(d.code).toBe(1); // differences found
    expect(d.stdout).toMatch(/^-\s+color: red$/m);
    expect(d.stdout).toMatch(/^\+\s+color: green$/m);
    expect(await w.kubectl('replace', '-f', f)).toBe('widget.example.com/gamma replaced\n');
    expect(w.stored('gamma')?.spec).toEqual({ color: 'green', replicas: 3, size: 'medium' });
    expect(await w.kubectl('wait', '--for=jsonpath={.spec.color}=green', '--timeout=10s', 'widget/gamma')).toBe('widget.example.com/gamma condition met\n');
  });

  it('moves generation only on spec changes', async () => {
    const f = w.file('delta.json', widget('delta', { color: 'blue' }));
    await w.kubectl('apply', '-f', f);
    expect(w.stored('delta')?.metadata.generation).toBe(1);
    await w.kubectl('label', 'widget', 'delta', 'tier=gold');
    await w.kubectl('annotate', 'widget', 'delta', 'note=hi');
    await w.kubectl('patch', 'widget', 'delta', '--subresource=status', '--type=merge', '-p', '{"status":{"phase":"Ready"}}');
    expect(w.stored('delta')?.metadata.generation).toBe(1);
    await w.kubectl('patch', 'widget', 'delta', '--type=json', '-p', '[{"op":"replace","path":"/spec/color","value":"red"}]');
    expect(w.stored('delta')?.metadata.generation).toBe(2);
    writeFileSync(f, widget('delta', { color: 'red', replicas: 5 }));
    expect(await w.kubectl('apply', '-f', f)).toBe('widget.example.com/delta configured\n');
    expect(w.stored('delta')?.metadata.generation).toBe(3);
  });

  it('refuses a strategic merge patch as the apiextensions-apiserver does (415)', async () => {
    const err = await w.kubectl.fails('patch', 'widget', 'delta', '--type=strategic', '-p', '{"spec":{"color":"green"}}');
    // kubectl words the server's 415 itself, as against a real cluster.
    expect(err).toBe(
      'error: application/strategic-merge-patch+json is not supported by example.com/v1, Kind=Widget: the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml\n',
    );
    expect(w.stored('delta')?.spec.color).toBe('red');
  });

  it('refuses a Widget that breaks its schema, naming every violation and its path', async () => {
    const f = w.file('bad.json', widget('bad', { replicas: 11, color: 'purple', size: 'huge', message: 'x'.repeat(65) }));
    const err = await w.kubectl.fails('apply', '-f', f);
    expect(err).toMatch(/The Widget "bad" is invalid: /);
    expect(err).toContain('spec.replicas: Invalid value: 11: spec.replicas in body should be less than or equal to 10');
    expect(err).toContain('spec.color: Unsupported value: "purple": supported values: "red", "green", "blue"');
    expect(err).toContain(`spec.size: Invalid value: "huge": spec.size in body should match '^(small|medium|large)$'`);
    expect(err).toMatch(/spec\.message: Too long: may not be (longer|more) than 64/);
    const missing = w.file('missing.json', widget('missing', { replicas: 1 }));
    expect(await w.kubectl.fails('apply', '-f', missing)).toContain('spec.color: Required value');
    expect(await w.kubectl.fails('create', '-f', missing)).toContain('spec.color: Required value');
    expect(w.stored('bad')).toBeUndefined();
    expect(w.stored('missing')).toBeUndefined();
    // An update that breaks the schema is refused the same way.
    expect(await w.kubectl.fails('patch', 'widget', 'delta', '--type=merge', '-p', '{"spec":{"replicas":-1}}')).toContain(
      'spec.replicas: Invalid value: -1: spec.replicas in body should be greater than or equal to 0',
    );
    expect(await w.kubectl.fails('scale', 'widget', 'delta', '--replicas=11')).toContain('spec.replicas: Invalid value: 11: spec.replicas in body should be less than or equal to 10');
    expect(w.stored('delta')?.spec.replicas).toBe(5);
  });

  it('lists Widgets in `kubectl get all` (categories: [all])', async () => {
    const out = await w.kubectl('get', 'all');
    expect(out).toMatch(/^widget\.example\.com\/beta\s/m);
    expect(out).toMatch(/^widget\.example\.com\/delta\s/m);
  });

  it('scales a Widget with an autoscaling/v2 HPA on its scale subresource', async () => {
    await w.kubectl('create', 'deployment', 'widget-pods', '--image=nginx:1.25', '--replicas=2');
    await w.kubectl('set', 'resources', 'deployment', 'widget-pods', '--requests=cpu=1m');
    await w.kubectl('rollout', 'status', 'deployment/widget-pods', '--timeout=60s');
    // The widget says which pods are its own (labelSelectorPath .status.selector); the simulated runtime reports them using ≥1m CPU each.
    const f = w.file('epsilon.json', widget('epsilon', { replicas: 1, color: 'blue' }));
    await w.kubectl('apply', '-f', f);
    await w.kubectl('patch', 'widget', 'epsilon', '--subresource=status', '--type=merge', '-p', '{"status":{"replicas":2,"selector":"app=widget-pods"}}');
    const hpa = w.file('hpa.json', JSON.stringify(cpuHpa('epsilon', { apiVersion: 'example.com/v1', kind: 'Widget', name: 'epsilon' }, 4)));
    expect(await w.kubectl('apply', '-f', hpa)).toBe('horizontalpodautoscaler.autoscaling/epsilon created\n');
    await until('the HPA to scale the Widget to maxReplicas', () => w.stored('epsilon')?.spec.replicas === 4, 90_000, 200);
    expect(await w.kubectl('get', 'hpa', 'epsilon')).toMatch(/^epsilon\s+Widget\/epsilon\s+cpu: \d+%\/50%\s+1\s+4\s+\d+\s+\S+$/m);
    const status = w.engine.api.get('HorizontalPodAutoscaler', 'default', 'epsilon')?.status as { conditions?: { type: string; status: string }[] };
    expect(status.conditions?.find((c) => c.type === 'AbleToScale')?.status).toBe('True');
  });
});
