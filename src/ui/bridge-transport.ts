/**
 * The plugin's `RigTransport`: the same React UI as the web app, talking to the native host through the
 * WebView bridge instead of an AudioWorklet.
 *
 *   UI → host: each `UiToHost` message (bridge-protocol.ts) as JSON, cut into `bridge://` URLs
 *              (bridge-framing.ts) and navigated to by hidden iframes, which the host intercepts; sent
 *              in batches, taking turns with the host (bridge-outbox.ts);
 *   host → UI: the host evaluates `javascript:` URLs that call `window.__namRigBridge.receive(json)`
 *              with one `HostToUi` message each, dispatched here to the `on…` listeners, then
 *              `window.__namRigBridge.turn(session, ack)`, which hands the turn back to the page.
 *
 * How URLs leave the page is injectable (`send`), so tests see exactly what the host would. On creation
 * the transport installs the global. Nothing is sent before the UI listens. When the UI first subscribes to any `on…` event (after the
 * current task, so all of a component's subscriptions are in place), it drains the messages the host
 * pushed before the global existed (the host's push script parks them in `window.__namRigBridgeInbox`)
 * and says `hello`, to which the host answers with its whole state: nothing the host sends in answer
 * can reach a UI that is not listening yet.
 */
import { z } from 'zod';
import type { QualifiedId } from '../dsp/rig/manifest.ts';
import { BRIDGE_GLOBAL, type HostToUi, type UiToHost } from './bridge-protocol.ts';
import { DEFAULT_MAX_URL_LENGTH, newSessionId } from './bridge-framing.ts';
import { BridgeOutbox } from './bridge-outbox.ts';
import { oneLine } from './messages.ts';
import type { IrInfo, MeterReading, ModelInfo, RigTransport, TransportError, Unsubscribe } from './transport.ts';

/** Where the host's push script parks messages that arrive before the bridge global exists. */
export const BRIDGE_INBOX_GLOBAL = '__namRigBridgeInbox';

/** What the host calls. */
export interface BridgeGlobal {
  receive(json: string): void;
  turn(session: string, ack: number): void;
}

export interface BridgeTransport extends RigTransport {
  /** The host's IR as it reports it (after `hello`, a restored state). Not part of `RigTransport`. */
  onIrInfo(cb: (info: IrInfo) => void): Unsubscribe;
  /** The host's bypass state. Not part of `RigTransport`. */
  onBypass(cb: (on: boolean) => void): Unsubscribe;
  /** Handles one `HostToUi` JSON text (what `window.__namRigBridge.receive` calls). */
  receive(json: string): void;
  /** Removes the global. */
  dispose(): void;
}

export interface BridgeTransportOptions {
  /** Delivers one `bridge://` URL to the host (default: an iframe sender on `document`). */
  readonly send?: (url: string) => void;
  /** Called when the host has taken everything sent so far (default: the iframe sender's). */
  readonly settle?: () => void;
  /** How long to wait for the host's turn before sending again, ms (default 1000). */
  readonly retryMs?: number;
  /** The object the bridge global is installed on (default: `globalThis`); `null`: install none. */
  readonly scope?: Record<string, unknown> | null;
  /** Longest URL, in characters (default `DEFAULT_MAX_URL_LENGTH`). */
  readonly maxUrlLength?: number;
  /** Session id (default: a random one). */
  readonly session?: string;
}

const qualifiedId = z.string().regex(/^[a-z][a-zA-Z0-9]*\.[a-z][a-zA-Z0-9]*$/) as unknown as z.ZodType<QualifiedId>;
const finite = z.number().finite();
const modelInfo = z.object({
  name: z.string(),
  fileName: z.string(),
  gearMake: z.string().optional(),
  gearModel: z.string().optional(),
  gearType: z.string().optional(),
  toneType: z.string().optional(),
  modeledBy: z.string().optional(),
  sampleRate: finite,
  sampleRateGiven: z.boolean(),
  loudness: finite.optional(),
  architecture: z.string(),
  weights: finite,
  version: z.string(),
});
const irInfo = z.object({ name: z.string(), sampleRate: finite, length: finite, channels: finite });
const errorSource = z.enum(['model', 'ir', 'param', 'engine']);

/** The `HostToUi` messages, checked before they reach the UI. */
export const hostToUiSchema: z.ZodType<HostToUi> = z.discriminatedUnion('type', [
  z.object({ type: z.literal('param'), id: qualifiedId, value: finite }),
  z.object({ type: z.literal('modelInfo'), info: modelInfo }),
  z.object({ type: z.literal('irInfo'), info: irInfo }),
  z.object({ type: z.literal('bypass'), on: z.boolean() }),
  z.object({ type: z.literal('meters'), in: finite, out: finite }),
  z.object({ type: z.literal('error'), error: z.object({ source: errorSource, message: z.string() }) }),
]) as unknown as z.ZodType<HostToUi>;

