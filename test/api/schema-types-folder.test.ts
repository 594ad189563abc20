// A wrong JSON type in a watched folder's manifest — YAML 1.1 reads an unquoted
// `yes` as a bool and `1.0` as a number — is refused by the Api door, and the
// folder sync reports the API server's message against the file; the other
// files apply. Real files, the real watcher, a real Api over a MemoryStore.
import { afterEach, describe, expect, it } from 'vitest';
import { FolderSync } from '../../src/gitops/sync.js';
import { cm, eventually, newCluster, tempFolder } from '../gitops/helpers.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const BAD_POD = `apiVersion: v1
kind: Pod
metadata:
  name: yes-pod
spec:
  containers:
  - name: c
    image: busybox
    command: [yes, x]
`;

const BAD_IMAGE = `apiVersion: v1
kind: Pod
metadata:
  name: img
spec:
  containers:
  - name: c
    image: 1.0
`;

describe('folder sync: a field of the wrong type', () => {
  it('is reported per file with the decode error, and the other files still apply', async () => {
    const folder = await tempFolder();
    await folder.write('good.yaml', cm('good'));
    await folder.write('yes.yaml', BAD_POD);
    await folder.write('image.yaml', BAD_IMAGE);
    const { api, client } = newCluster();
    const sync = new FolderSync({ client, folder: folder.dir, debounceMs: 15, stabilityMs: 60, syncName: 'types' });
    cleanups.push(async () => {
      await sync.stop();
      await folder.cleanup();
    });
    await sync.start();
    await sync.idle();

    expect(api.get('ConfigMap', 'default', 'good')).toBeDefined();
    expect(api.get('Pod', 'default', 'yes-pod')).toBeUndefined();
    expect(api.get('Pod', 'default', 'img')).toBeUndefined();
    const st = sync.status();
    expect(st.files.find((f) => f.file === 'good.yaml')!.state).toBe('Synced');
    expect(st.errors.find((e) => e.file === 'yes.yaml')).toMatchObject({
      object: 'Pod/yes-pod',
      message:
        'Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal bool into Go struct field Container.spec.containers.command of type string',
    });
    expect(st.errors.find((e) => e.file === 'image.yaml')).toMatchObject({
      object: 'Pod/img',
      message: 'Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal number into Go struct field Container.spec.containers.image of type string',
    });

    // Quoting the value fixes the file.
    await folder.write('yes.yaml', BAD_POD.replace('[yes, x]', '["yes", x]'));
    await eventually(() => api.get('Pod', 'default', 'yes-pod'), 5000, 'fixed file applied');
    expect(api.get('Pod', 'default', 'yes-pod')!.spec?.containers[0].command).toEqual(['yes', 'x']);
  });
});
