/**
 * A progress bar on stderr, drawn only when stderr is a terminal (so logs and pipes stay clean).
 */
export interface Progress {
  update(done: number): void;
  finish(): void;
}

export function createProgress(label: string, total: number, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!stream.isTTY || total <= 0) return { update() {}, finish() {} };
  const width = 30;
  let lastDrawn = -1;
  const draw = (done: number): void => {
    const frac = Math.min(1, done / total);
    const pct = Math.floor(frac * 100);
    if (pct === lastDrawn) return;
    lastDrawn = pct;
    const filled = Math.round(frac * width);
    stream.write(`\r${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(pct).padStart(3)}%`);
  };
  return {
    update: draw,
    finish() {
      draw(total);
      stream.write('\n');
    },
  };
}
