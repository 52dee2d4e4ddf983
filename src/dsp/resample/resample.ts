/**
 * Offline band-limited resampling of a whole signal.
 *
 * The output is aligned with the input: output sample j is the band-limited signal at time
 * j / toRate (the zero-phase kernel needs no delay compensation), and its length is
 * round(input.length * toRate / fromRate). The signal is taken as zero before its start and
 * after its end, so the first and last few milliseconds include the filter's edge response.
 */
import { buildPolyphaseKernel, kernelOutput, type PolyphaseKernel } from './polyphase-kernel.ts';
import { checkRates } from './rates.ts';

/** Resamples `input` from `fromRate` to `toRate` Hz (see the module comment for alignment). */
export function resample(input: Float32Array, fromRate: number, toRate: number): Float32Array {
  checkRates(fromRate, toRate);
  const kernel = buildPolyphaseKernel(fromRate, toRate);
  const outLength = Math.round((input.length * toRate) / fromRate);
  return resampleWithKernel(input, kernel, outLength);
}

function resampleWithKernel(input: Float32Array, kernel: PolyphaseKernel, outLength: number): Float32Array {
  const { left, right, num, den } = kernel;
  // Padded copy: padded[i + left] = input[i], zeros around, so every window is in bounds.
  // The last output sits below input.length, so its window ends before input.length + right.
  const padded = new Float32Array(left + input.length + right + 1);
  padded.set(input, left);
  const out = new Float32Array(outLength);
  let i0 = 0;
  let phase = 0;
  for (let j = 0; j < outLength; j++) {
    out[j] = kernelOutput(kernel, padded, i0, phase); // window starts at i0 - left, i.e. padded[i0]
    phase += num;
    if (phase >= den) {
      const q = Math.floor(phase / den);
      i0 += q;
      phase -= q * den;
    }
  }
  return out;
}
