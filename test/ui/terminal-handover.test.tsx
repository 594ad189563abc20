// The keys that hand the terminal over (k9s' `s` Shell on a pod, `e` Edit on
// any resource), driven against a fake client and a fake handover: what the UI
// asks the client to run, when it refuses (simulated runtime, pod not
// running, no terminal), kubectl edit's loop (unchanged → cancelled, a change
// → a merge patch, invalid → reopened with the field named), and that the UI
// takes no keys while the terminal is lent and works again after.
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { StatusError } from '../../src/api/errors.js';
import type { KubeObject } from '../../src/api/meta.js';
import type { HandedTerminal, TerminalHandover } from '../../components/terminal.js';
import { SHELL_COMMAND } from '../../components/actions/terminal.js';
import { FakeClusterClient } from './fake-client.js';
import { deployment, pod } from './fixtures.js';
import { KEYS, mount, tick, type Harness } from './harness.js';

let h: Harness | undefined;
afterEach(() => {
  h?.unmount();
  h = undefined;
});

/** A handover that records what was printed and opens "the editor" as a function of the file's text. */
class FakeHandover implements TerminalHandover {
  runs = 0;
  active = false;
  printed = '';
  opened: string[] = [];
  discarded: string[] = [];
  during?: () => Promise<void>;
  constructor(private readonly editor: (text: string, round: number) => string = (t) => t) {}
  async run<T>(fn: (t: HandedTerminal) => Promise<T>): Promise<T> {
    this.runs++;
    this.active = true;
    const stdout = Object.assign(new PassThrough(), { columns: 100, rows: 30 });
    const t: HandedTerminal = {
      stdin: new PassThrough(),
      stdout,
      edit: async (text, opts) => {
        this.opened.push(text);
        return { text: this.editor(text, this.opened.length), file: opts?.file ?? '/tmp/kubeterm-edit-test.yaml' };
      },
      discard: (file) => void this.discarded.push(file),
      print: (text) => void (this.printed += text),
    };
    try {
      await this.during?.();
      return await fn(t);
    } finally {
      this.active = false;
    }
  }
}

const docker = (c: FakeClusterClient) => {
  c.info = { ...c.info, runtime: 'docker', runtimeReason: undefined };
  return c;
};

describe('s: shell into a pod', () => {
  it('runs k9s\' shell command with a TTY in the pod\'s only container, through the handed-over terminal', async () => {
    const c = docker(new FakeClusterClient([pod('web-1')]));
    const term = new FakeHandover();
    c.execBehaviour = async (_req, io) => {
      expect(term.active).toBe(true); // the exec runs while the terminal is lent
      io.stdout.write('inside-42\n');
      return 0;
    };
    h = await mount(c, { terminal: term });
    const f = await h.type('s');
    expect(c.callsTo('execInteractive')).toEqual([[{ namespace: 'default', pod: 'web-1', container: 'main', command: SHELL_COMMAND, tty: true }]]);
    expect(SHELL_COMMAND).toEqual(['sh', '-c', 'command -v bash >/dev/null && exec bash || exec sh']);
    expect(term.runs).toBe(1);
    expect(term.printed).toContain('Pod: default/web-1 | Container: main');
    // The UI is back: the pods table, and keys work (describe opens).
    expect(f).toContain('web-1');
    expect(await h.type('d')).toContain('Describe(default/web-1)');
  });

  it('asks which container when the pod has several, defaulting to the default-container annotation', async () => {
    const p = pod('multi-1', { containers: ['app', 'sidecar'] });
    const c = docker(new FakeClusterClient([{ ...p, metadata: { ...p.metadata, annotations: { 'kubectl.kubernetes.io/default-container': 'sidecar' } } }]));
    h = await mount(c, { terminal: new FakeHandover() });
    let f = await h.type('s');
    expect(f).toContain('Shell into default/multi-1');
    expect(f).toContain('Containers: app, sidecar');
    expect(f).toContain('sidecar');
    f = await h.type(KEYS.backspace.repeat(7), 'app', KEYS.enter);
    expect((c.callsTo('execInteractive')[0][0] as { container: string }).container).toBe('app');
  });

  it('refuses on the simulated runtime, a pod not running, or without a terminal — without handing anything over', async () => {
    const sim = new FakeClusterClient([pod('web-1')]);
    const term = new FakeHandover();
    h = await mount(sim, { terminal: term });
    expect(await h.type('s')).toContain('not supported by the simulated runtime');
    h.unmount();

    const pending = docker(new FakeClusterClient([pod('web-1', { phase: 'Pending' })]));
    h = await mount(pending, { terminal: term });
    expect(await h.type('s')).toContain('default/web-1 is not in a running state');
    h.unmount();

    const noTty = docker(new FakeClusterClient([pod('web-1')]));
    h = await mount(noTty);
    expect(await h.type('s')).toContain('the UI was not given one to hand over');
    expect(term.runs).toBe(0);
    expect([...sim.callsTo('execInteractive'), ...pending.callsTo('execInteractive'), ...noTty.callsTo('execInteractive')]).toEqual([]);
  });

  it('flashes why the exec failed, and a non-zero exit code', async () => {
    const c = docker(new FakeClusterClient([pod('web-1')]));
    c.execBehaviour = async () => {
      throw new StatusError(400, 'BadRequest', 'container main is not running in pod web-1');
    };
    h = await mount(c, { terminal: new FakeHandover() });
    expect(await h.type('s')).toContain('Shell exec failed: container main is not running in pod web-1');
    c.execBehaviour = async () => 3;
    expect(await h.type('s')).toContain('command terminated with exit code 3');
  });

  it('takes no keys while the terminal is lent, and takes them again after', async () => {
    const c = docker(new FakeClusterClient([pod('web-1')]));
    const term = new FakeHandover();
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    c.execBehaviour = async () => {
      await held;
      return 0;
    };
    h = await mount(c, { terminal: term });
    await h.type('s');
    expect(term.active).toBe(true);
    // A key typed meanwhile belongs to the shell, not to the UI.
    const during = await h.type(':');
    expect(during).not.toMatch(/^:/m);
    release();
    await tick(5);
    const after = await h.type(':');
    expect(term.active).toBe(false);
    expect(after).toMatch(/^:/m);
  });
});

