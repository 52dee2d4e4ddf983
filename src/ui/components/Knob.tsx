/**
 * A rotary knob for one continuous parameter: drag vertically, arrows/PageUp/PageDown/Home/End
 * (Shift+arrow for one step), double-click to reset to the default. An ARIA slider.
 */
import { useRef, type KeyboardEvent, type PointerEvent } from 'react';
import type { IndexedParam } from '../../dsp/rig/registry.ts';
import { formatValue, isStepKey, positionToValue, stepValue, valueToPosition } from '../param-math.ts';

/** Pixels of vertical drag for the whole travel. */
const DRAG_PIXELS = 200;
const SWEEP = 270;

export interface KnobProps {
  readonly param: IndexedParam;
  readonly value: number;
  onChange(value: number): void;
}

function arcPath(fromDeg: number, toDeg: number, r: number): string {
  const pt = (deg: number): string => {
    const a = ((deg - 90) * Math.PI) / 180;
    return `${(24 + r * Math.cos(a)).toFixed(2)} ${(24 + r * Math.sin(a)).toFixed(2)}`;
  };
  const large = toDeg - fromDeg > 180 ? 1 : 0;
  return `M ${pt(fromDeg)} A ${r} ${r} 0 ${large} 1 ${pt(toDeg)}`;
}

export function Knob({ param, value, onChange }: KnobProps) {
  const { spec } = param;
  const drag = useRef<{ y: number; pos: number } | null>(null);
  const pos = valueToPosition(spec, value);
  const angle = -SWEEP / 2 + pos * SWEEP;
  const text = formatValue(spec, value);
  const set = (v: number): void => {
    if (v !== value) onChange(v);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>): void => {
    if (!isStepKey(e.key)) return;
    e.preventDefault();
    set(stepValue(spec, value, e.key, e.shiftKey));
  };
  const onPointerDown = (e: PointerEvent<HTMLDivElement>): void => {
    e.currentTarget.setPointerCapture?.(e.pointerId);
    e.currentTarget.focus();
    drag.current = { y: e.clientY, pos };
  };
  const onPointerMove = (e: PointerEvent<HTMLDivElement>): void => {
    if (!drag.current) return;
    const scale = e.shiftKey ? 4 : 1;
    set(positionToValue(spec, drag.current.pos + (drag.current.y - e.clientY) / (DRAG_PIXELS * scale)));
  };
  const onPointerUp = (): void => {
    drag.current = null;
  };

  return (
    <div className="knob" data-param={param.id} data-control="knob">
      <div
        className="knob-dial"
        role="slider"
        tabIndex={0}
        aria-label={spec.label}
        aria-valuemin={spec.min}
        aria-valuemax={spec.max}
        aria-valuenow={value}
        aria-valuetext={text}
        title={`${spec.label}: ${text} (double-click: reset)`}
        onKeyDown={onKeyDown}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onPointerCancel={onPointerUp}
        onDoubleClick={() => set(spec.default)}
      >
        <svg viewBox="0 0 48 48" width="56" height="56" aria-hidden="true">
          <path className="knob-track" d={arcPath(-SWEEP / 2, SWEEP / 2, 20)} />
          {pos > 0.001 && <path className="knob-fill" d={arcPath(-SWEEP / 2, angle, 20)} />}
          <circle className="knob-cap" cx="24" cy="24" r="15" />
          <line className="knob-pointer" x1="24" y1="24" x2="24" y2="11" transform={`rotate(${angle} 24 24)`} />
        </svg>
      </div>
      <div className="knob-label">{spec.label}</div>
      <div className="knob-value">{text}</div>
    </div>
  );
}
