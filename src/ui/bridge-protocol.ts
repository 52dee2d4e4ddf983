/**
 * The plugin's UI ⇄ host message protocol: what crosses the WebView bridge, as JSON texts.
 *
 * The plugin's UI is the web app's React build with a `BridgeTransport` (bridge-transport.ts) instead
 * of the worklet transport. Each message is one JSON object. How the text travels is the transport's
 * business (JS → C++: `bridge://` navigations from an iframe queue, chunked when long; C++ → JS:
 * `javascript:` pushes of `window.__namRigBridge.receive(<json>)`), not this module's.
 *
 * In the host, the C++ side only moves these texts (native-host/src/BridgeEndpoint.h): the plugin's
 * graph-side JS (the same RigGraphs the web app runs on its main thread) interprets them.
 */
import type { QualifiedId } from '../dsp/rig/manifest.ts';
import type { IrInfo, ModelInfo, TransportError } from './transport.ts';

/** UI → host. */
export type UiToHost =
  /** The page has loaded and listens: the host answers with its whole state (params, model, IR, bypass). */
  | { readonly type: 'hello' }
  | { readonly type: 'param'; readonly id: QualifiedId; readonly value: number }
  /** A `.nam` file's text. */
  | { readonly type: 'model'; readonly name: string; readonly text: string }
  /** A mono IR; `samples` is base64 of little-endian float32. */
  | { readonly type: 'ir'; readonly name: string; readonly sampleRate: number; readonly samples: string }
  | { readonly type: 'bypass'; readonly on: boolean };

/** Host → UI. */
export type HostToUi =
  /** A parameter's value (after a `hello`, host automation, a restored state). */
  | { readonly type: 'param'; readonly id: QualifiedId; readonly value: number }
  | { readonly type: 'modelInfo'; readonly info: ModelInfo }
  | { readonly type: 'irInfo'; readonly info: IrInfo }
  | { readonly type: 'bypass'; readonly on: boolean }
  /** Linear peaks since the previous reading; pushed at ≤ 30 Hz. */
  | { readonly type: 'meters'; readonly in: number; readonly out: number }
  | { readonly type: 'error'; readonly error: TransportError };

/** The global the host calls into (`javascript:window.__namRigBridge.receive(...)`). */
export const BRIDGE_GLOBAL = '__namRigBridge';

/** The URL scheme of UI → host navigations. */
export const BRIDGE_SCHEME = 'bridge';
