/** A/B compare: two slots (the current rig or a library preset each) and the switch between them. */
import type { Library, SlotId } from '../library/use-library.ts';

const SLOTS: readonly SlotId[] = ['a', 'b'];

export function PresetCompare({ lib }: { readonly lib: Library }) {
  const { slots, activeSlot } = lib;
  return (
    <div className="compare" aria-label="A/B compare" role="group">
      <h3>A/B compare</h3>
      {SLOTS.map((slot) => (
        <div key={slot} className={`slot${activeSlot === slot ? ' active' : ''}`}>
          <span className="slot-letter">{slot.toUpperCase()}</span>
          <select
            aria-label={`Slot ${slot.toUpperCase()}`}
            value=""
            onChange={(e) => {
              if (e.target.value) void lib.fillSlot(slot, e.target.value);
            }}
          >
            <option value="">{slots[slot] ? slots[slot]!.label : 'Choose…'}</option>
            <option value="current">Current rig</option>
            {lib.records.map((r) => (
              <option key={r.id} value={r.id}>
                {r.preset.name}
              </option>
            ))}
          </select>
        </div>
      ))}
      <div className="segmented ab-switch" role="radiogroup" aria-label="Play slot">
        {SLOTS.map((slot) => (
          <button key={slot} type="button" role="radio" aria-checked={activeSlot === slot} className={activeSlot === slot ? 'selected' : ''} disabled={!slots[slot]} onClick={() => lib.switchSlot(slot)}>
            {slot.toUpperCase()}
          </button>
        ))}
      </div>
      <p className="hint">{slots.a && slots.b ? `Each slot keeps its tweaks when you switch${lib.loudnessMatched ? '; loudness-matched' : ''}.` : 'Fill both slots, then switch between them.'}</p>
    </div>
  );
}
