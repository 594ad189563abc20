// kubectl edit's rules as kubeterm applies them (components/logic/edit.ts) and
// the terminal handover the CLI gives the UI (src/cli/terminal-handover.ts):
// the UI's output is silenced while a program has the terminal, the alternate
// screen is left and re-entered, the renderer is reset for a whole redraw,
// and the editor is chosen as kubectl chooses it.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { changesIdentity, EDIT_HEADER, editHeader, hasLines, invalidReason, mergePatch, stripComments } from '../../components/logic/edit.js';
import { createTerminalHandover, editorCommand } from '../../src/cli/terminal-handover.js';

describe('kubectl edit rules', () => {
  it('builds a JSON merge patch: changed leaves, removed keys as null, lists whole, nothing for equal', () => {
    const from = { spec: { replicas: 3, paused: false, template: { spec: { containers: [{ name: 'a', image: 'x:1' }] } } }, metadata: { labels: { a: '1', b: '2' } } };
    const to = { spec: { replicas: 5, template: { spec: { containers: [{ name: 'a', image: 'x:2' }] } } }, metadata: { labels: { a: '1', b: '2' } } };
    expect(mergePatch(from, to)).toEqual({ spec: { replicas: 5, paused: null, template: { spec: { containers: [{ name: 'a', image: 'x:2' }] } } } });
    expect(mergePatch(from, structuredClone(from))).toEqual({});
    // Key order is not a change.
    expect(mergePatch({ a: { x: 1, y: 2 } }, { a: { y: 2, x: 1 } })).toEqual({});
  });

  it('refuses patches that change apiVersion, kind, name or managedFields', () => {
    expect(changesIdentity({ kind: 'Pod' })).toBe(true);
    expect(changesIdentity({ apiVersion: 'v2' })).toBe(true);
    expect(changesIdentity({ metadata: { name: 'other' } })).toBe(true);
    expect(changesIdentity({ metadata: { managedFields: null } })).toBe(true);
    expect(changesIdentity({ metadata: { labels: { a: 'b' } }, spec: { replicas: 2 } })).toBe(false);
  });

  it('writes the reasons under kubectl\'s header, every line a comment', () => {
    expect(editHeader([])).toBe(EDIT_HEADER);
    const h = editHeader([invalidReason('deployments.apps', 'web', [{ field: 'spec.replicas', message: 'Invalid value: -1: must be greater than or equal to 0' }]), { head: 'line one\nline two' }]);
    expect(h).toBe(
      EDIT_HEADER +
        '# deployments.apps "web" was not valid:\n# * spec.replicas: Invalid value: -1: must be greater than or equal to 0\n#\n' +
        '# line one\n# line two\n#\n',
    );
    expect(stripComments(h + 'kind: Pod\n')).toBe('kind: Pod\n');
  });

  it('treats a file of comments and blanks as empty', () => {
    expect(hasLines('# a\n\n   # b\n  \n')).toBe(false);
    expect(hasLines('# a\nkind: Pod\n')).toBe(true);
  });
});

/** A TTY-ish stdout that records what reaches the real terminal. */
function fakeTty() {
  const writes: string[] = [];
  const stdout = Object.assign(new PassThrough(), { isTTY: true, columns: 80, rows: 24 });
  stdout.write = ((chunk: string | Buffer, ...rest: unknown[]) => {
    writes.push(String(chunk));
    const cb = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
    cb?.();
    return true;
  }) as typeof stdout.write;
  const stdin = Object.assign(new PassThrough(), { isTTY: true, raw: [] as boolean[], setRawMode(m: boolean) { this.raw.push(m); return this; } });
  return { stdout, stdin, writes };
}

