/**
 * Audio input choice for the web app: a live input (microphone or interface) through getUserMedia,
 * or a DI file played in a loop. This module holds the pure parts: the constraints (every browser
 * "voice" processing off, as a guitar signal needs), the one-line messages for the ways getting an
 * input fails, and the device list. The audio graph wiring arrives with the engine.
 */

/** What the user picked as the rig's input. */
export type InputSource =
  | { readonly kind: 'none' }
  | { readonly kind: 'device'; readonly deviceId: string; readonly label: string }
  | { readonly kind: 'file'; readonly name: string; readonly samples: Float32Array; readonly sampleRate: number; readonly loop: boolean; readonly playing: boolean };

/**
 * getUserMedia constraints for a guitar input: no echo cancellation, noise suppression or automatic
 * gain (each would color or pump the signal), audio only; `deviceId` exact when one is chosen.
 */
export function inputConstraints(deviceId?: string): MediaStreamConstraints {
  const audio: MediaTrackConstraints = {
    echoCancellation: false,
    noiseSuppression: false,
    autoGainControl: false,
  };
  if (deviceId) audio.deviceId = { exact: deviceId };
  return { audio, video: false };
}

/** A one-line message for a failed getUserMedia / enumerateDevices. */
export function describeInputError(error: unknown): string {
  const name = error instanceof Error || (typeof error === 'object' && error !== null && 'name' in error) ? String((error as { name: unknown }).name) : '';
  switch (name) {
    case 'NotAllowedError':
    case 'PermissionDeniedError':
      return 'No permission to use the audio input: allow microphone access for this page in the browser, then try again.';
    case 'SecurityError':
      return 'The browser blocks audio input here: open the app over https or from localhost.';
    case 'NotFoundError':
    case 'DevicesNotFoundError':
      return 'No audio input device found: connect a microphone or audio interface, then try again.';
    case 'OverconstrainedError':
      return 'The chosen input device is no longer available: pick another one.';
    case 'NotReadableError':
    case 'TrackStartError':
      return 'The audio input is in use or failed to start: close other apps using it, then try again.';
    case 'AbortError':
      return 'Starting the audio input was interrupted: try again.';
    default: {
      const msg = error instanceof Error ? error.message : String(error);
      return `Could not open the audio input: ${msg.replace(/\s+/g, ' ').trim() || 'unknown error'}`;
    }
  }
}

/** Message when the browser has no getUserMedia at all (plain http, or an old browser). */
export const NO_MEDIA_DEVICES = 'This browser gives no access to audio inputs here: open the app over https or from localhost, or use a DI file.';

export interface InputDevice {
  readonly deviceId: string;
  readonly label: string;
}

/** The audio inputs among enumerated devices, with a label even before permission is granted. */
export function audioInputs(devices: readonly Pick<MediaDeviceInfo, 'kind' | 'deviceId' | 'label'>[]): InputDevice[] {
  return devices
    .filter((d) => d.kind === 'audioinput')
    .map((d, i) => ({ deviceId: d.deviceId, label: d.label || (d.deviceId === 'default' ? 'Default input' : `Input ${i + 1}`) }));
}

/** Minimal view of `navigator.mediaDevices` (so tests can pass a fake). */
export type MediaDevicesLike = Pick<MediaDevices, 'getUserMedia' | 'enumerateDevices'>;

export type OpenInputResult =
  | { readonly ok: true; readonly stream: MediaStream; readonly devices: InputDevice[] }
  | { readonly ok: false; readonly message: string };

/** Asks for the input (which prompts for permission) and then lists the inputs, whose labels need it. */
export async function openInput(media: MediaDevicesLike | undefined, deviceId?: string): Promise<OpenInputResult> {
  if (!media || typeof media.getUserMedia !== 'function') return { ok: false, message: NO_MEDIA_DEVICES };
  try {
    const stream = await media.getUserMedia(inputConstraints(deviceId));
    const devices = audioInputs(await media.enumerateDevices());
    if (devices.length === 0) {
      stream.getTracks().forEach((t) => t.stop());
      return { ok: false, message: describeInputError({ name: 'NotFoundError' }) };
    }
    return { ok: true, stream, devices };
  } catch (e) {
    return { ok: false, message: describeInputError(e) };
  }
}
