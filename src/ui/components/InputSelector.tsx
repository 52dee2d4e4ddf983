/**
 * Where the rig's input comes from: a live input (microphone or audio interface, with the browser's
 * voice processing off) or a DI file player with loop. It reports the choice through `onSource`
 * (the web app routes it into the worklet: `WorkletTransport.setInput`). Failures show as one line.
 */
import { useEffect, useRef, useState, type ChangeEvent } from 'react';
import { decodeWav } from '../../dsp/io/wav-read.ts';
import { openInput, type InputDevice, type InputSource } from '../audio-input.ts';
import { oneLine } from '../messages.ts';

export interface InputSelectorProps {
  onSource(source: InputSource, stream?: MediaStream): void;
  /** Defaults to `navigator.mediaDevices`. */
  readonly media?: MediaDevices | undefined;
}

type Mode = 'device' | 'file';

const stopStream = (s: MediaStream | null): void => s?.getTracks().forEach((t) => t.stop());

export function InputSelector({ onSource, media }: InputSelectorProps) {
  const [mode, setMode] = useState<Mode>('device');
  const [devices, setDevices] = useState<InputDevice[]>([]);
  const [deviceId, setDeviceId] = useState('');
  const [message, setMessage] = useState('');
  const [active, setActive] = useState('');
  const [file, setFile] = useState<{ name: string; samples: Float32Array; sampleRate: number } | null>(null);
  const [loop, setLoop] = useState(true);
  const [playing, setPlaying] = useState(false);
  const stream = useRef<MediaStream | null>(null);

  useEffect(() => () => stopStream(stream.current), []);

  const open = async (id?: string): Promise<void> => {
    setMessage('');
    stopStream(stream.current);
    stream.current = null;
    const result = await openInput(media ?? (typeof navigator === 'undefined' ? undefined : navigator.mediaDevices), id);
    if (!result.ok) {
      setActive('');
      setMessage(result.message);
      onSource({ kind: 'none' });
      return;
    }
    stream.current = result.stream;
    setDevices(result.devices);
    const trackId = result.stream.getAudioTracks()[0]?.getSettings().deviceId ?? id ?? '';
    const chosen = result.devices.find((d) => d.deviceId === trackId) ?? result.devices[0]!;
    setDeviceId(chosen.deviceId);
    setActive(chosen.label);
    onSource({ kind: 'device', deviceId: chosen.deviceId, label: chosen.label }, result.stream);
  };

  const pickFile = async (e: ChangeEvent<HTMLInputElement>): Promise<void> => {
    const f = e.target.files?.[0];
    e.target.value = '';
    if (!f) return;
    setMessage('');
    try {
      const wav = decodeWav(new Uint8Array(await f.arrayBuffer()));
      const samples = wav.channels[0];
      if (!samples || samples.length === 0) throw new Error('the WAV file has no samples');
      setFile({ name: f.name, samples, sampleRate: wav.sampleRate });
      setPlaying(false);
      onSource({ kind: 'file', name: f.name, samples, sampleRate: wav.sampleRate, loop, playing: false });
    } catch (err) {
      setMessage(oneLine(err, f.name));
    }
  };

  const update = (next: { loop?: boolean; playing?: boolean }): void => {
    const l = next.loop ?? loop;
    const p = next.playing ?? playing;
    setLoop(l);
    setPlaying(p);
    if (file) onSource({ kind: 'file', ...file, loop: l, playing: p });
  };

  const switchMode = (m: Mode): void => {
    setMode(m);
    setMessage('');
    if (m === 'file') {
      stopStream(stream.current);
      stream.current = null;
      setActive('');
      onSource(file ? { kind: 'file', ...file, loop, playing: false } : { kind: 'none' });
      setPlaying(false);
    } else onSource({ kind: 'none' });
  };

  return (
    <section className="input-selector" aria-label="Audio input">
      <h2>Input</h2>
      <div className="segmented" role="radiogroup" aria-label="Input source">
        <button type="button" role="radio" aria-checked={mode === 'device'} className={mode === 'device' ? 'selected' : ''} onClick={() => switchMode('device')}>
          Live input
        </button>
        <button type="button" role="radio" aria-checked={mode === 'file'} className={mode === 'file' ? 'selected' : ''} onClick={() => switchMode('file')}>
          DI file
        </button>
      </div>
      {mode === 'device' ? (
        <div className="input-row">
          {devices.length > 0 && (
            <select aria-label="Input device" value={deviceId} onChange={(e) => void open(e.target.value)}>
              {devices.map((d) => (
                <option key={d.deviceId} value={d.deviceId}>
                  {d.label}
                </option>
              ))}
            </select>
          )}
          <button type="button" onClick={() => void open(deviceId || undefined)}>
            {active ? 'Reopen' : 'Use audio input'}
          </button>
          {active && <span className="hint">Listening: {active}</span>}
        </div>
      ) : (
        <div className="input-row">
          <label className="file-button">
            DI .wav…
            <input type="file" accept=".wav,.wave,audio/wav" data-testid="di-input" onChange={(e) => void pickFile(e)} />
          </label>
          <button type="button" disabled={!file} onClick={() => update({ playing: !playing })}>
            {playing ? 'Stop' : 'Play'}
          </button>
          <label className="check">
            <input type="checkbox" checked={loop} onChange={(e) => update({ loop: e.target.checked })} /> Loop
          </label>
          {file && (
            <span className="hint">
              {file.name} ({(file.samples.length / file.sampleRate).toFixed(1)} s)
            </span>
          )}
        </div>
      )}
      {message && (
        <p className="message error" role="alert">
          {message}
        </p>
      )}
    </section>
  );
}
