/**
 * The NAM engine's public API: parse a `.nam` file, build a real-time model from it.
 *
 *   const model = createNamModel(parseNam(text), { maxBlockSize: 128, fastTanh: true });
 *   model.process(input, output);
 */
export { parseNam, DEFAULT_SAMPLE_RATE, type NamFile, type NamMetadata } from './file.ts';
export { createNamModel, type NamModel, type NamModelOptions, type KernelChoice } from './model.ts';
export { NamError, type NamErrorCode } from './errors.ts';
export { createDefaultRegistry } from './registry.ts';
export { ArchitectureRegistry, type NamDsp, type ArchitectureBuilder, type BuildInput, type BuildOptions } from './dsp.ts';
