// What every simulated-runtime terminal-UI test file sets up the same way:
// find tmux (say so when it is missing; CI must have it), dispose each test's
// kubeterm runs after the test, and the two steps the tests are written in —
// wait for the screen, and type a `:command`. Separate from tmux.ts because
// it registers vitest hooks, and the bench that uses tmux.ts runs outside vitest.
import { afterEach, beforeAll } from 'vitest';
import { escapeRe, findTmux, type TmuxSession } from './tmux.js';

export interface TuiTestFile {
  /** The tmux binary; undefined when it is not installed (the suite is then skipped, outside CI). */
  tmux: string | undefined;
  /** For describe.skipIf: no tmux and not CI. */
  skip: boolean;
  /** Runs `dispose` after the current test (in the order registered). */
  onCleanup(dispose: () => void): void;
}

/** Call once at the top of a TUI test file; `file` names it in the skip note. */
export function tuiTestFile(file: string, skipNote = ''): TuiTestFile {
  const tmux = findTmux();
  if (!tmux) console.warn(`${file}: skipped: tmux is not installed (apt-get install tmux)${skipNote}`);
  const cleanups: (() => void)[] = [];
  afterEach(() => {
    cleanups.splice(0).forEach((dispose) => dispose());
  });
  beforeAll(() => {
    if (!tmux && process.env.CI) throw new Error('tmux is required for the terminal UI end-to-end tests in CI (CI is set) but is not installed');
  });
  return { tmux, skip: !tmux && !process.env.CI, onCleanup: (dispose) => void cleanups.push(dispose) };
}

export interface ScreenSteps {
  /** Waits (up to the step time unless told) for the screen to match; `what` explains a timeout. */
  wait(test: RegExp | ((screen: string) => unknown), what: string, timeoutMs?: number): Promise<string>;
  /** Types `:text`, waits for the prompt to echo it, presses Enter and waits for the prompt line to close. */
  prompt(text: string): Promise<void>;
}

export function screenSteps(s: TmuxSession, stepMs: number): ScreenSteps {
  const wait = (test: RegExp | ((screen: string) => unknown), what: string, timeoutMs = stepMs) => s.waitFor(test, { timeoutMs, what });
  const prompt = async (text: string) => {
    s.type(`:${text}`);
    await wait(new RegExp(`^:${escapeRe(text)}`, 'm'), `the prompt to echo :${text}`);
    s.keys('Enter');
    await wait((sc) => !/^:/m.test(sc), `the prompt :${text} to close`);
  };
  return { wait, prompt };
}
