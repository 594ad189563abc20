// A resource table that renders only the rows in its window, so 10,000 pods
// cost the same frame time as 30. Columns that do not fit are dropped by
// priority (never wrapped); the cursor row is drawn inverse.
import { Box, Text } from 'ink';
import { cell, fitColumns, GAP } from '../logic/fit-columns.js';
import type { TableRow } from '../logic/table-model.js';
import type { Column, SortSpec } from '../render/types.js';
import { toneColor } from '../tone.js';

export interface ResourceTableProps {
  title: string;
  columns: Column[];
  /** Only the rows in the window: large tables never pass all rows down. */
  rows: TableRow[];
  /** Natural width of each column over all rows (see measure()). */
  natural: number[];
  /** Index of the cursor within `rows`, or -1. */
  cursor: number;
  height: number;
  width: number;
  sort?: SortSpec;
  empty?: string;
  /** Shown (in red, wrapped) instead of the rows: why there are none, e.g. the server's 403. */
  error?: string;
}

export function ResourceTable({ title, columns, rows, natural, cursor, height, width, sort, empty, error }: ResourceTableProps) {
  const inner = Math.max(10, width - 2);
  // The sort arrow is part of the header, so it is measured too.
  const headed = columns.map((c) => (sort?.column === c.name ? { ...c, name: `${c.name}${sort.asc ? '↑' : '↓'}` } : c));
  const visible = rows.slice(0, height);
  // `natural` is measured over every row as the table was built; the visible
  // rows are rendered afresh (ages move on: 5m → 5m2s), so they are measured
  // too, or a cell that grew since would be cut to fit (`5m…`).
  const widths = natural.map((w, i) => Math.max(w, headed[i].name.length));
  for (const r of visible) for (let i = 0; i < widths.length; i++) widths[i] = Math.max(widths[i], r.cells[i]?.length ?? 0);
  const fit = fitColumns(headed, widths, inner);
  const gap = ' '.repeat(GAP);
  const line = (cells: string[]) => fit.shown.map((ci, j) => cell(cells[ci] ?? '', fit.widths[j], columns[ci].align)).join(gap);
  const headerCells = headed.map((c) => c.name);
  return (
    <Box flexDirection="column" width={width}>
      <Text bold color="cyan">
        {title}
      </Text>
      <Text bold>{` ${line(headerCells)}`}</Text>
      {error ? (
        <Text color="red">{` ${error}`}</Text>
      ) : visible.length === 0 ? (
        <Text dimColor>{` ${empty ?? 'No resources found.'}`}</Text>
      ) : (
        visible.map((r, i) => {
          const selected = i === cursor;
          return (
            <Text key={r.id} color={toneColor(r.tone)} inverse={selected} wrap="truncate">
              {` ${line(r.cells)}`}
            </Text>
          );
        })
      )}
    </Box>
  );
}
