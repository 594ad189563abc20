// `e` (k9s' Edit, kubectl edit's loop): open the object in the user's editor,
// and on save patch what changed. An unchanged or empty file cancels; a file
// that does not parse or that the server finds invalid is reopened with the
// reasons at its top; saving the same broken file again gives up, keeping the
// file. Other failures (a conflict, the object gone) keep the file and say so.
import type { KubeObject } from '../../src/api/meta.js';
import type { ClusterClient } from '../../src/client/types.js';
import { parse } from 'yaml';
import { findKind } from '../logic/kinds.js';
import {
  changesIdentity,
  editableObject,
  editableYaml,
  editHeader,
  hasLines,
  invalidReason,
  mergePatch,
  resourceString,
  stripComments,
  type EditReason,
} from '../logic/edit.js';
import type { HandedTerminal } from '../terminal.js';

export interface EditOutcome {
  level: 'info' | 'warn' | 'error';
  message: string;
}

interface StatusLike {
  code?: number;
  reason?: string;
  message: string;
  details?: { causes?: { field?: string; message: string }[] };
}

export async function editSession(
  client: Pick<ClusterClient, 'patch' | 'resources'>,
  obj: KubeObject,
  term: Pick<HandedTerminal, 'edit' | 'discard'>,
): Promise<EditOutcome> {
  const info = findKind(client.resources(), obj.kind);
  const resource = resourceString(info?.plural ?? obj.kind.toLowerCase(), info?.group ?? '');
  const ns = obj.metadata.namespace ?? '';
  const name = obj.metadata.name ?? '';
  // kubectl prints `deployment.apps/web edited`.
  const ref = `${obj.kind.toLowerCase()}${info?.group ? `.${info.group}` : ''}/${name}`;
  const shown = editableObject(obj);
  const original = editableYaml(obj);

  let reasons: EditReason[] = [];
  let failed: string | undefined; // the last saved text that could not be applied
  let file: string | undefined;
  for (;;) {
    const body = failed === undefined ? original : stripComments(failed);
    const saved = await term.edit(editHeader(reasons) + body, { file });
    file = saved.file;
    const text = saved.text;
    if (failed !== undefined && stripComments(failed) === stripComments(text)) {
      const why = reasons.map((r) => [r.head, ...(r.other ?? [])].join(': ')).join('; ');
      return { level: 'error', message: `Edit cancelled, no valid changes were saved. ${why ? `(${why}) ` : ''}A copy of your changes has been stored to "${file}"` };
    }
    if (stripComments(text) === stripComments(original)) {
      term.discard(file);
      return { level: 'info', message: 'Edit cancelled, no changes made.' };
    }
    if (!hasLines(text)) {
      term.discard(file);
      return { level: 'info', message: 'Edit cancelled, saved file was empty.' };
    }

    let edited: unknown;
    try {
      edited = parse(stripComments(text));
      if (!edited || typeof edited !== 'object' || Array.isArray(edited)) throw new Error('the file does not hold one object');
    } catch (e) {
      // The parser's first line says what and where (its code frame would repeat the file in the header).
      reasons = [{ head: `The edited file had a syntax error: ${(e as Error).message.split('\n')[0]}` }];
      failed = text;
      continue;
    }

    const patch = mergePatch(shown, edited);
    if (changesIdentity(patch)) {
      return { level: 'error', message: `At least one of apiVersion, kind and name was changed. A copy of your changes has been stored to "${file}"` };
    }
    const editedNs = (edited as KubeObject).metadata?.namespace;
    if (info?.namespaced && editedNs !== undefined && editedNs !== ns) {
      return {
        level: 'error',
        message: `the namespace from the provided object "${editedNs}" does not match the namespace "${ns}". A copy of your changes has been stored to "${file}"`,
      };
    }
    if (!Object.keys(patch).length) {
      term.discard(file);
      return { level: 'info', message: `${ref} skipped` };
    }

    try {
      await client.patch(obj.kind, ns, name, 'merge', patch);
      term.discard(file);
      return { level: 'info', message: `${ref} edited` };
    } catch (e) {
      const err = e as StatusLike;
      if (err.code === 422 || err.reason === 'Invalid') {
        reasons = [invalidReason(resource, name, err.details?.causes?.length ? err.details.causes : [{ message: err.message }])];
        failed = text;
        continue;
      }
      if (err.code === 404 || err.reason === 'NotFound') {
        return { level: 'error', message: `error: ${resource} "${name}" could not be found on the server. The edits you made on deleted resources have been saved to "${file}"` };
      }
      return { level: 'error', message: `error: ${resource} "${name}" could not be patched: ${err.message}. A copy of your changes has been stored to "${file}"` };
    }
  }
}
