// One V8 isolate with one context, running one of the engine's bundled scripts (build/engine/*.js),
// plus the process-wide V8 set-up they share. Used by AudioEngine (the audio isolate) and GraphEngine
// (the graph isolate).
//
// V8 is initialised once per process with the flags the audio side needs (measured, see
// native-host/README.md): every wasm function compiled optimised at load (no Liftoff, no tier-up on the
// audio thread) and no memory reducer. The platform and flags are per process; a shipped plugin would
// rather link V8 statically with hidden symbols (native-host/README.md).
//
// Every entry into the isolate goes through a v8::Locker (uncontended in normal use: each isolate has
// one thread using it at a time; the Locker lets the host change that thread, which hosts do).
//
// A thread's Lockers are kept from being "top level". V8 frees a thread's isolate state when its
// top-level Locker ends and starts it afresh at the next one, and that drops the interrupts requested
// in between. Those include the request to install a function that a background compiler finished
// optimising. The audio thread is outside the isolate most of the time, so after a model install, the
// re-optimised code of the model's functions was dropped, and they went on running unoptimised code
// that boxes its doubles (about 12 KB of garbage per block). So, the first time a thread enters, it
// takes a Locker and an Unlocker that are never destroyed (their storage belongs to the JsIsolate).
// Every later Locker of that thread then restores and archives the state instead of freeing it,
// pending interrupts included. This allocates nothing inside V8 after the first entry.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <v8.h>

namespace namrig {

class JsIsolate {
public:
    // Heap sizes for one isolate (0: V8's default).
    struct HeapSizes {
        size_t initialYoungBytes = 0; // both semi-spaces and the new large-object space (3 × a semi-space)
        size_t initialOldBytes = 0;
    };

    // Creates the isolate and context and runs `script` (named `name` in stack traces).
    // Throws std::runtime_error with V8's message when the script fails.
    JsIsolate(const std::string& script, const std::string& name);
    JsIsolate(const std::string& script, const std::string& name, HeapSizes heap);
    ~JsIsolate();

    JsIsolate(const JsIsolate&) = delete;
    JsIsolate& operator=(const JsIsolate&) = delete;

    v8::Isolate* isolate() const { return isolate_; }
    v8::Local<v8::Context> context() const { return context_.Get(isolate_); }

    // Everything needed to call into the isolate from the current thread.
    struct Scope {
        explicit Scope(JsIsolate& js);
        struct KeepThreadState {
            explicit KeepThreadState(JsIsolate& js) { js.keepThreadState(); }
        } keepThreadState;
        v8::Locker locker;
        v8::Isolate::Scope isolateScope;
        v8::HandleScope handles;
        v8::Local<v8::Context> context;
        v8::Context::Scope contextScope;
    };

    // Helpers (call inside a Scope).
    v8::Local<v8::String> str(const std::string& s) const;
    std::string toStdString(v8::Local<v8::Value> v) const;
    v8::Local<v8::Object> global(const char* name) const;
    v8::Local<v8::Function> method(v8::Local<v8::Object> obj, const char* name) const;
    // Calls obj.name(args...); throws std::runtime_error with the JS error's message and stack.
    v8::Local<v8::Value> call(v8::Local<v8::Object> obj, const char* name, int argc, v8::Local<v8::Value>* argv) const;
    std::string describe(const v8::TryCatch& tc) const;

    // Starts the process-wide V8 once (idempotent, thread-safe).
    static void initialiseV8();
    // The scheduling V8's worker threads got (RealtimePlatform::workerPriority; diagnostics).
    static std::string workerPriority();

private:
    // On a thread's first entry: a Locker and an Unlocker that are never destroyed (outside a Scope).
    void keepThreadState() noexcept;
    struct KeptThread {
        alignas(v8::Locker) unsigned char locker[sizeof(v8::Locker)];
        alignas(v8::Unlocker) unsigned char unlocker[sizeof(v8::Unlocker)];
    };
    // Beyond this many threads, a new one gets plain top-level Lockers (the old behaviour).
    static constexpr int maxKeptThreads = 16;
    std::array<KeptThread, maxKeptThreads> keptThreads_{};
    std::atomic<int> threadsKept_{ 0 };
    const uint64_t serial_; // tells this isolate from a later one at the same address
    // Diagnostics (NAMRIG_TOP_LEVEL_LOCKERS set: false): every Locker top level, as before, for A/B runs.
    const bool keepThreadStates_;

    std::unique_ptr<v8::ArrayBuffer::Allocator> allocator_;
    v8::Isolate* isolate_ = nullptr;
    v8::Global<v8::Context> context_;
};

} // namespace namrig
