/** A one-line progress bar for a terminal, redrawn in place and at most ten times a second. */
export interface ProgressBar {
  update(done: number, total: number): void;
  /** Draws the final state and ends the line. */
  finish(): void;
}

const WIDTH = 30;
const REDRAW_MS = 100;

/** A bar on `stream` when it is a terminal; otherwise one that draws nothing. */
export function createProgressBar(
  stream: NodeJS.WritableStream & { readonly isTTY?: boolean },
  label: string,
): ProgressBar {
  if (stream.isTTY !== true) return { update: () => undefined, finish: () => undefined };

  let last = { done: 0, total: 0 };
  let drawnAt = 0;
  const draw = () => {
    const { done, total } = last;
    const filled = total === 0 ? WIDTH : Math.round((done / total) * WIDTH);
    const bar = '#'.repeat(filled) + '-'.repeat(WIDTH - filled);
    stream.write(`\r${label} [${bar}] ${done}/${total}`);
    drawnAt = Date.now();
  };

  return {
    update: (done, total) => {
      last = { done, total };
      if (Date.now() - drawnAt >= REDRAW_MS) draw();
    },
    finish: () => {
      draw();
      stream.write('\n');
    },
  };
}
