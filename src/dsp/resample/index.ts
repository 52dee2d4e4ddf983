/** Band-limited sample-rate conversion: offline `resample` and the allocation-free `StreamingResampler`. */
export { resample } from './resample.ts';
export { StreamingResampler } from './streaming-resampler.ts';
export { PASSBAND_EDGE, STOPBAND_EDGE } from './polyphase-kernel.ts';
export { MAX_SAMPLE_RATE, MAX_RATE_RATIO, ResampleError } from './rates.ts';
