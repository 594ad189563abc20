// A kubeterm-like process for the kill -9 test: a durable store (state file),
// an Api and a Kubelet on Docker. It makes sure the pod `survivor` exists,
// waits until it runs, makes that durable, prints {"containerID": …} and
// then idles until it is killed.
// Usage: node --import tsx kubelet-process.ts <stateFile> <instance> <network> <dataDir>
import Dockerode from 'dockerode';
import { Api } from '../../src/api/api.js';
import { Kubelet } from '../../src/kubelet/kubelet.js';
import { DockerDriver } from '../../src/kubelet/runtime/docker/index.js';
import { realClock } from '../../src/util/clock.js';
import { openStore } from '../../state/index.js';

const [stateFile, instance, network, dataDir] = process.argv.slice(2);
const opened = await openStore({ file: stateFile });
const api = new Api({ store: opened.store, now: () => Date.now() });
const driver = new DockerDriver({ docker: new Dockerode(), instance, network });
const kubelet = new Kubelet({ api, clock: realClock, nodeName: 'node-1', driver, instance, dataDir, relistIntervalMs: 500 });
await kubelet.start();
if (!api.get('Pod', 'default', 'survivor')) {
  await api.create({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'survivor', namespace: 'default' },
    spec: {
      nodeName: 'node-1',
      terminationGracePeriodSeconds: 1,
      containers: [{ name: 'app', image: 'kubeterm/busybox:latest', imagePullPolicy: 'IfNotPresent', command: ['sh', '-c', 'trap "exit 0" TERM; while :; do sleep 1 & wait $!; done'] }],
    },
  });
}
for (;;) {
  const p = api.get('Pod', 'default', 'survivor');
  const cs = p?.status?.containerStatuses?.[0];
  if (p?.status?.phase === 'Running' && cs?.state?.running) {
    // A write after it resolves only once everything before it reached the disk (group commit).
    await api.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { generateName: 'durable-', namespace: 'default' } });
    process.stdout.write(JSON.stringify({ containerID: cs.containerID, restartCount: cs.restartCount }) + '\n');
    break;
  }
  await new Promise((r) => setTimeout(r, 100));
}
setInterval(() => undefined, 60_000);
