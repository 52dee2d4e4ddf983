/**
 * The `nam-rig` command line: dispatches sub-commands and maps failures to exit codes
 * (0 success, 2 bad input or usage with one clear line on stderr, 1 internal error).
 */
import { NamError } from '../dsp/nam/index.ts';
import { WavError } from '../dsp/io/wav-error.ts';
import { ResampleError } from '../dsp/resample/index.ts';
import { UsageError } from './args.ts';
import { demoCommand } from './demo-command.ts';
import { RENDER_USAGE, renderCommand } from './render-command.ts';
import { PRESET_USAGE, presetCommand } from './preset-command.ts';
import { PresetError } from '../preset/errors.ts';

const USAGE = ['usage: nam-rig <command> [options]', '', 'commands:', `  render   ${RENDER_USAGE.replace('usage: nam-rig render ', '')}`, '  demo     synthesise a DI clip and render it through the default model (npm start)', `  preset   ${PRESET_USAGE.replace(/^usage: nam-rig preset /, '').replace(/\n\s+nam-rig preset /g, '\n           ')}`].join('\n');

/** File-system errors caused by the user's paths count as bad input. */
function isUserFileError(e: unknown): e is NodeJS.ErrnoException {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  return typeof code === 'string' && ['ENOENT', 'EISDIR', 'ENOTDIR', 'EACCES', 'EPERM', 'EROFS', 'ENAMETOOLONG'].includes(code);
}

/**
 * An asynchronous command (presets hash with `crypto.subtle`): `runCli` returns 0 at once and
 * `process.exitCode` is set when the command settles (the caller's assignment runs first).
 */
function settleLater(run: Promise<void>): number {
  run.then(
    () => void (process.exitCode = 0),
    (e: unknown) => void (process.exitCode = reportError(e)),
  );
  return 0;
}

export function runCli(argv: readonly string[]): number {
  const log = (line: string): void => void process.stdout.write(line + '\n');
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'render': {
        const pending = renderCommand(rest, log);
        return pending ? settleLater(pending) : 0;
      }
      case 'preset':
        return settleLater(presetCommand(rest, log));
      case 'demo':
        demoCommand(rest, log);
        return 0;
      case undefined:
      case '--help':
      case '-h':
      case 'help':
        log(USAGE);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command "${command}"\n${USAGE}`);
    }
  } catch (e) {
    return reportError(e);
  }
}

/** One line on stderr; 2 for bad input or usage, 1 for an internal error. */
function reportError(e: unknown): number {
  if (e instanceof UsageError || e instanceof PresetError || e instanceof NamError || e instanceof WavError || e instanceof ResampleError) {
    process.stderr.write(`nam-rig: ${e.message}\n`);
    return 2;
  }
  if (isUserFileError(e)) {
    process.stderr.write(`nam-rig: cannot ${e.syscall ?? 'open'} ${e.path ?? 'file'}: ${e.code}\n`);
    return 2;
  }
  process.stderr.write(`nam-rig: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  return 1;
}
