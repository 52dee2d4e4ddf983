// The graph isolate: the rig's graph side (src/dsp/engine/native/native-rig-graph.ts) in its own V8
// isolate, used from the host's message thread (graph rendering allocates, so it never runs on the
// audio thread). It interprets the UI's bridge messages, keeps parameter values, the model and the IR,
// saves/restores the plugin state and emits op groups (WireOps) for the audio isolate.
//
// All methods may be called from any non-audio thread (a v8::Locker serialises them); they throw
// std::runtime_error with the JS error message when the JS side throws.
#pragma once

#include "JsIsolate.h"
#include "WireOps.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace namrig {

class GraphEngine {
public:
    GraphEngine(const std::string& bundle, double sampleRate);
    ~GraphEngine();

    // Starts over for a fresh audio engine at this rate and largest block (everything becomes one group).
    void prepare(double sampleRate, int maxBlockSize);
    // One answer of the audio engine (AudioEngine::takeEvents).
    void handleAudioEvent(const std::string& json);
    void setParamFromHost(const std::string& id, double value);
    void setBypassFromHost(bool on);
    double param(const std::string& id);
    void handleUiMessage(const std::string& json);
    std::string getState();
    void setState(const std::string& json);

    // The op group emitted since the last call (nullptr when none).
    std::unique_ptr<WireOps> takeOps();
    std::vector<std::string> takeUiMessages();
    // A full garbage collection of the graph isolate (a few ms; e.g. when the editor closes).
    void collectGarbage();

    struct HostChanges {
        std::vector<std::pair<std::string, double>> params;
        int bypass = -1; // -1 unchanged, 0 off, 1 on
    };
    HostChanges takeHostChanges();

private:
    v8::Local<v8::Value> call(const char* name, std::initializer_list<v8::Local<v8::Value>> args);
    JsIsolate js_;
    v8::Global<v8::Object> graph_;
};

} // namespace namrig
