/**
 * The one error type the WAV reader and writer raise.
 *
 * Every `WavError` carries a `code` (what kind of problem) and a one-line message that starts with
 * `WAV:` and names the problem, e.g. `WAV: unsupported format tag 0x0002 (ADPCM)`. Nothing in the
 * WAV code may throw anything else on bad input (a raw RangeError or TypeError is a bug).
 */

export type WavErrorCode =
  | 'truncated' // the file ends before a complete header or chunk the reader needs
  | 'not-wav' // the magic is not RIFF/RF64/BW64 + WAVE
  | 'missing-fmt' // no fmt chunk
  | 'missing-data' // no data chunk
  | 'unsupported-format' // a format tag, sub-format or sample width this reader does not decode
  | 'invalid-format' // the fmt chunk is self-contradictory or out of range (0 channels, rate 0, ...)
  | 'invalid-argument' // a bad argument passed to the writer or to mixToMono
  | 'too-large'; // the writer was asked for a file past the 4 GiB RIFF limit

export class WavError extends Error {
  readonly code: WavErrorCode;

  constructor(code: WavErrorCode, problem: string) {
    super(`WAV: ${problem}`);
    this.name = 'WavError';
    this.code = code;
  }
}