describe('the terminal handover', () => {
  it('silences the UI while a program runs, leaves and re-enters the alternate screen, and resets the renderer', async () => {
    const t = fakeTty();
    let cleared = 0;
    const h = createTerminalHandover({
      stdin: t.stdin as unknown as NodeJS.ReadStream,
      stdout: t.stdout as unknown as NodeJS.WriteStream,
      stderr: t.stdout as unknown as NodeJS.WriteStream,
      altScreen: true,
      clearRenderer: () => {
        cleared++;
        h.uiStdout.write('ERASE-WHILE-MUTED');
      },
    });
    h.uiStdout.write('frame-1');
    expect(h.uiStdout.columns).toBe(80);
    expect(h.handedOver).toBe(false);
    const result = await h.run(async (term) => {
      expect(h.handedOver).toBe(true);
      h.uiStdout.write('frame-during'); // a watch event redraws the UI meanwhile: dropped
      term.print('program output');
      await expect(h.run(async () => 0)).rejects.toThrow('the terminal is already handed over');
      return 42;
    });
    expect(result).toBe(42);
    h.uiStdout.write('frame-2');
    const all = t.writes.join('|');
    expect(t.writes[0]).toBe('frame-1');
    expect(all).not.toContain('frame-during');
    expect(all).not.toContain('ERASE-WHILE-MUTED');
    expect(cleared).toBe(1);
    // Out of the alternate screen (cursor shown) before the program, back in (screen cleared, cursor hidden) after.
    expect(t.writes[1]).toContain('\x1b[?1049l');
    expect(t.writes[1]).toContain('\x1b[?25h');
    expect(t.writes[2]).toBe('program output');
    expect(t.writes[3]).toContain('\x1b[?1049h');
    expect(t.writes[3]).toContain('\x1b[2J');
    expect(t.writes[3]).toContain('\x1b[?25l');
    expect(t.writes[4]).toBe('frame-2');
    expect(t.stdin.raw.every((m) => m === false)).toBe(true);
    expect(h.handedOver).toBe(false);
  });

  it('gives the terminal back when the program fails', async () => {
    const t = fakeTty();
    const h = createTerminalHandover({ stdin: t.stdin as unknown as NodeJS.ReadStream, stdout: t.stdout as unknown as NodeJS.WriteStream, stderr: t.stdout as unknown as NodeJS.WriteStream, altScreen: false, clearRenderer: () => {} });
    await expect(h.run(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    h.uiStdout.write('frame');
    expect(t.writes.at(-1)).toBe('frame');
    expect(t.writes.join('')).not.toContain('\x1b[?1049');
  });

  it('picks the editor as kubectl: $KUBE_EDITOR, then $EDITOR, then vi; with arguments through sh -c', () => {
    expect(editorCommand({ KUBE_EDITOR: 'nano', EDITOR: 'emacs' }, '/tmp/f.yaml')).toEqual({ file: 'nano', args: ['/tmp/f.yaml'], name: 'nano' });
    expect(editorCommand({ EDITOR: 'emacs' }, '/tmp/f.yaml')).toEqual({ file: 'emacs', args: ['/tmp/f.yaml'], name: 'emacs' });
    expect(editorCommand({}, '/tmp/f.yaml')).toEqual({ file: 'vi', args: ['/tmp/f.yaml'], name: 'vi' });
    expect(editorCommand({ EDITOR: 'code -w' }, '/tmp/f.yaml')).toEqual({ file: 'sh', args: ['-c', 'code -w "/tmp/f.yaml"'], name: 'code -w' });
  });

  it('edits through a real editor process and reports one that fails', async () => {
    const t = fakeTty();
    const run = (env: NodeJS.ProcessEnv) =>
      createTerminalHandover({ stdin: t.stdin as unknown as NodeJS.ReadStream, stdout: t.stdout as unknown as NodeJS.WriteStream, stderr: t.stdout as unknown as NodeJS.WriteStream, altScreen: false, clearRenderer: () => {}, env });
    const h = run({ ...process.env, KUBE_EDITOR: `sed -i s/replicas:\\ 1/replicas:\\ 2/` });
    const { text, file } = await h.run((term) => term.edit('spec:\n  replicas: 1\n'));
    expect(text).toBe('spec:\n  replicas: 2\n');
    expect(readFileSync(file, 'utf8')).toBe(text);
    await h.run(async (term) => term.discard(file));
    expect(existsSync(file)).toBe(false);
    const failed = await run({ ...process.env, KUBE_EDITOR: 'false' })
      .run((term) => term.edit('x: 1\n'))
      .then(() => undefined, (e: Error) => e.message);
    expect(failed).toMatch(/^there was a problem with the editor "false" \(exit code 1\); a copy of the object is in "(.+)"$/);
    const kept = /"([^"]+\.yaml)"$/.exec(failed ?? '')![1];
    expect(readFileSync(kept, 'utf8')).toBe('x: 1\n');
    rmSync(kept);
  });
});
