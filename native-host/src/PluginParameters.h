// The plugin's host parameters, made from params.json (generated at build time from the rig registry by
// scripts/build-native-engine.ts, embedded as binary data): one automatable parameter per rig knob,
// with the registry's id (`tone.bass`), range, step and default; on/off knobs are bool parameters and
// enum knobs choice parameters. Values are exchanged in the knobs' own units (dB, 0..10, index).
#pragma once

#include <juce_audio_processors/juce_audio_processors.h>
#include <memory>
#include <vector>

namespace namrig {

// Parses params.json; throws std::runtime_error naming the problem.
std::vector<std::unique_ptr<juce::RangedAudioParameter>> makeRigParameters(const juce::String& paramsJson);

} // namespace namrig
