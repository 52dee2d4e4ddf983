/**
 * The native plugin build for the tests in test/native: runs native-host/scripts/setup.sh (installs the
 * toolchain if missing, fetches libnode, builds; a no-op build when nothing changed) once per test
 * file and says where the artefacts are.
 *
 * When the toolchain cannot be installed (no apt, no network) outside CI, `skipReason` says why and the
 * tests skip; in CI (CI=true, where .ci/run installs it) a failed build fails the tests instead.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '../..');
export const NATIVE_DIR = join(ROOT, 'native-host');
export const BUILD_DIR = join(NATIVE_DIR, 'build');
export const ARTEFACTS = join(BUILD_DIR, 'NamRig_artefacts', 'Release');
export const VST3_BUNDLE = join(ARTEFACTS, 'VST3', 'NAM Rig.vst3');
export const LV2_BUNDLE = join(ARTEFACTS, 'LV2', 'NAM Rig.lv2');
export const TEST_HOST = join(BUILD_DIR, 'test', 'namrig-test-host_artefacts', 'Release', 'namrig-test-host');
export const ENGINE_TEST = join(BUILD_DIR, 'test', 'namrig-engine-test_artefacts', 'Release', 'namrig-engine-test');
/** The engine bundles the build embeds (esbuild output). */
export const ENGINE_BUNDLES = join(BUILD_DIR, 'engine');

export interface NativeBuild {
  /** Set when the build could not be made outside CI: the tests skip with this reason. */
  skipReason?: string;
  /** The build's log (stdout + stderr). */
  log: string;
}

let cached: NativeBuild | undefined;

export function ensureNativeBuild(): NativeBuild {
  if (cached) return cached;
  const r = spawnSync('bash', [join(NATIVE_DIR, 'scripts', 'setup.sh'), '--tests-only'], { cwd: ROOT, encoding: 'utf8', timeout: 30 * 60_000, env: { ...process.env } });
  const log = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  const built = r.status === 0 && existsSync(VST3_BUNDLE) && existsSync(TEST_HOST) && existsSync(ENGINE_TEST);
  if (built) cached = { log };
  else if (process.env.CI) throw new Error(`the native build failed (status ${r.status}${r.error ? `, ${r.error.message}` : ''}):\n${log.slice(-4000)}`);
  else cached = { log, skipReason: `the native toolchain could not be installed or built here (setup.sh status ${r.status}): ${log.trim().split('\n').slice(-3).join(' | ')}` };
  return cached;
}
