/**
 * The architectures this engine runs, by the name a `.nam` file gives (NeuralAmpModelerCore's
 * `get_dsp` factory registry), and the recursive builder used for nested models
 * (`condition_dsp`, container submodels).
 */
import { ArchitectureRegistry, runBuildSteps, type ArchitectureSteps, type BuildInput, type BuildOptions, type NamDsp } from './dsp.ts';
import { ConfigReader } from './config-reader.ts';
import { parseNam, type NamFile } from './file.ts';
import { NamError } from './errors.ts';
import { buildWaveNetSteps } from './wavenet/model.ts';
import { isSlimmableWaveNet, slimWaveNet } from './wavenet/slimmable.ts';
import { buildLstm } from './lstm.ts';
import { buildConvNet } from './convnet.ts';
import { buildLinear } from './linear.ts';
import { buildSlimmableContainer } from './slimmable-container.ts';

export function createDefaultRegistry(): ArchitectureRegistry {
  return new ArchitectureRegistry()
    .registerSteps('WaveNet', function* (input) {
      if (!isSlimmableWaveNet(input.config)) return yield* buildWaveNetSteps(input);
      const slim = slimWaveNet(input.config, input.weights, input.options.slim);
      return yield* buildWaveNetSteps({ ...input, config: new ConfigReader(slim.config, input.config.path), weights: slim.weights });
    })
    .register('LSTM', buildLstm)
    .register('ConvNet', buildConvNet)
    .register('Linear', buildLinear)
    .register('SlimmableContainer', buildSlimmableContainer);
}

/** Nesting deeper than this is refused (a condition_dsp inside a condition_dsp inside …). */
const MAX_NESTING = 8;

/** Builds the DSP for a parsed file, recursing into nested models. */
export function buildDsp(file: NamFile, options: BuildOptions, registry: ArchitectureRegistry, path = '', depth = 0): NamDsp {
  const { steps, input } = builderFor(file, options, registry, path, depth);
  return runBuildSteps(steps(input));
}

/**
 * `buildDsp` in bounded units (see `ArchitectureSteps`): each `next()` runs one unit, the last one
 * returns the DSP. The same allocations in the same order as `buildDsp`. Nested models build in one unit.
 */
export function buildDspSteps(file: NamFile, options: BuildOptions, registry: ArchitectureRegistry): Generator<void, NamDsp, void> {
  const { steps, input } = builderFor(file, options, registry, '', 0);
  return steps(input);
}

function builderFor(file: NamFile, options: BuildOptions, registry: ArchitectureRegistry, path: string, depth: number): { steps: ArchitectureSteps; input: BuildInput } {
  if (depth > MAX_NESTING) throw new NamError('too-large', path, `models are nested more than ${MAX_NESTING} deep`);
  const at = (k: string): string => (path ? `${path}.${k}` : k);
  const steps = registry.getSteps(file.architecture, at('architecture'));
  const input: BuildInput = {
    config: new ConfigReader(file.config, at('config')),
    weights: file.weights,
    options: { ...options, sampleRate: file.sampleRate },
    buildNested: (nam, nestedPath, nestedOptions) => {
      const nested = parseNam(nam, nestedPath);
      if (nested.sampleRate !== file.sampleRate && nested.sampleRateGiven && file.sampleRateGiven) {
        throw new NamError('invalid-config', `${nestedPath}.sample_rate`, `is ${nested.sampleRate} Hz, but the enclosing model runs at ${file.sampleRate} Hz`);
      }
      return buildDsp(nested, nestedOptions, registry, nestedPath, depth + 1);
    },
  };
  return { steps, input };
}
