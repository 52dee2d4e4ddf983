/** Audio input: the getUserMedia constraints and the one-line messages for each failure. */
import { describe, expect, it } from 'vitest';
import { audioInputs, describeInputError, inputConstraints, NO_MEDIA_DEVICES, openInput, type MediaDevicesLike } from '../../src/ui/audio-input.ts';

const domError = (name: string): Error => Object.assign(new Error(`${name} happened`), { name });

describe('audio input', () => {
  it('turns off echo cancellation, noise suppression and auto gain; exact device when chosen', () => {
    expect(inputConstraints()).toEqual({ audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false }, video: false });
    expect(inputConstraints('abc')).toEqual({ audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false, deviceId: { exact: 'abc' } }, video: false });
  });

  it('names each failure plainly', () => {
    expect(describeInputError(domError('NotAllowedError'))).toMatch(/^No permission/);
    expect(describeInputError(domError('NotFoundError'))).toMatch(/^No audio input device found/);
    expect(describeInputError(domError('NotReadableError'))).toMatch(/in use/);
    expect(describeInputError(domError('OverconstrainedError'))).toMatch(/no longer available/);
    expect(describeInputError(domError('SecurityError'))).toMatch(/https/);
    expect(describeInputError(new Error('weird\nthing'))).toBe('Could not open the audio input: weird thing');
  });

  it('lists audio inputs only, with fallback labels', () => {
    const list = audioInputs([
      { kind: 'audioinput', deviceId: 'default', label: '' },
      { kind: 'videoinput', deviceId: 'cam', label: 'Cam' },
      { kind: 'audioinput', deviceId: 'x', label: 'Interface' },
      { kind: 'audiooutput', deviceId: 'o', label: 'Out' },
    ]);
    expect(list).toEqual([
      { deviceId: 'default', label: 'Default input' },
      { deviceId: 'x', label: 'Interface' },
    ]);
  });

  it('openInput: no mediaDevices, denied, no device, and success', async () => {
    expect(await openInput(undefined)).toEqual({ ok: false, message: NO_MEDIA_DEVICES });
    const stopped: string[] = [];
    const stream = { getTracks: () => [{ stop: () => stopped.push('t') }] } as unknown as MediaStream;
    const media = (devices: MediaDeviceInfo[], fail?: string): MediaDevicesLike & { asked: unknown[] } => {
      const asked: unknown[] = [];
      return {
        asked,
        getUserMedia: async (c?: MediaStreamConstraints) => {
          asked.push(c);
          if (fail) throw domError(fail);
          return stream;
        },
        enumerateDevices: async () => devices,
      };
    };
    const denied = await openInput(media([], 'NotAllowedError'));
    expect(denied.ok).toBe(false);
    if (!denied.ok) expect(denied.message).toMatch(/^No permission/);
    const none = await openInput(media([]));
    expect(none.ok).toBe(false);
    if (!none.ok) expect(none.message).toMatch(/^No audio input device/);
    expect(stopped).toEqual(['t']);
    const m = media([{ kind: 'audioinput', deviceId: 'x', label: 'Interface', groupId: '', toJSON: () => ({}) }]);
    const ok = await openInput(m, 'x');
    expect(ok).toMatchObject({ ok: true, devices: [{ deviceId: 'x', label: 'Interface' }] });
    expect(m.asked).toEqual([inputConstraints('x')]);
  });
});
