/** A level meter: a bar over −60..0 dBFS, the reading in dB, and a clip light held until clicked. */
import { formatDb, meterFill, peakToDb } from '../param-math.ts';

export interface MeterProps {
  readonly label: string;
  /** Linear peak since the last reading (full scale 1). */
  readonly peak: number;
  readonly clipped: boolean;
  onResetClip(): void;
}

export function Meter({ label, peak, clipped, onResetClip }: MeterProps) {
  const db = peakToDb(peak);
  const fill = meterFill(db);
  return (
    <div className="meter" role="meter" aria-label={`${label} level`} aria-valuemin={-60} aria-valuemax={0} aria-valuenow={Number.isFinite(db) ? Math.max(-60, Math.min(0, db)) : -60} aria-valuetext={formatDb(db)}>
      <div className="meter-label">{label}</div>
      <div className="meter-bar">
        <div className={`meter-fill${db > -6 ? ' hot' : ''}`} style={{ width: `${(fill * 100).toFixed(1)}%` }} />
      </div>
      <button type="button" className={`meter-clip${clipped ? ' on' : ''}`} title="Clip (click to reset)" aria-label={`${label} clip${clipped ? ': clipped' : ''}`} onClick={onResetClip} />
      <div className="meter-value">{formatDb(db)}</div>
    </div>
  );
}
