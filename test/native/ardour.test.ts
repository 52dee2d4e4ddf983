/**
 * Ardour 7 (Debian) loads the built VST3: its VST3 scanner indexes the bundle, and `ardour7-lua` with the
 * Dummy backend creates a session, adds the plugin to a mono track, sets a knob through Ardour's
 * parameter API and runs the engine with the plugin active.
 * HOME is a temporary directory holding ~/.vst3/NAM Rig.vst3 (a link to the build), so the user's Ardour
 * configuration and plugin cache are not touched.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { runAsync } from '../helpers/run-async.ts';
import { existsSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureNativeBuild, VST3_BUNDLE } from './native-build.ts';

const SCANNER = '/usr/lib/ardour7/ardour-vst3-scanner';
const LUA = '/usr/bin/ardour7-lua';
const build = ensureNativeBuild();
const reason = build.skipReason ?? (existsSync(SCANNER) && existsSync(LUA) ? undefined : 'Ardour 7 is not installed (native-host/scripts/setup.sh installs it)');

const home = mkdtempSync(join(tmpdir(), 'nam-rig-ardour-'));
const bundle = join(home, '.vst3', 'NAM Rig.vst3');
const env = { ...process.env, HOME: home, XDG_CONFIG_HOME: join(home, '.config'), XDG_CACHE_HOME: join(home, '.cache'), LD_LIBRARY_PATH: '/usr/lib/ardour7' };

describe.skipIf(reason !== undefined)(`Ardour 7${reason ? ` (skipped: ${reason})` : ''}`, () => {
  it('indexes the VST3 with its scanner', () => {
    mkdirSync(join(home, '.vst3'), { recursive: true });
    if (!existsSync(bundle)) symlinkSync(VST3_BUNDLE, bundle);
    const r = spawnSync(SCANNER, ['-f', '-v', bundle], { encoding: 'utf8', env, timeout: 120_000 });
    const out = `${r.stdout}${r.stderr}`;
    expect(r.status, out).toBe(0);
    expect(out).toMatch(/NAM Rig/);
  }, 180_000);

  it('loads the plugin on a track with the Dummy backend and sets a knob (ardour7-lua)', async () => {
    const script = join(home, 'load.lua');
    writeFileSync(
      script,
      `
AudioEngine:set_backend("None (Dummy)", "", "")
AudioEngine:set_device_name("Sine Wave")
AudioEngine:set_sample_rate(48000)
AudioEngine:set_buffer_size(256)
assert(AudioEngine:start(false) == 0, "engine did not start")
local s = create_session("${home}/session", "nam-rig-test", 48000)
assert(s, "no session")
local tracks = s:new_audio_track(1, 2, nil, 1, "Guitar", ARDOUR.PresentationInfo.max_order, ARDOUR.TrackMode.Normal, true)
local track = tracks:front()
local p = ARDOUR.LuaAPI.new_plugin(s, "NAM Rig", ARDOUR.PluginType.VST3, "")
assert(not p:isnil(), "NAM Rig (VST3) not found")
assert(track:add_processor_by_index(p, 0, nil, true) == 0, "could not add the plugin")
local pi = p:to_insert()
local n = pi:plugin(0):parameter_count()
print("nam-rig parameters:", n)
local ok = ARDOUR.LuaAPI.set_processor_param(p, 6, 7.5)
print("set knob:", ok)
p:activate()
ARDOUR.LuaAPI.usleep(1500000)
print("plugin:", pi:plugin(0):name(), "active:", p:active())
s:save_state("", false, false, false, false, false)
close_session()
AudioEngine:stop(false)
print("done")
`,
    );
    const r = await runAsync('xvfb-run', ['-a', LUA, script], { env, timeout: 240_000 });
    const out = `${r.stdout}${r.stderr}`;
    expect(out, out.slice(-3000)).toMatch(/plugin:\s+NAM Rig\s+active:\s+true/);
    expect(out).toMatch(/nam-rig parameters:\s+1[0-9]/);
    expect(out).toMatch(/\ndone/);
  }, 300_000);
});
