// The actions that hand the terminal over: `s` on a pod opens a shell in one
// of its containers (k9s runs `kubectl exec -it … -- sh -c "command -v bash
// >/dev/null && exec bash || exec sh"`; kubeterm does the same through
// ClusterClient.execInteractive, so no kubectl is needed), and `e` edits an
// object in the user's editor (edit-session.ts). Both take the terminal only
// through the App's withTerminal.
import type { KubeObject } from '../../src/api/meta.js';
import { PORT_FORWARD_KIND } from '../logic/port-forward.js';
import type { ActionContext } from './context.js';
import { editSession } from './edit-session.js';

/** What these actions use of the App's ActionContext. */
export type TerminalActionContext = Pick<ActionContext, 'client' | 'setDialog' | 'setFlash' | 'withTerminal'>;

/** k9s' shell: bash when the image has it, else sh. */
export const SHELL_COMMAND = ['sh', '-c', 'command -v bash >/dev/null && exec bash || exec sh'];

const NO_TERMINAL = 'this needs the terminal, and the UI was not given one to hand over';

function fqn(obj: KubeObject): string {
  const ns = obj.metadata.namespace;
  return `${ns ? `${ns}/` : ''}${obj.metadata.name}`;
}

/** The container kubectl exec picks without -c: the default-container annotation, else the first. */
export function defaultContainer(pod: KubeObject): string {
  const names = containerNames(pod);
  const annotated = pod.metadata.annotations?.['kubectl.kubernetes.io/default-container'];
  return annotated && names.includes(annotated) ? annotated : (names[0] ?? '');
}

function containerNames(pod: KubeObject): string[] {
  return ((pod.spec?.containers as { name: string }[] | undefined) ?? []).map((c) => c.name);
}

export function shell(c: TerminalActionContext, pod: KubeObject): void {
  if (!c.withTerminal) return c.setFlash(NO_TERMINAL, 'error');
  if (c.client.info.runtime === 'simulated') {
    return c.setFlash(`Shell into ${fqn(pod)} is not supported by the simulated runtime (its containers are not real processes); start kubeterm with Docker (--runtime docker)`, 'error');
  }
  // As k9s: only a running pod has a shell to open.
  if (pod.status?.phase !== 'Running' || pod.metadata.deletionTimestamp) return c.setFlash(`${fqn(pod)} is not in a running state`, 'error');
  const names = containerNames(pod);
  if (names.length <= 1) return shellIn(c, pod, names[0] ?? '');
  c.setDialog({
    type: 'form',
    title: `Shell into ${fqn(pod)}`,
    lines: [`Containers: ${names.join(', ')}`],
    fields: [{ label: 'Container:', text: defaultContainer(pod) }],
    focus: 0,
    onSubmit: ([name]) => {
      const want = name.trim();
      if (!names.includes(want)) return c.setFlash(`container ${want} is not valid for pod ${pod.metadata.name}`, 'error');
      shellIn(c, pod, want);
    },
  });
}

function shellIn(c: TerminalActionContext, pod: KubeObject, container: string): void {
  const namespace = pod.metadata.namespace ?? '';
  const name = pod.metadata.name ?? '';
  c.withTerminal!(async (t) => {
    t.print(`\x1b[30;42;1m<<kubeterm-shell>> Pod: ${namespace}/${name} | Container: ${container} \x1b[0m\n`);
    return c.client.execInteractive({ namespace, pod: name, container, command: SHELL_COMMAND, tty: true }, t);
  }).then(
    (code) => {
      if (code !== 0) c.setFlash(`shell in ${namespace}/${name} ended: command terminated with exit code ${code}`, 'warn');
    },
    (err: unknown) => c.setFlash(`Shell exec failed: ${err instanceof Error ? err.message : String(err)}`, 'error'),
  );
}

export function edit(c: TerminalActionContext, obj: KubeObject): void {
  if (obj.kind === PORT_FORWARD_KIND) return c.setFlash('a port-forward is not a cluster object: there is nothing to edit', 'warn');
  if (!c.withTerminal) return c.setFlash(NO_TERMINAL, 'error');
  const withTerminal = c.withTerminal;
  const ns = obj.metadata.namespace ?? '';
  const name = obj.metadata.name ?? '';
  // Edit what the server has now, not the watch cache's copy.
  c.client
    .get(obj.kind, ns, name)
    .then((fresh) => {
      if (!fresh) return { level: 'error' as const, message: `${obj.kind} ${fqn(obj)} not found (deleted?)` };
      return withTerminal((t) => editSession(c.client, fresh, t));
    })
    .then(
      (out) => c.setFlash(out.message, out.level),
      (err: unknown) => c.setFlash(err instanceof Error ? err.message : String(err), 'error'),
    );
}
