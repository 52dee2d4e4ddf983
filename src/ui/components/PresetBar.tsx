/** The preset bar: previous/next, the current preset's name (edited or not), save, save as, share, loudness match. */
import type { Library } from '../library/use-library.ts';

export interface PresetBarProps {
  readonly lib: Library;
  onSave(): void;
  onSaveAs(): void;
}

export function PresetBar({ lib, onSave, onSaveAs }: PresetBarProps) {
  const { current, modified, loudnessMatched } = lib;
  const canBrowse = lib.visible.length > 0;
  const saveTitle = current.id === null ? 'Save the rig as a new preset' : current.factory ? 'Factory presets are read-only: saves as a new preset' : `Save over "${current.name}"`;
  return (
    <div className="preset-bar">
      <div className="preset-nav">
        <button type="button" className="nav-button" aria-label="Previous preset" title="Previous preset" disabled={!canBrowse} onClick={() => lib.step(-1)}>
          ‹
        </button>
        <div className="preset-current" data-testid="current-preset" aria-live="polite">
          <span className="preset-current-name">{current.name}</span>
          {current.factory && <span className="badge">Factory</span>}
          {modified && (
            <span className="badge edited" title="Changed since it was loaded or saved">
              Edited
            </span>
          )}
        </div>
        <button type="button" className="nav-button" aria-label="Next preset" title="Next preset" disabled={!canBrowse} onClick={() => lib.step(1)}>
          ›
        </button>
      </div>
      <div className="preset-actions">
        <button type="button" onClick={onSave} disabled={!lib.hasModel || !lib.available} title={saveTitle}>
          Save
        </button>
        <button type="button" onClick={onSaveAs} disabled={!lib.hasModel || !lib.available}>
          Save as…
        </button>
        <button type="button" onClick={() => void lib.shareCurrent()} disabled={!lib.hasModel} title="A link that holds this rig, model and IR included">
          Share link
        </button>
        <button
          type="button"
          className={`toggle loudness${loudnessMatched ? ' on' : ''}`}
          role="switch"
          aria-checked={loudnessMatched}
          title="Compare presets at equal loudness: loading a preset sets the output to Normalized"
          onClick={() => lib.setLoudnessMatched(!loudnessMatched)}
        >
          <span className="toggle-led" aria-hidden="true" />
          Loudness-matched
        </button>
      </div>
    </div>
  );
}
