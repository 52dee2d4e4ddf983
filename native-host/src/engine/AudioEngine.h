// The audio isolate: the rig's audio side (src/dsp/engine/native/native-rig-audio.ts) in its own V8
// isolate, driven block by block from the host's audio thread.
//
// Real-time rules (measured; native-host/README.md):
// - per block: one HandleScope, the block memcpy'd into the engine's JS-owned Float32Arrays (their
//   backing stores are cached once), one call to process(n, bypass); nothing allocated in steady state;
// - op groups from the graph isolate arrive through a lock-free SPSC queue and are applied between
//   blocks by the audio thread (light ones: graph property updates, and model loads, which arrive parsed
//   and are built in bounded steps, one after each block's audio, while the old model plays);
// - a model build's garbage and its steps never share a block: before a step, when the young generation
//   has less than buildStepReserve free, the block scavenges (≈ 0.5–1 ms) and holds the step for the
//   next block (a 4 MB young generation holds a few builds' garbage, so this is rare); the block that
//   decodes a model op holds the build's first step too. Full GCs (the earlier models' objects, every
//   ≈ 20–40 loads) are V8's to schedule: with room in the old generation (JsIsolate's flags) they are
//   incremental, with a ≈ 1 ms final pause (native-host/README.md);
// - heavy groups (an IR: a VFS entry) are applied by the message thread, their graph instructions
//   included (flushOps: the new IR's convolver is built there), while the audio thread is
//   kept out of the isolate by an atomic handshake: the audio thread never waits on a lock; for those few
//   milliseconds its blocks come out silent (or dry when bypassed) — process() returns false. The gap is
//   a soft mute, not a cut: the message thread first asks for a fade-out, which the audio thread applies
//   to its next block (a linear ramp to 0) before it stays out; the first block after the group fades
//   back in. When no block comes within a few periods (the host is not processing, or processes on this
//   same thread), it goes ahead without a fade: nothing was cut, so nothing fades back in;
// - applied groups go back to the message thread through a second queue to be freed there;
// - the engine's answers for the graph isolate (a model loaded or failed, node ids freed by a gc; JSON
//   texts, src/dsp/engine/native/audio-events.ts) are written by the audio thread into preallocated
//   slots that travel through two more SPSC queues (full ones to the message thread, free ones back);
// - meters: the engine writes its input (after the input gain) and output peaks about 30 times a
//   second into a JS-owned Float32Array, which process() reads into atomics (takeMeters).
#pragma once

