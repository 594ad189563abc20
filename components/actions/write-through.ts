// Write-through from the keyboard: for an object the folder sync manages, a
// scale, rollback or set image is written into its manifest (through the
// SyncSource port; the UI never imports src/gitops) and reaches the cluster
// through the sync. Where the port refuses (a generated object, a read-only
// file, a document that no longer matches, a field an HPA owns) the user is
// told why and offered the live-only change, with the self-heal warning.
// `e` on such an object opens the manifest file at the object's line.
import type { KubeObject } from '../../src/api/meta.js';
import type { ClusterClient } from '../../src/client/types.js';
import { selfHealWarning } from '../logic/sync-managed.js';
import type { SyncStatusLike, WriteChangeLike } from '../types.js';
import type { ActionContext } from './context.js';

/** What write-through uses of the App's ActionContext. */
export type WriteThroughContext = Pick<ActionContext, 'client' | 'sync' | 'setDialog' | 'setFlash' | 'withTerminal'>;

/** True when keyboard changes to `obj` go into the folder. */
export function writesThrough(c: WriteThroughContext, obj: KubeObject): boolean {
  return !!c.sync?.writeThrough && !!c.sync.manages?.(obj.kind, obj.metadata.namespace ?? '', obj.metadata.name ?? '');
}

/** The note a dialog shows before a change that will be written into the folder. */
export function writeThroughNote(c: WriteThroughContext, obj: KubeObject): string | undefined {
  const src = c.sync?.source?.(obj.kind, obj.metadata.namespace ?? '', obj.metadata.name ?? '');
  return src ? `writes ${src.file ?? src.path} (the folder is the source of truth)` : undefined;
}

/**
 * Writes `change` into the folder; on refusal explains why and, when it makes
 * sense, offers `live()` (the change to the live object only), with the
 * self-heal warning as `syncStatus` (the sync's status when the key was pressed) gives it.
 */
export function writeOrLive(c: WriteThroughContext, obj: KubeObject, change: WriteChangeLike, live: () => Promise<unknown>, liveDone: string, syncStatus: SyncStatusLike | undefined): void {
  c.sync!.writeThrough!(change).then(
    (out) => {
      if ('written' in out) {
        c.setFlash(out.warning ? `${out.message} (${out.warning})` : out.message, out.warning ? 'warn' : 'info');
        return;
      }
      if (!out.liveOnly) {
        c.setFlash(out.refused, 'error');
        return;
      }
      c.setDialog({
        type: 'confirm',
        title: 'Not written to the folder',
        lines: [out.refused, 'Change the live object only?'],
        warning: selfHealWarning(obj, syncStatus),
        onYes: () => {
          live().then(
            () => c.setFlash(`${liveDone} (live only)`, 'warn'),
            (err: unknown) => c.setFlash(err instanceof Error ? err.message : String(err), 'error'),
          );
        },
      });
    },
    (err: unknown) => c.setFlash(`write-through failed: ${err instanceof Error ? err.message : String(err)}`, 'error'),
  );
}

function containersOf(obj: KubeObject): { name: string; image?: string }[] {
  const spec = (obj.kind === 'Pod' ? obj.spec : obj.kind === 'CronJob' ? obj.spec?.jobTemplate?.spec?.template?.spec : obj.spec?.template?.spec) as
    | { containers?: { name: string; image?: string }[]; initContainers?: { name: string; image?: string }[] }
    | undefined;
  return [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])];
}

/** The live-only set image: a strategic-merge patch of the container's image, as `kubectl set image` sends. */
function liveSetImage(client: ClusterClient, obj: KubeObject, container: string, image: string): Promise<unknown> {
  const ns = obj.metadata.namespace ?? '';
  const name = obj.metadata.name ?? '';
  const isInit = ((obj.kind === 'Pod' ? obj.spec : obj.spec?.template?.spec)?.initContainers as { name: string }[] | undefined)?.some((x) => x.name === container);
  const list = { [isInit ? 'initContainers' : 'containers']: [{ name: container, image }] };
  const body = obj.kind === 'Pod' ? { spec: list } : obj.kind === 'CronJob' ? { spec: { jobTemplate: { spec: { template: { spec: list } } } } } : { spec: { template: { spec: list } } };
  return client.patch(obj.kind, ns, name, 'strategic', body);
}

/** `i` (k9s' Set Image): a dialog with one field per container, then the images that changed. */
export function setImage(c: WriteThroughContext, obj: KubeObject, syncStatus: SyncStatusLike | undefined): void {
  const containers = containersOf(obj);
  if (!containers.length) return c.setFlash(`${obj.kind.toLowerCase()}/${obj.metadata.name} has no containers`, 'warn');
  const through = writesThrough(c, obj);
  const what = `${obj.kind.toLowerCase()}/${obj.metadata.name}`;
  c.setDialog({
    type: 'form',
    title: `Set image ${what}`,
    lines: [through ? (writeThroughNote(c, obj) ?? 'writes the manifest') : 'Containers and their images:'],
    fields: containers.map((k) => ({ label: `${k.name}:`, text: k.image ?? '' })),
    focus: 0,
    warning: through ? undefined : selfHealWarning(obj, syncStatus),
    onSubmit: (texts) => {
      const changed = containers.map((k, i) => ({ name: k.name, image: texts[i].trim(), old: k.image ?? '' })).filter((x) => x.image && x.image !== x.old);
      if (!changed.length) return c.setFlash('no image changed', 'warn');
      const bad = changed.find((x) => /\s/.test(x.image));
      if (bad) return c.setFlash(`invalid image "${bad.image}" for container ${bad.name}`, 'error');
      const ns = obj.metadata.namespace ?? '';
      const name = obj.metadata.name ?? '';
      const run = (i: number): void => {
        const x = changed[i];
        if (!x) return;
        const live = () => liveSetImage(c.client, obj, x.name, x.image);
        if (!through) {
          live().then(
            () => {
              c.setFlash(`${what} ${x.name}=${x.image} image updated`);
              run(i + 1);
            },
            (err: unknown) => c.setFlash(err instanceof Error ? err.message : String(err), 'error'),
          );
          return;
        }
        writeOrLive(c, obj, { op: 'image', kind: obj.kind, namespace: ns, name, container: x.name, image: x.image }, live, `${what} ${x.name}=${x.image} image updated`, syncStatus);
        // One write at a time: the service queues them, each becomes its own change (and commit).
        run(i + 1);
      };
      run(0);
    },
  });
}

/** `e` on a managed object: the manifest in the editor at the object's line; the sync applies what is saved. */
export function editSource(c: WriteThroughContext, obj: KubeObject): boolean {
  const src = c.sync?.source?.(obj.kind, obj.metadata.namespace ?? '', obj.metadata.name ?? '');
  if (!src || !c.withTerminal) return false;
  c.withTerminal(async (t) => {
    if (!t.editFile) throw new Error('this terminal cannot open a file in an editor');
    await t.editFile(src.path, src.line);
  }).then(
    () => c.setFlash(`edited ${src.file ?? src.path}:${src.line}; the folder sync applies what was saved`),
    (err: unknown) => c.setFlash(err instanceof Error ? err.message : String(err), 'error'),
  );
  return true;
}
