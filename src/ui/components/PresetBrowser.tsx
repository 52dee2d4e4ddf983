/** The library list: search, tag and gear filters, one row per preset (load, rename, duplicate, export, delete), import. */
import { useMemo, useState, type ChangeEvent } from 'react';
import { allGear, allTags, gearLabel } from '../library/library-filter.ts';
import type { PresetRecord } from '../library/library-types.ts';
import type { Library } from '../library/use-library.ts';

export interface PresetBrowserProps {
  readonly lib: Library;
  onRename(record: PresetRecord): void;
}

export function PresetBrowser({ lib, onRename }: PresetBrowserProps) {
  const { records, visible, query, current } = lib;
  const tags = useMemo(() => allTags(records), [records]);
  const gear = useMemo(() => allGear(records), [records]);
  const [confirming, setConfirming] = useState<string | null>(null);

  const pick = (e: ChangeEvent<HTMLInputElement>): void => {
    const files = Array.from(e.target.files ?? []);
    e.target.value = '';
    if (files.length) void lib.importFiles(files);
  };

  return (
    <div className="preset-browser">
      <div className="browser-filters">
        <input type="search" placeholder="Search presets" aria-label="Search presets" value={query.text ?? ''} onChange={(e) => lib.setQuery({ ...query, text: e.target.value })} />
        <select aria-label="Filter by tag" value={query.tag ?? ''} onChange={(e) => lib.setQuery({ ...query, tag: e.target.value || undefined })}>
          <option value="">All tags</option>
          {tags.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
        <select aria-label="Filter by gear" value={query.gear ?? ''} onChange={(e) => lib.setQuery({ ...query, gear: e.target.value || undefined })}>
          <option value="">All gear</option>
          {gear.map((g) => (
            <option key={g} value={g}>
              {g}
            </option>
          ))}
        </select>
      </div>
      <ul className="preset-list" aria-label="Preset library" data-testid="preset-list">
        {lib.loading && <li className="hint">Opening the library…</li>}
        {lib.unavailable && <li className="hint">The preset library is unavailable: {lib.unavailable}</li>}
        {lib.available && visible.length === 0 && <li className="hint">{records.length ? 'No preset matches.' : 'The library is empty: save the rig or import a .namrig file.'}</li>}
        {visible.map((r) => {
          const gearText = gearLabel(r.gear) || r.modelName;
          const userTags = r.preset.tags.filter((t) => t !== 'factory');
          return (
            <li key={r.id} className={`preset-row${r.id === current.id ? ' current' : ''}`} aria-current={r.id === current.id ? 'true' : undefined} data-testid="preset-row" data-name={r.preset.name}>
              <button type="button" className="preset-load" onClick={() => void lib.load(r)} title={r.preset.notes || `Load ${r.preset.name}`}>
                <span className="preset-row-name">
                  {r.preset.name}
                  {r.factory && <span className="badge">Factory</span>}
                </span>
                <span className="preset-row-meta">
                  {gearText}
                  {userTags.length > 0 && ' · '}
                  {userTags.join(', ')}
                </span>
              </button>
              {confirming === r.id ? (
                <span className="row-actions confirm">
                  Delete?
                  <button type="button" className="danger" onClick={() => void lib.remove(r).then(() => setConfirming(null))}>
                    Delete
                  </button>
                  <button type="button" onClick={() => setConfirming(null)}>
                    Keep
                  </button>
                </span>
              ) : (
                <span className="row-actions">
                  <button type="button" onClick={() => onRename(r)} aria-label={`Rename ${r.preset.name}`} title="Rename">
                    Rename
                  </button>
                  <button type="button" onClick={() => void lib.duplicate(r.id)} aria-label={`Duplicate ${r.preset.name}`} title="Duplicate">
                    Duplicate
                  </button>
                  <button type="button" onClick={() => void lib.exportPreset(r.id)} aria-label={`Export ${r.preset.name}`} title="Download as .namrig">
                    Export
                  </button>
                  <button type="button" onClick={() => setConfirming(r.id)} aria-label={`Delete ${r.preset.name}`} title="Delete">
                    Delete
                  </button>
                </span>
              )}
            </li>
          );
        })}
      </ul>
      <div className="browser-foot">
        <span className="hint">
          {visible.length === records.length ? `${records.length} presets` : `${visible.length} of ${records.length} presets`} · drop .namrig files anywhere
        </span>
        <label className="file-button">
          Import .namrig…
          <input type="file" accept=".namrig" multiple data-testid="bundle-input" onChange={pick} />
        </label>
      </div>
    </div>
  );
}
