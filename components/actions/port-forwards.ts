// Port-forwards: shift-f on a pod, a Service or a workload opens k9s'
// port-forward dialog; the :pf view (k9s' port-forward view) deletes a
// forward and sorts by ports or URL.
import type { KubeObject } from '../../src/api/meta.js';
import type { Binding } from '../keys.js';
import { forwardLabel, parseForward, podPorts, portSpec, servicePorts, specPort, type PortChoice } from '../logic/port-forward.js';
import { attempt, confirm, onSelected, ref, type ActionContext } from './context.js';
import { podsOf } from './pods-of.js';
import { sortBy } from './table.js';

const WORKLOADS = ['Deployment', 'ReplicaSet', 'StatefulSet'];

/** The pod a port-forward on this row reaches: the pod itself, or a running pod of a workload (as k9s picks one). */
function forwardPod(c: ActionContext, obj: KubeObject): KubeObject | undefined {
  if (obj.kind === 'Pod') return obj;
  const ns = obj.metadata.namespace ?? '';
  const pods = podsOf(c.cache, obj)
    .map((n) => c.cache.get('Pod', ns, n))
    .filter((p): p is KubeObject => !!p);
  return pods.find((p) => p.status?.phase === 'Running' && !p.metadata.deletionTimestamp);
}

/** shift-f: k9s' port-forward dialog (container port, local port = container port, address), then the forward. */
function portForward(c: ActionContext, obj: KubeObject): void {
  const isService = obj.kind === 'Service';
  const pod = isService ? undefined : forwardPod(c, obj);
  if (!isService && !pod) {
    c.setFlash(`no running pod found for ${ref(obj)}`, 'warn');
    return;
  }
  const target = (isService ? obj : pod) as KubeObject;
  const ns = target.metadata.namespace ?? '';
  const name = target.metadata.name ?? '';
  const kind = isService ? 'Service' : 'Pod';
  const busy = c.forwards.list().find((e) => e.status === 'Active' && e.namespace === ns && e.kind === kind && (kind === 'Pod' ? e.pod : e.name) === name);
  if (busy) {
    c.setFlash(`A PortForward already exist for ${kind === 'Pod' ? 'pod' : 'service'} ${ns}/${name}`, 'error');
    return;
  }
  const ports: PortChoice[] = isService ? servicePorts(target) : podPorts(target);
  const first = ports[0] ? portSpec(ports[0]) : '';
  const lines = [`${kind.toLowerCase()}/${ns}/${name}`];
  if (ports.length > 1) lines.push(`Exposed Ports: ${ports.map((p) => (p.name ? `${portSpec(p)} (${p.name})` : portSpec(p))).join(', ')}`);
  if (!ports.length) lines.push(isService ? 'The service declares no TCP port: type one.' : 'No container declares a port: type container::port.');
  c.setDialog({
    type: 'form',
    title: 'PortForward',
    lines,
    fields: [
      { label: isService ? 'Service Port:' : 'Container Port:', text: first },
      { label: 'Local Port:', text: specPort(first) },
      { label: 'Address:', text: '127.0.0.1' },
    ],
    focus: 0,
    derive: (t, changed) => (changed === 0 ? [t[0], specPort(t[0]), t[2]] : t),
    onSubmit: ([spec, local, address]) => {
      const p = parseForward(spec, local, address);
      if (!p.ok) {
        c.setFlash(p.error, 'error');
        return;
      }
      c.forwards.start({ namespace: ns, kind, name, remotePort: p.remotePort, localPort: p.localPort, address: p.address, ...(p.container ? { container: p.container } : {}) }).then(
        (e) => c.setFlash(`PortForward activated ${e.namespace}/${e.pod}:${e.localPort}:${e.remotePort} ${e.url}`),
        (err: Error) => c.setFlash(err.message, 'error'),
      );
    },
  });
}

function stopForward(c: ActionContext, obj: KubeObject): void {
  const entry = c.forwards.get(obj.metadata.uid ?? '');
  if (!entry) return;
  const what = entry.status === 'Active' ? [`Stops listening on ${entry.url} and closes its connections.`] : [`Removes the ended forward (${entry.message ?? entry.status}).`];
  confirm(c, `Delete portforward ${forwardLabel(entry)}?`, what, () => attempt(c, c.forwards.stop(entry.id), 'Successfully deleted 1 PortForward!'));
}

const forward = onSelected((c, o) => portForward(c, o));

export const PORT_FORWARD_KEYS: Binding[] = [
  { key: 'shift-f', label: 'Port-Forward', views: ['Pod', 'Service'], action: 'portForward', group: 'resource', hint: true, run: forward },
  // Workloads forward to one of their running pods; no header hint there (their hint columns are full).
  { key: 'shift-f', label: 'Port-Forward', views: [...WORKLOADS, 'DaemonSet'], action: 'portForward', group: 'resource', run: forward },
  // The :pf view.
  { key: 'ctrl-d', label: 'Delete', views: ['PortForward'], action: 'stopForward', group: 'resource', hint: true, run: onSelected((c, o) => stopForward(c, o)) },
  { key: 'shift-p', label: 'Sort Ports', views: ['PortForward'], action: 'sortPorts', group: 'navigation', run: sortBy('PORTS') },
  { key: 'shift-u', label: 'Sort URL', views: ['PortForward'], action: 'sortUrl', group: 'navigation', run: sortBy('URL') },
];
