/**
 * The closed set of errors the preset format, bundles and share links raise.
 *
 * Every error carries a `code` (what kind of problem) and a `path` (where: a JSON path in the preset
 * such as `params.tone.bass`, a zip member such as `model.nam`, or `link`), and its message names both,
 * so one line tells the user what is wrong. Nothing in `src/preset/` lets another error escape for bad
 * input (a raw TypeError would be a bug).
 */
export type PresetErrorCode =
  | 'invalid-json' // the text is not JSON, or not a JSON object
  | 'invalid-preset' // a field is missing, of the wrong type, out of range, too long, or unknown
  | 'unsupported-version' // the preset's version is newer than this build (or not a version at all)
  | 'invalid-model' // an embedded or bundled model fails validation (e.g. wrong weight count)
  | 'invalid-ir' // an embedded or bundled IR fails validation
  | 'corrupt-bundle' // the .namrig file is not a readable zip
  | 'too-large' // more than the unpacked-size limit (zip bombs), or a payload past its limit
  | 'missing-member' // a bundle lacks preset.json, the model or the IR it refers to
  | 'checksum-mismatch' // a model/IR does not hash to its reference, or a link's checksum fails
  | 'missing-resource' // a referenced (not embedded) model/IR was not supplied
  | 'corrupt-link' // a share link is malformed, truncated or tampered with
  | 'link-too-large'; // the preset does not fit in a share link: use a bundle

export class PresetError extends Error {
  readonly code: PresetErrorCode;
  readonly path: string;

  constructor(code: PresetErrorCode, path: string, problem: string) {
    super(path ? `${path}: ${problem}` : problem);
    this.name = 'PresetError';
    this.code = code;
    this.path = path;
  }
}
