/**
 * SlimmableContainer (NeuralAmpModelerCore `container::ContainerModel`): several full models of
 * increasing size, of which one plays.
 *
 *   config = { submodels: [{ max_value, model: <full .nam object> }, …] }   (ascending max_value, last ≥ 1)
 *   active = the first submodel with slim < max_value, else the last one
 *
 * The top-level `weights` is empty. Only the active submodel is built, so a container costs what
 * its chosen model costs. Its prewarm is the active submodel's.
 */
import type { ArchitectureBuilder, NamDsp } from './dsp.ts';
import { ConfigReader } from './config-reader.ts';
import { NamError } from './errors.ts';

export const buildSlimmableContainer: ArchitectureBuilder = ({ config, weights, options, buildNested }): NamDsp => {
  if (weights.length !== 0) throw new NamError('weight-count', 'weights', `a SlimmableContainer has no weights of its own, the file has ${weights.length}`);
  const subs = config.array('submodels');
  if (subs.length === 0) config.fail('submodels', 'must list at least one submodel');
  let previous = -Infinity;
  const maxValues = subs.map((s, i) => {
    const r = ConfigReader.of(s, `${config.at('submodels')}[${i}]`);
    const v = r.number('max_value');
    if (v <= previous) r.fail('max_value', 'submodels must be sorted by ascending max_value');
    previous = v;
    return v;
  });
  if (maxValues[maxValues.length - 1]! < 1) config.fail('submodels', 'the last submodel needs max_value >= 1');
  const active = activeSubmodelIndex(maxValues, options.slim);
  const path = `${config.at('submodels')}[${active}].model`;
  const model = ConfigReader.of(subs[active], `${config.at('submodels')}[${active}]`).raw('model');
  const dsp = buildNested(model, path, options);
  if (dsp.numInputChannels !== 1 || dsp.numOutputChannels !== 1) throw new NamError('unsupported-feature', path, 'container submodels must be mono in, mono out');
  return dsp;
};

/** Which submodel index a slim value selects (exported for the UI's slim control). */
export function activeSubmodelIndex(maxValues: readonly number[], slim: number): number {
  for (let i = 0; i < maxValues.length; i++) if (slim < maxValues[i]!) return i;
  return maxValues.length - 1;
}
