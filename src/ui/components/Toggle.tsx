/** An on/off parameter as a switch (an ARIA switch; Space/Enter toggle, as for any button). */
import type { IndexedParam } from '../../dsp/rig/registry.ts';

export interface ToggleProps {
  readonly param: IndexedParam;
  readonly value: number;
  onChange(value: number): void;
}

export function Toggle({ param, value, onChange }: ToggleProps) {
  const on = value >= 0.5;
  return (
    <button
      type="button"
      className={`toggle${on ? ' on' : ''}`}
      role="switch"
      aria-checked={on}
      data-param={param.id}
      data-control="toggle"
      onClick={() => onChange(on ? 0 : 1)}
      onDoubleClick={(e) => e.preventDefault()}
    >
      <span className="toggle-led" aria-hidden="true" />
      {param.spec.label}
    </button>
  );
}
