// The text layer kubectl's describers write through: Go's text/tabwriter as
// `tabbedString` sets it up (minwidth 0, tabwidth 8, padding 2, pad with
// spaces, no flags) and the PrefixWriter that indents by level. Describers
// write `\t`-separated cells; a column is aligned over each run of consecutive
// lines that have a cell in it, exactly as Go's tabwriter blocks them, so
// `Events:\t<none>` lines up with the block above it as kubectl's does.

/** Go text/tabwriter over a whole text (cells end at `\t`, lines at `\n`). */
export function tabwrite(text: string, padding = 2): string {
  const trailingNewline = text.endsWith('\n');
  const lines = (trailingNewline ? text.slice(0, -1) : text).split('\n').map((l) => l.split('\t'));
  const width = (s: string) => [...s].length;
  const out: string[] = [];
  const widths: number[] = [];

  const writeLines = (line0: number, line1: number) => {
    for (let i = line0; i < line1; i++) {
      const cells = lines[i];
      let s = '';
      cells.forEach((c, j) => {
        s += c;
        if (j < widths.length && j < cells.length - 1) s += ' '.repeat(Math.max(0, widths[j] - width(c)));
      });
      out.push(s);
    }
  };

  // format(): the recursive column-block algorithm of text/tabwriter.
  const format = (line0: number, line1: number): void => {
    const column = widths.length;
    for (let t = line0; t < line1; t++) {
      if (column >= lines[t].length - 1) continue;
      // A cell in this column: print the lines before the block, then measure the block.
      writeLines(line0, t);
      line0 = t;
      let w = 0;
      for (; t < line1; t++) {
        const line = lines[t];
        if (column >= line.length - 1) break;
        w = Math.max(w, width(line[column]) + padding);
      }
      widths.push(w);
      format(line0, t);
      widths.pop();
      line0 = t;
      t--; // the loop's t++ resumes at the line that ended the block
    }
    writeLines(line0, line1);
  };
  format(0, lines.length);
  return out.join('\n') + (trailingNewline ? '\n' : '');
}

/** kubectl's PrefixWriter: `write(level, text)` indents text by two spaces a level; `tabbed()` lays the whole out. */
export class PrefixWriter {
  private buf = '';

  write(level: number, text: string): void {
    this.buf += '  '.repeat(level) + text;
  }

  /** WriteLine: the text and a newline, without the level's indent. */
  line(text = ''): void {
    this.buf += `${text}\n`;
  }

  tabbed(): string {
    return tabwrite(this.buf);
  }
}
