// ResourceTable draws only the rows it is given (the window). Column widths
// come from `natural` (every row, as the table was built) and from the visible
// rows themselves, which are rendered afresh each tick: an age that grew since
// the build (5m → 5m2s) widens its column instead of being cut to `5m…`.
import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import type { TableRow } from '../../components/logic/table-model.js';
import { ResourceTable } from '../../components/widgets/resource-table.js';
import type { Column } from '../../components/render/types.js';

const columns: Column[] = [
  { name: 'NAME', priority: 0 },
  { name: 'AGE', priority: 0 },
];

function row(name: string, age: string): TableRow {
  return { id: name, obj: { apiVersion: 'v1', kind: 'Pod', metadata: { name } }, cells: [name, age], tone: 'plain' };
}

describe('ResourceTable', () => {
  it('measures the visible rows too: a cell wider than the measured width is not cut', () => {
    // Measured when every age was "5m"; the visible rows now say "5m2s".
    const { lastFrame } = render(<ResourceTable title="Pods" columns={columns} rows={[row('web-1', '5m2s'), row('web-2', '5m')]} natural={[5, 2]} cursor={0} height={5} width={60} />);
    expect(lastFrame()).toContain('web-1  5m2s');
    expect(lastFrame()).not.toContain('…');
  });

  it('draws at most `height` rows', () => {
    const rows = Array.from({ length: 10 }, (_, i) => row(`p-${i}`, '1m'));
    const { lastFrame } = render(<ResourceTable title="Pods" columns={columns} rows={rows} natural={[4, 2]} cursor={-1} height={3} width={60} />);
    expect(lastFrame()).toContain('p-2');
    expect(lastFrame()).not.toContain('p-3');
  });
});