#include "JsIsolate.h"
#include "SpscQueue.h"
#include "WireOps.h"

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace namrig {

class AudioEngine {
public:
    // Builds the isolate, evaluates the audio bundle and creates the engine for this rate and block size.
    // Throws std::runtime_error when V8 or the bundle fails.
    AudioEngine(const std::string& bundle, double sampleRate, int maxBlockSize);
    ~AudioEngine();

    int maxBlockSize() const { return maxBlockSize_; }
    double sampleRate() const { return sampleRate_; }

    // ---- audio thread ----
    // Renders n (1..maxBlockSize) samples of mono `in` into `out`. False when the engine is unavailable
    // (a heavy group is being applied, or the engine failed): `out` is untouched then.
    bool process(const float* in, float* out, int n, bool bypass) noexcept;

    // ---- message thread ----
    // Hands over one op group (light: queued for the audio thread; heavy: applied now, exclusively).
    // Returns an error text ("" when fine); a failed group leaves the engine playing what it had.
    std::string push(std::unique_ptr<WireOps> ops);
    // Runs a synthetic guitar signal through a scratch rig built from `initial` (this engine's first op
    // group; null skips it), then silent blocks and the meter poll (warmUpMeters: too rare to be optimised
    // while playing), lets V8's background compilers finish, runs more, then collects garbage, so real
    // time starts with compiled code and a clean heap. Call before the first real block.
    void warmUp(const WireOps* initial);
    // The engine's answers since the last call (JSON texts for GraphEngine::handleAudioEvent).
    std::vector<std::string> takeEvents();
    // Input (after the input gain) and output peaks since the last call; false when none arrived.
    bool takeMeters(float& in, float& out);
    double latencySamples();
    std::string kernels();
    // The last error the audio thread met (applying a light group, or a JS exception in process), once.
    std::string takeAudioError();
    // Frees applied groups (call from time to time on the message thread).
    void collectGarbage();

    // The model build step the latest block ran (BUILD_STEPS in native-rig-audio.ts, index + 1; 0: none).
    // Audio thread, after process (diagnostics).
    int lastBuildStep() const noexcept { return buildState_[1]; }
    // Op groups the latest block applied before its audio, and engine answers it queued (diagnostics).
    int lastBlockGroups() const noexcept { return lastBlockGroups_; }
    int lastBlockEvents() const noexcept { return lastBlockEvents_; }

    // The audio isolate's garbage collections so far (any thread; for diagnostics and the engine test).
    struct GcCounts {
        long minor = 0; // scavenges
        long major = 0; // mark-sweep/compact (incremental marking's finalisation included)
    };
    GcCounts gcCounts() const;
    // Bytes in the audio isolate's young generation now (new space and new large objects). Diagnostics,
    // for the engine test's measure of steady-state allocation: call it on the audio thread between
    // blocks (it enters the isolate).
    size_t youngBytesInUse();

private:
    struct Exclusive;
    void applyGroup(WireOps& ops); // inside a JsIsolate::Scope; throws std::runtime_error
    v8::Local<v8::Array> jsResources(const WireOps& ops); // the group's floats as Float32Arrays (inside a Scope)
    int drainQueue(); // by the consumer of toAudio_ of the moment (audio thread, or exclusive holder); groups applied
    void reportAudioError(const char* text) noexcept;
    void takeEventsIntoSlots(int waiting) noexcept; // audio thread, inside a scope
    void readMeters() noexcept; // audio thread

    const double sampleRate_;
    const int maxBlockSize_;
    // Diagnostics (NAMRIG_HEAVY_GROUP_HARD_CUT set): heavy groups cut the audio without the soft mute,
    // as before it existed; the IR-swap test uses it to show its measure sees a cut.
    const bool hardCut_;
    // Diagnostics (NAMRIG_HEAVY_GROUP_HOLD_MS): a heavy group keeps the audio thread out this much longer,
    // as a slow one would (they take ≈ 0.5–3 ms here, so whether one overlaps a block is up to timing).
    const int heavyHoldMs_;
    JsIsolate js_;
    v8::Global<v8::Object> engine_;
    v8::Global<v8::Function> processFn_;
    v8::Global<v8::Function> applyFn_;
    v8::Global<v8::Function> takeEventFn_;
    float* inData_ = nullptr;
    float* outData_ = nullptr;
    const float* metersData_ = nullptr; // [in peak, out peak, sequence number]
    // GC planning around model builds: [build state, last step] (NativeRigAudio.buildState), and the
    // young generation's heap space. A build step needs this much free young space, else the block
    // scavenges and holds the step (collectBeforeBuildStep).
    const int32_t* buildState_ = nullptr;
    int newSpace_ = 0, newLargeObjectSpace_ = 0;
    static constexpr size_t buildStepReserve = 1024 * 1024;
    static JsIsolate::HeapSizes audioHeap();
    bool scavengedLastBlock_ = false; // audio thread
    int lastBlockGroups_ = 0, lastBlockEvents_ = 0; // audio thread
    bool collectBeforeBuildStep() noexcept; // audio thread, inside a scope
    float meterSeq_ = 0.0f; // audio thread
    std::atomic<float> meterIn_{ 0.0f }, meterOut_{ 0.0f };
    std::atomic<bool> metersFresh_{ false };

    struct EventSlot {
        std::vector<char> bytes;
        int size = 0;
    };
    static constexpr int eventSlots = 16;
    static constexpr int eventBytes = 64 * 1024;
    std::vector<std::unique_ptr<EventSlot>> slots_;
    SpscQueue<EventSlot> freeSlots_{ eventSlots }; // message thread → audio thread
    SpscQueue<EventSlot> events_{ eventSlots }; // audio thread → message thread

    static constexpr int queueCapacity = 256;
    SpscQueue<WireOps> toAudio_{ queueCapacity };
    SpscQueue<WireOps> applied_{ queueCapacity };
    int outstanding_ = 0; // groups pushed and not yet freed (message thread)

    // The soft mute around heavy groups: the message thread asks (FadeOutAsked), the audio thread fades
    // its next block out and stays out (FadedOut) until the group is applied (FadeInNext).
    enum Fade : int { Playing = 0, FadeOutAsked = 1, FadedOut = 2, FadeInNext = 3 };
    std::atomic<int> fade_{ Playing };
    void fadeOutBeforeHeavyGroup(); // message thread
    std::atomic<bool> keptOut_{ false }; // a block was faded out or came out silent for a heavy group
    std::atomic<std::chrono::steady_clock::rep> lastBlockAt_{ 0 }; // when the latest block began (audio thread)
    static void ramp(float* out, int n, bool up) noexcept;

    std::atomic<long> gcMinor_{ 0 }, gcMajor_{ 0 };
    static void onGcEnd(v8::Isolate*, v8::GCType type, v8::GCCallbackFlags, void* self);

    std::atomic<bool> exclusive_{ false };
    std::atomic<bool> inProcess_{ false };
    std::atomic<bool> failed_{ false };

    char audioError_[512] = {};
    std::atomic<bool> audioErrorSet_{ false };
};

} // namespace namrig
