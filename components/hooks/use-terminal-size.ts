// The terminal size, following 'resize' so tables reflow. A fixed size can be
// passed (tests, the bench) and wins.
import { useStdout } from 'ink';
import { useEffect, useState } from 'react';

export interface Size {
  columns: number;
  rows: number;
}

export function useTerminalSize(fixed?: Size): Size {
  const { stdout } = useStdout();
  const read = (): Size => ({ columns: stdout?.columns || 100, rows: stdout?.rows || 30 });
  const [size, setSize] = useState<Size>(read);
  useEffect(() => {
    if (fixed || !stdout) return;
    const onResize = () => setSize(read());
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout, fixed]);
  return fixed ?? size;
}
