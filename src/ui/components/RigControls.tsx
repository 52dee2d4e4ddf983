/** Every user parameter of the rig as a control, one panel per block, generated from `paramIndex()`. */
import type { QualifiedId } from '../../dsp/rig/manifest.ts';
import type { IndexedParam } from '../../dsp/rig/registry.ts';
import { controlGroups, type ControlDef } from '../controls.ts';
import { Knob } from './Knob.tsx';
import { Segmented } from './Segmented.tsx';
import { Toggle } from './Toggle.tsx';

export interface RigControlsProps {
  readonly index: readonly IndexedParam[];
  readonly values: Readonly<Record<QualifiedId, number>>;
  onChange(id: QualifiedId, value: number): void;
}

export function RigControls({ index, values, onChange }: RigControlsProps) {
  const control = ({ kind, param }: ControlDef) => {
    const props = { param, value: values[param.id] ?? param.spec.default, onChange: (v: number) => onChange(param.id, v) };
    if (kind === 'toggle') return <Toggle key={param.id} {...props} />;
    if (kind === 'segmented') return <Segmented key={param.id} {...props} />;
    return <Knob key={param.id} {...props} />;
  };
  return (
    <div className="rig-controls">
      {controlGroups(index).map((g) => (
        <section key={g.blockId} className="block-panel" aria-label={g.label} data-block={g.blockId}>
          <h2>{g.label}</h2>
          <div className="block-controls">{g.controls.map(control)}</div>
        </section>
      ))}
    </div>
  );
}
