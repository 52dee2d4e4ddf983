// One group of engine ops from the graph isolate to the audio isolate (src/dsp/engine/native/op-wire.ts):
// JSON text, VFS samples beside it, and whether applying it is heavy (a model build, a VFS entry).
#pragma once

#include <string>
#include <vector>

namespace namrig {

struct WireOps {
    std::string text;
    std::vector<std::vector<float>> resources;
    bool heavy = false;
};

} // namespace namrig
