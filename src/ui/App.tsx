/**
 * The rig's UI: header (bypass, meters), the preset library (when given), input choice, model/IR
 * loading with metadata, and one control per rig parameter. It talks to the engine only through the
 * `RigTransport` it is given.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { QualifiedId } from '../dsp/rig/manifest.ts';
import { defaultParams, paramIndex } from '../dsp/rig/registry.ts';
import type { InputSource } from './audio-input.ts';
import { loadDroppedFiles, type LoadResult } from './file-loading.ts';
import type { IrInfo, MeterReading, ModelInfo, RigTransport } from './transport.ts';
import { DropOverlay, useWindowFileDrop } from './components/DropOverlay.tsx';
import { InputSelector } from './components/InputSelector.tsx';
import { LibraryPanel, type LibraryHandle } from './components/LibraryPanel.tsx';
import { isBundleFile } from './library/download.ts';
import type { LibraryDeps } from './library/use-library.ts';
import { Meter } from './components/Meter.tsx';
import { ModelPanel } from './components/ModelPanel.tsx';
import { RigControls } from './components/RigControls.tsx';

export interface AppProps {
  readonly transport: RigTransport;
  /** Show the input selector (the web app); the plugin gets its input from the host. Default true. */
  readonly showInput?: boolean;
  /** A note shown under the header (e.g. that no engine is attached). */
  readonly notice?: string;
  /** The input the user picked (the web app routes it into the engine). */
  readonly onInput?: (source: InputSource, stream?: MediaStream) => void;
  /** The preset library (the web app); `transport` must be `library.session.transport`. */
  readonly library?: Omit<LibraryDeps, 'onStatus' | 'onIr'>;
}

interface Status {
  readonly kind: 'error' | 'info';
  readonly text: string;
}

export function App({ transport, showInput = true, notice, onInput, library }: AppProps) {
  const index = useMemo(() => paramIndex(), []);
  const [values, setValues] = useState<Record<QualifiedId, number>>(() => defaultParams());
  const [model, setModel] = useState<ModelInfo | null>(null);
  const [ir, setIr] = useState<IrInfo | null>(null);
  const [status, setStatus] = useState<Status | null>(null);
  const [bypass, setBypass] = useState(false);
  const [meters, setMeters] = useState<MeterReading>({ in: 0, out: 0 });
  const [clip, setClip] = useState({ in: false, out: false });
  const [, setSource] = useState<InputSource>({ kind: 'none' });
  const libraryRef = useRef<LibraryHandle>(null);

  useEffect(() => {
    const offs = [
      transport.onModelInfo((info) => setModel(info)),
      transport.onError((e) => setStatus({ kind: 'error', text: e.message })),
      transport.onParam((id, v) => setValues((old) => ({ ...old, [id]: v }))),
      transport.onMeters((m) => {
        setMeters(m);
        if (m.in >= 1 || m.out >= 1) setClip((c) => ({ in: c.in || m.in >= 1, out: c.out || m.out >= 1 }));
      }),
    ];
    return () => offs.forEach((off) => off());
  }, [transport]);

  const onParam = useCallback(
    (id: QualifiedId, v: number) => {
      setValues((old) => ({ ...old, [id]: v }));
      transport.setParam(id, v);
    },
    [transport],
  );

  const onFiles = useCallback(
    async (dropped: File[]) => {
      // .namrig bundles go to the preset library
      const bundles = library ? dropped.filter((f) => isBundleFile(f.name)) : [];
      if (bundles.length) libraryRef.current?.importFiles(bundles);
      const files = dropped.filter((f) => !bundles.includes(f));
      if (files.length === 0) return;
      const results: LoadResult[] = await loadDroppedFiles(files, transport);
      const errors: string[] = [];
      const notes: string[] = [];
      for (const r of results) {
        if (!r.ok) errors.push(r.message);
        else if (r.kind === 'model') {
          setModel(r.info);
          notes.push(`Loaded model ${r.info.name}` + (r.warnings.length ? ` (${r.warnings.length} metadata warning${r.warnings.length > 1 ? 's' : ''}: ${r.warnings[0]})` : ''));
        } else {
          setIr(r.info);
          notes.push(`Loaded IR ${r.info.name}`);
        }
      }
      setStatus(errors.length ? { kind: 'error', text: errors.join(' · ') } : { kind: 'info', text: notes.join(' · ') });
    },
    [transport, library],
  );

  const dragging = useWindowFileDrop((files) => void onFiles(files));

  const toggleBypass = (): void => {
    setBypass(!bypass);
    transport.setBypass(!bypass);
  };

  return (
    <div className="app">
      <header className="app-header">
        <h1>
          NAM <span>rig</span>
        </h1>
        <div className="header-right">
          <Meter label="In" peak={meters.in} clipped={clip.in} onResetClip={() => setClip((c) => ({ ...c, in: false }))} />
          <Meter label="Out" peak={meters.out} clipped={clip.out} onResetClip={() => setClip((c) => ({ ...c, out: false }))} />
          <button type="button" className={`bypass${bypass ? ' on' : ''}`} role="switch" aria-checked={bypass} onClick={toggleBypass}>
            <span className="toggle-led" aria-hidden="true" />
            Bypass
          </button>
        </div>
      </header>
      {notice && <p className="notice">{notice}</p>}
      {status && (
        <p className={`message ${status.kind}`} role={status.kind === 'error' ? 'alert' : 'status'} data-testid="status">
          {status.text}
        </p>
      )}
      <main>
        {library && <LibraryPanel ref={libraryRef} {...library} onStatus={(kind, text) => setStatus({ kind, text })} onIr={setIr} />}
        {showInput && (
          <InputSelector
            onSource={(s, stream) => {
              setSource(s);
              onInput?.(s, stream);
            }}
          />
        )}
        <ModelPanel model={model} ir={ir} onFiles={(f) => void onFiles(f)} />
        <RigControls index={index} values={values} onChange={onParam} />
      </main>
      <DropOverlay visible={dragging} />
    </div>
  );
}
