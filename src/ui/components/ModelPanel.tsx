/** The model and IR loaders (file pickers) and what is loaded: model metadata, IR details. */
import type { ChangeEvent } from 'react';
import { formatRate, modelInfoRows } from '../model-info.ts';
import type { IrInfo, ModelInfo } from '../transport.ts';

export interface ModelPanelProps {
  readonly model: ModelInfo | null;
  readonly ir: IrInfo | null;
  onFiles(files: File[]): void;
}

export function ModelPanel({ model, ir, onFiles }: ModelPanelProps) {
  const pick = (e: ChangeEvent<HTMLInputElement>): void => {
    const files = Array.from(e.target.files ?? []);
    e.target.value = ''; // picking the same file again still loads it
    if (files.length) onFiles(files);
  };
  return (
    <div className="model-panel">
      <section className="loader" aria-label="Model">
        <h2>Model</h2>
        <label className="file-button">
          Load .nam…
          <input type="file" accept=".nam" data-testid="model-input" onChange={pick} />
        </label>
        {model ? (
          <dl className="model-info" data-testid="model-info">
            {modelInfoRows(model).map(([k, v]) => (
              <div key={k}>
                <dt>{k}</dt>
                <dd>{v}</dd>
              </div>
            ))}
          </dl>
        ) : (
          <p className="hint">No model loaded. Pick a .nam file or drop it anywhere on the window.</p>
        )}
      </section>
      <section className="loader" aria-label="Impulse response">
        <h2>Cab IR</h2>
        <label className="file-button">
          Load .wav…
          <input type="file" accept=".wav,.wave,audio/wav" data-testid="ir-input" onChange={pick} />
        </label>
        {ir ? (
          <dl className="model-info" data-testid="ir-info">
            <div>
              <dt>IR</dt>
              <dd>{ir.name}</dd>
            </div>
            <div>
              <dt>Length</dt>
              <dd>
                {ir.length.toLocaleString('en-US')} samples ({((ir.length / ir.sampleRate) * 1000).toFixed(0)} ms)
              </dd>
            </div>
            <div>
              <dt>Sample rate</dt>
              <dd>
                {formatRate(ir.sampleRate)}
                {ir.channels > 1 ? `, ${ir.channels} channels (first used)` : ''}
              </dd>
            </div>
          </dl>
        ) : (
          <p className="hint">No IR loaded.</p>
        )}
      </section>
    </div>
  );
}