/** Float32 samples → base64 of their little-endian bytes (the `ir` message's `samples`). */
export function encodeFloat32Base64(samples: Float32Array): string {
  const bytes = new Uint8Array(samples.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < samples.length; i++) view.setFloat32(i * 4, samples[i] as number, true);
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

export interface IframeSender {
  readonly send: (url: string) => void;
  /** Removes the frames sent so far (the host has decided on their navigations). */
  readonly settle: () => void;
}

/**
 * Sends URLs by navigating hidden iframes, one per URL, appended in order (plain `location`
 * assignments in one tick coalesce into the last one; iframe navigations all reach the host, in
 * order). The frames have no `name` (JUCE only reports navigations of unnamed frames).
 */
export function createIframeSender(doc: Document): IframeSender {
  let frames: HTMLIFrameElement[] = [];
  return {
    send(url) {
      const frame = doc.createElement('iframe');
      frame.style.display = 'none';
      frame.setAttribute('aria-hidden', 'true');
      frame.src = url;
      (doc.body ?? doc.documentElement).appendChild(frame);
      frames.push(frame);
    },
    settle() {
      for (const f of frames) f.remove();
      frames = [];
    },
  };
}

export function createBridgeTransport(options: BridgeTransportOptions = {}): BridgeTransport {
  const iframes = options.send ? null : createIframeSender(document);
  const scope = options.scope === undefined ? (globalThis as unknown as Record<string, unknown>) : options.scope;
  const session = options.session ?? newSessionId();
  const outbox = new BridgeOutbox({
    send: options.send ?? (iframes as IframeSender).send,
    settle: options.settle ?? iframes?.settle,
    session,
    maxUrlLength: options.maxUrlLength ?? DEFAULT_MAX_URL_LENGTH,
    ...(options.retryMs !== undefined ? { retryMs: options.retryMs } : {}),
  });

  let connected = false;
  const connectSoon = (): void => {
    if (connected) return;
    connected = true;
    queueMicrotask(() => {
      const inbox = scope?.[BRIDGE_INBOX_GLOBAL];
      if (scope && Array.isArray(inbox)) {
        delete scope[BRIDGE_INBOX_GLOBAL];
        inbox.forEach((json) => receive(String(json)));
      }
      post({ type: 'hello' });
      outbox.start();
    });
  };
  const channel = <A extends unknown[]>() => {
    const listeners = new Set<(...args: A) => void>();
    return {
      add(cb: (...args: A) => void): Unsubscribe {
        listeners.add(cb);
        connectSoon();
        return () => listeners.delete(cb);
      },
      emit(...args: A): void {
        for (const cb of [...listeners]) cb(...args);
      },
    };
  };
  const meters = channel<[MeterReading]>();
  const errors = channel<[TransportError]>();
  const models = channel<[ModelInfo]>();
  const irs = channel<[IrInfo]>();
  const params = channel<[QualifiedId, number]>();
  const bypasses = channel<[boolean]>();

  const post = (message: UiToHost): void => outbox.post(JSON.stringify(message));

  const dispatch = (m: HostToUi): void => {
    switch (m.type) {
      case 'param':
        return params.emit(m.id, m.value);
      case 'modelInfo':
        return models.emit(m.info);
      case 'irInfo':
        return irs.emit(m.info);
      case 'bypass':
        return bypasses.emit(m.on);
      case 'meters':
        return meters.emit({ in: m.in, out: m.out });
      case 'error':
        return errors.emit(m.error);
    }
  };

  const receive = (json: string): void => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(json);
    } catch (e) {
      errors.emit({ source: 'engine', message: oneLine(e, 'The host sent a message that is not JSON') });
      return;
    }
    const checked = hostToUiSchema.safeParse(parsed);
    if (!checked.success) {
      const type = typeof parsed === 'object' && parsed !== null && 'type' in parsed ? String((parsed as { type: unknown }).type) : '?';
      errors.emit({ source: 'engine', message: oneLine(checked.error.issues[0]?.message ?? 'invalid', `The host sent a malformed "${type}" message`) });
      return;
    }
    dispatch(checked.data);
  };

  const global: BridgeGlobal = { receive, turn: (s, ack) => outbox.turn(String(s), Number(ack)) };
  if (scope) scope[BRIDGE_GLOBAL] = global;

  const transport: BridgeTransport = {
    setParam: (id, value) => post({ type: 'param', id, value }),
    loadModel: (text, name) => post({ type: 'model', name, text }),
    loadIr: (samples, sampleRate, name) => post({ type: 'ir', name, sampleRate, samples: encodeFloat32Base64(samples) }),
    setBypass: (on) => post({ type: 'bypass', on }),
    onMeters: meters.add,
    onError: errors.add,
    onModelInfo: models.add,
    onParam: params.add,
    onIrInfo: irs.add,
    onBypass: bypasses.add,
    receive,
    dispose() {
      outbox.stop();
      if (scope && scope[BRIDGE_GLOBAL] === global) delete scope[BRIDGE_GLOBAL];
    },
  };

  return transport;
}
