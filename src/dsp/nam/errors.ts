/**
 * The closed set of errors the NAM loader and engine raise.
 *
 * Every error carries a `code` (what kind of problem) and a `path` (where in the file, e.g.
 * `config.layers[0].dilations[3]`), and its message names both, so a user reading one line knows
 * what is wrong and where. Nothing in the loader may throw anything else (a raw TypeError is a bug).
 */

export type NamErrorCode =
  | 'invalid-json' // the text is not JSON, or not an object
  | 'unsupported-version' // version outside 0.5.0..0.7.x, or the old 0.4 folder format
  | 'unsupported-architecture' // architecture name unknown
  | 'unsupported-activation' // activation name unknown
  | 'unsupported-feature' // a config feature this engine does not implement
  | 'invalid-config' // a config field is missing, of the wrong type, or out of range
  | 'weight-count' // the weights array is the wrong length
  | 'invalid-weights' // a weight is not a finite number
  | 'too-large' // the config would need more memory or compute than is sane
  | 'invalid-option'; // a bad option passed to createNamModel

export class NamError extends Error {
  readonly code: NamErrorCode;
  readonly path: string;

  constructor(code: NamErrorCode, path: string, problem: string) {
    super(path ? `${path}: ${problem}` : problem);
    this.name = 'NamError';
    this.code = code;
    this.path = path;
  }
}
