/**
 * The closed set of errors the rig's manifests and registry raise.
 *
 * Every error carries a `code` (what kind of problem) and a `path` (which block, parameter or flag,
 * e.g. `tone.bass` or `--tone.bass=11`), and its message names both, so one line tells a user or a
 * block author what is wrong and where. Nothing in `src/dsp/rig/` throws anything else.
 */

export type RigErrorCode =
  | 'invalid-manifest' // a block manifest or the chain breaks a rule (duplicate id, default out of range, …)
  | 'unknown-block' // no block with that id
  | 'unknown-param' // no parameter with that id (in the block, or in the whole rig)
  | 'unknown-resource' // a block read a resource slot it does not declare
  | 'bad-value' // a value is not a finite number, or outside the parameter's range, or not one of its options
  | 'bad-flag' // a command-line knob flag is malformed
  | 'missing-sidechain'; // a block that needs its sidechain signal was built without it

export class RigError extends Error {
  readonly code: RigErrorCode;
  readonly path: string;

  constructor(code: RigErrorCode, path: string, problem: string) {
    super(path ? `${path}: ${problem}` : problem);
    this.name = 'RigError';
    this.code = code;
    this.path = path;
  }
}
