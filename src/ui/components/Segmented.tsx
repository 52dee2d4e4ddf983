/** An enum parameter as segmented buttons (an ARIA radio group; arrows move the choice). */
import type { KeyboardEvent } from 'react';
import type { IndexedParam } from '../../dsp/rig/registry.ts';
import { isStepKey, stepValue } from '../param-math.ts';

export interface SegmentedProps {
  readonly param: IndexedParam;
  readonly value: number;
  onChange(value: number): void;
}

export function Segmented({ param, value, onChange }: SegmentedProps) {
  const { spec } = param;
  const current = Math.round(value);
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>): void => {
    if (!isStepKey(e.key)) return;
    e.preventDefault();
    const next = stepValue(spec, current, e.key);
    if (next !== current) onChange(next);
    const group = e.currentTarget;
    requestAnimationFrame(() => group.querySelector<HTMLButtonElement>('[aria-checked="true"]')?.focus());
  };
  return (
    <div className="segmented-wrap" data-param={param.id} data-control="segmented">
      <div className="segmented-label" id={`label-${param.id}`}>
        {spec.label}
      </div>
      <div className="segmented" role="radiogroup" aria-labelledby={`label-${param.id}`} onKeyDown={onKeyDown}>
        {(spec.options ?? []).map((option, i) => (
          <button
            key={option}
            type="button"
            role="radio"
            aria-checked={i === current}
            tabIndex={i === current ? 0 : -1}
            className={i === current ? 'selected' : ''}
            onClick={() => i !== current && onChange(i)}
          >
            {option}
          </button>
        ))}
      </div>
    </div>
  );
}
