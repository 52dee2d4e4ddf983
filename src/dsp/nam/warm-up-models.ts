/**
 * Tiny models of the architectures whose build runs many JavaScript prewarm steps (LSTM, ConvNet,
 * Linear). A real-time host builds and runs one of each when it starts (`RigAudio.warmUp`), so the
 * first real model of that kind is built by compiled code, not by the interpreter: measured cold, the
 * first ConvNet's prewarm step took 16 ms and the first LSTM's 4.8 ms, several render quanta.
 * Deterministic, made here (weights are small positive sines, so batch-norm variances are valid): nothing is read from disk.
 */
import { parseNam, type NamFile } from './file.ts';
import { lstmWeightCount } from './lstm.ts';
import { convNetWeightCount } from './convnet.ts';
import { ModelBuildJob, type ModelBuildJobOptions } from './model-build-job.ts';

const weights = (n: number, scale: number): number[] => Array.from({ length: n }, (_, i) => Math.fround(scale * Math.abs(Math.sin(1.7 * i + 0.3))));

const model = (architecture: string, config: Record<string, unknown>, count: number): NamFile =>
  parseNam({ version: '0.5.4', architecture, config, weights: weights(count, 0.3), sample_rate: 48000, metadata: { name: `warm-up ${architecture}` } });

/** One small model of each architecture that prewarms by running samples. */
export function warmUpModels(): NamFile[] {
  const lstm = { input_size: 1, hidden_size: 4, num_layers: 2 };
  const convnet = { channels: 4, dilations: [1, 2], batchnorm: true, activation: 'Tanh' };
  return [
    model('LSTM', lstm, lstmWeightCount({ inputSize: 1, hiddenSize: 4, numLayers: 2 })),
    model('ConvNet', convnet, convNetWeightCount({ channels: 4, dilations: [1, 2], batchnorm: true, groups: 1 })),
    model('Linear', { receptive_field: 8, bias: true }, 9),
  ];
}

/**
 * Builds each of `warmUpModels()` the stepped way, with the host's options, runs 64 blocks through it
 * and drops it. Allocates (a few hundred KB, a few ms): call it at start, before audio runs.
 */
export function warmUpModelCode(options: ModelBuildJobOptions): void {
  const block = new Float32Array(options.maxBlockSize ?? 128);
  for (const file of warmUpModels()) {
    const job = new ModelBuildJob(file, options);
    while (!job.finished) job.step();
    const model = job.model;
    if (model === null) continue;
    for (let i = 0; i < 64; i++) {
      block.fill(i % 2 ? 0.1 : -0.1);
      model.process(block, block);
    }
  }
}