describe('e: edit an object', () => {
  const bump = (text: string) => text.replace(/replicas: 3/, 'replicas: 5');

  it('opens the object under kubectl edit\'s header without managedFields, and patches what changed', async () => {
    const d = deployment('web', { replicas: 3 });
    const c = new FakeClusterClient([{ ...d, metadata: { ...d.metadata, managedFields: [{ manager: 'kubectl', operation: 'Update' }] } }]);
    const term = new FakeHandover(bump);
    h = await mount(c, { terminal: term, initialView: 'deploy' });
    const f = await h.type('e');
    expect(term.opened).toHaveLength(1);
    expect(term.opened[0]).toMatch(/^# Please edit the object below\. Lines beginning with a '#' will be ignored,\n/);
    expect(term.opened[0]).toContain('kind: Deployment');
    expect(term.opened[0]).not.toContain('managedFields');
    expect(c.callsTo('patch')).toEqual([['Deployment', 'default', 'web', 'merge', { spec: { replicas: 5 } }]]);
    expect(((await c.get('Deployment', 'default', 'web'))?.spec as { replicas: number }).replicas).toBe(5);
    expect(f).toContain('deployment.apps/web edited');
    expect(term.discarded).toEqual(['/tmp/kubeterm-edit-test.yaml']);
  });

  it('an unchanged file cancels the edit without a write', async () => {
    const c = new FakeClusterClient([deployment('web', { replicas: 3 })]);
    h = await mount(c, { terminal: new FakeHandover(), initialView: 'deploy' });
    expect(await h.type('e')).toContain('Edit cancelled, no changes made.');
    expect(c.callsTo('patch')).toEqual([]);
  });

  it('an invalid object reopens the file naming the field; saving it unchanged gives up', async () => {
    const c = new FakeClusterClient([deployment('web', { replicas: 3 })]);
    const term = new FakeHandover((text, round) => (round === 1 ? text.replace(/replicas: 3/, 'replicas: -1') : text));
    h = await mount(c, { terminal: term, initialView: 'deploy' });
    c.failNext = new StatusError(422, 'Invalid', 'Deployment.apps "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0', {
      name: 'web',
      group: 'apps',
      kind: 'Deployment',
      causes: [{ reason: 'FieldValueInvalid', field: 'spec.replicas', message: 'Invalid value: -1: must be greater than or equal to 0' }],
    });
    const f = await h.type('e');
    expect(term.opened).toHaveLength(2);
    expect(term.opened[1]).toContain('# deployments.apps "web" was not valid:\n# * spec.replicas: Invalid value: -1: must be greater than or equal to 0\n#\n');
    expect(term.opened[1]).toContain('replicas: -1'); // the user's edit is kept
    expect(f).toContain('Edit cancelled, no valid changes were saved.');
    expect(f).toContain('spec.replicas');
    expect(term.discarded).toEqual([]); // the copy is kept
  });

  it('a YAML syntax error reopens the file with the parser\'s message', async () => {
    const c = new FakeClusterClient([deployment('web', { replicas: 3 })]);
    const term = new FakeHandover((text, round) => (round === 1 ? text.replace(/replicas: 3/, 'replicas: [3') : bump(text.replace(/replicas: \[3/, 'replicas: 3'))));
    h = await mount(c, { terminal: term, initialView: 'deploy' });
    expect(await h.type('e')).toContain('deployment.apps/web edited');
    expect(term.opened[1]).toMatch(/^# The edited file had a syntax error: /m);
    expect(c.callsTo('patch')).toEqual([['Deployment', 'default', 'web', 'merge', { spec: { replicas: 5 } }]]);
  });

  it('refuses a changed name, and reports a conflict keeping the file', async () => {
    const c = new FakeClusterClient([deployment('web', { replicas: 3 })]);
    h = await mount(c, { terminal: new FakeHandover((t) => t.replace(/name: web\n/, 'name: other\n')), initialView: 'deploy' });
    expect(await h.type('e')).toContain('At least one of apiVersion, kind and name was changed');
    h.unmount();

    const term = new FakeHandover(bump);
    h = await mount(c, { terminal: term, initialView: 'deploy' });
    c.failNext = new StatusError(409, 'Conflict', 'Operation cannot be fulfilled on deployments.apps "web": the object has been modified; please apply your changes to the latest version and try again');
    const f = await h.type('e');
    expect(f).toContain('error: deployments.apps "web" could not be patched: Operation cannot be fulfilled');
    expect(term.discarded).toEqual([]);
  });

  it('is offered on every resource table and named in the header hints', async () => {
    const c = new FakeClusterClient([pod('web-1'), deployment('web')]);
    h = await mount(c, { terminal: new FakeHandover() });
    expect(h.frame()).toMatch(/<e>\s*Edit/);
    expect(h.frame()).toMatch(/<s>\s*Shell/);
  });
});

export type { KubeObject };
