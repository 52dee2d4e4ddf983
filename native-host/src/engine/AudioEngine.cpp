// See AudioEngine.h.
#include "AudioEngine.h"
#include "RealtimePlatform.h"

#include <v8-profiler.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <cstring>
#include <stdexcept>
#include <thread>

namespace namrig {

namespace {
// The data of the typed array `owner[name]` the engine owns; `isKind` checks its kind, `kind` names it.
char* typedArrayData(v8::Isolate* isolate, v8::Local<v8::Context> ctx, v8::Local<v8::Object> owner, const char* name,
                     bool (v8::Value::*isKind)() const, const char* kind)
{
    auto v = owner->Get(ctx, v8::String::NewFromUtf8(isolate, name).ToLocalChecked()).ToLocalChecked();
    if (!((*v)->*isKind)()) throw std::runtime_error(std::string("the audio engine's ") + name + " is not " + kind);
    auto array = v.As<v8::TypedArray>();
    return static_cast<char*>(array->Buffer()->GetBackingStore()->Data()) + array->ByteOffset();
}

float* float32ArrayData(v8::Isolate* isolate, v8::Local<v8::Context> ctx, v8::Local<v8::Object> owner, const char* name)
{
    return reinterpret_cast<float*>(typedArrayData(isolate, ctx, owner, name, &v8::Value::IsFloat32Array, "a Float32Array"));
}

int heapSpaceIndex(v8::Isolate* isolate, const char* name)
{
    for (size_t i = 0; i < isolate->NumberOfHeapSpaces(); ++i) {
        v8::HeapSpaceStatistics s;
        if (isolate->GetHeapSpaceStatistics(&s, i) && std::strcmp(s.space_name(), name) == 0) return static_cast<int>(i);
    }
    throw std::runtime_error(std::string("V8 has no heap space named ") + name);
}
} // namespace

// The audio isolate's heap (the graph isolate keeps V8's defaults): a 4 MB semi-space holds a few model
// builds' garbage, so the scavenges planned around build steps are rare; a 64 MB initial old generation
// leaves V8 room to collect the earlier models' objects with concurrent, incremental marking (≈ 1 ms final
// pause) instead of an atomic full GC (2–4 ms) when a build's allocation hits the limit. The heap itself
// stays ≈ 5–11 MB.
JsIsolate::HeapSizes AudioEngine::audioHeap()
{
    JsIsolate::HeapSizes heap;
    heap.initialYoungBytes = 3 * 4 * 1024 * 1024;
    heap.initialOldBytes = 64 * 1024 * 1024;
    return heap;
}

// Keeps the audio thread out of the isolate for its lifetime (message thread side of the handshake).
struct AudioEngine::Exclusive {
    explicit Exclusive(AudioEngine& e) : engine(e)
    {
        engine.exclusive_.store(true, std::memory_order_seq_cst);
        // At most one block: process() checks the flag right after announcing itself.
        while (engine.inProcess_.load(std::memory_order_seq_cst)) std::this_thread::yield();
    }
    ~Exclusive() { engine.exclusive_.store(false, std::memory_order_seq_cst); }
    AudioEngine& engine;
};

AudioEngine::AudioEngine(const std::string& bundle, double sampleRate, int maxBlockSize)
    : sampleRate_(sampleRate), maxBlockSize_(maxBlockSize), hardCut_(std::getenv("NAMRIG_HEAVY_GROUP_HARD_CUT") != nullptr),
      heavyHoldMs_(std::getenv("NAMRIG_HEAVY_GROUP_HOLD_MS") != nullptr ? std::atoi(std::getenv("NAMRIG_HEAVY_GROUP_HOLD_MS")) : 0), js_(bundle, "nam-rig-audio.js", audioHeap())
{
    JsIsolate::Scope scope(js_);
    auto* isolate = js_.isolate();
    v8::Local<v8::Value> args[] = { v8::Number::New(isolate, sampleRate), v8::Integer::New(isolate, maxBlockSize) };
    auto engine = js_.call(js_.global("namRigAudio"), "create", 2, args);
    if (!engine->IsObject()) throw std::runtime_error("namRigAudio.create did not return an engine");
    auto obj = engine.As<v8::Object>();
    engine_.Reset(isolate, obj);
    processFn_.Reset(isolate, js_.method(obj, "process"));
    applyFn_.Reset(isolate, js_.method(obj, "apply"));
    takeEventFn_.Reset(isolate, js_.method(obj, "takeEvent"));
    inData_ = float32ArrayData(isolate, scope.context, obj, "input");
    outData_ = float32ArrayData(isolate, scope.context, obj, "output");
    metersData_ = float32ArrayData(isolate, scope.context, obj, "meters");
    buildState_ = reinterpret_cast<const int32_t*>(typedArrayData(isolate, scope.context, obj, "buildState", &v8::Value::IsInt32Array, "an Int32Array"));
    newSpace_ = heapSpaceIndex(isolate, "new_space");
    newLargeObjectSpace_ = heapSpaceIndex(isolate, "new_large_object_space");
    const auto collections = static_cast<v8::GCType>(v8::kGCTypeScavenge | v8::kGCTypeMinorMarkCompact | v8::kGCTypeMarkSweepCompact);
    isolate->AddGCEpilogueCallback(onGcEnd, this, collections);
    for (int i = 0; i < eventSlots; ++i) {
        slots_.push_back(std::make_unique<EventSlot>());
        slots_.back()->bytes.resize(eventBytes);
        freeSlots_.push(slots_.back().get());
    }
}

namespace {
// Diagnostics (NAMRIG_HEAP_PROFILE=1): where the audio isolate allocates after warm-up, printed to stderr.
void printAllocationProfile(v8::Isolate* isolate)
{
    auto* heap = isolate->GetHeapProfiler();
    std::unique_ptr<v8::AllocationProfile> profile(heap->GetAllocationProfile());
    heap->StopSamplingHeapProfiler();
    if (!profile) return;
    std::map<std::string, size_t> totals;
    std::vector<std::string> stack;
    auto walk = [&](auto&& self, v8::AllocationProfile::Node* node) -> void {
        v8::String::Utf8Value name(isolate, node->name);
        v8::String::Utf8Value script(isolate, node->script_name);
        std::string frame = std::string(*name && **name ? *name : "(anon)") + " " + (*script ? *script : "") + ":" + std::to_string(node->line_number);
        stack.push_back(frame);
        size_t bytes = 0;
        for (const auto& a : node->allocations) bytes += a.size * a.count;
        if (bytes > 0) {
            std::string key;
            for (size_t i = stack.size(); i > 0 && stack.size() - i < 4; --i) key += (key.empty() ? "" : " <- ") + stack[i - 1];
            totals[key] += bytes;
        }
        for (auto* child : node->children) self(self, child);
        stack.pop_back();
    };
    walk(walk, profile->GetRootNode());
    std::vector<std::pair<std::string, size_t>> sorted(totals.begin(), totals.end());
    std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
    std::fprintf(stderr, "[nam-rig] audio isolate allocations after warm-up (sampled):\n");
    for (size_t i = 0; i < std::min<size_t>(15, sorted.size()); ++i) std::fprintf(stderr, "  %8zu B  %s\n", sorted[i].second, sorted[i].first.c_str());
}
} // namespace

AudioEngine::~AudioEngine()
{
    {
        Exclusive ex(*this);
        JsIsolate::Scope scope(js_);
        if (std::getenv("NAMRIG_HEAP_PROFILE") != nullptr) printAllocationProfile(js_.isolate());
        engine_.Reset();
        processFn_.Reset();
        applyFn_.Reset();
        takeEventFn_.Reset();
        while (auto* g = toAudio_.pop()) delete g;
    }
    while (auto* g = applied_.pop()) delete g;
}

bool AudioEngine::process(const float* in, float* out, int n, bool bypass) noexcept
{
    inProcess_.store(true, std::memory_order_seq_cst);
    lastBlockAt_.store(std::chrono::steady_clock::now().time_since_epoch().count(), std::memory_order_relaxed);
    const int fade = fade_.load(std::memory_order_acquire);
    if (exclusive_.load(std::memory_order_seq_cst) || fade == FadedOut) {
        keptOut_.store(true, std::memory_order_relaxed);
        inProcess_.store(false, std::memory_order_seq_cst);
        return false;
    }
    if (failed_.load(std::memory_order_relaxed) || n < 1 || n > maxBlockSize_) {
        inProcess_.store(false, std::memory_order_seq_cst);
        return false;
    }
    bool ok = true;
    {
        // GC work V8 does in this block runs on this thread alone, never waiting on its worker threads
        // (RealtimePlatform).
        RealtimePlatform::RealtimeThreadScope realtime;
        JsIsolate::Scope scope(js_);
        const bool applied = toAudio_.size() > 0;
        lastBlockGroups_ = applied ? drainQueue() : 0;
        lastBlockEvents_ = 0;
        std::memcpy(inData_, in, sizeof(float) * static_cast<size_t>(n));
        auto* isolate = js_.isolate();
        // A build begun by an op decoded in this block takes its first step (and any scavenge before it)
        // in the next one.
        const bool holdBuild = (applied && buildState_[0] == 2) || collectBeforeBuildStep();
        v8::TryCatch tc(isolate);
        v8::Local<v8::Value> args[] = { v8::Integer::New(isolate, n), v8::Boolean::New(isolate, bypass), v8::Boolean::New(isolate, holdBuild) };
        v8::Local<v8::Value> result;
        if (!processFn_.Get(isolate)->Call(scope.context, engine_.Get(isolate), 3, args).ToLocal(&result)) {
            failed_.store(true);
            reportAudioError(js_.describe(tc).c_str());
            ok = false;
        } else {
            std::memcpy(out, outData_, sizeof(float) * static_cast<size_t>(n));
            // compare-exchange: the message thread may have moved on meanwhile (timed out, or asked again).
            int expected = fade;
            if (fade == FadeOutAsked) {
                ramp(out, n, false);
                keptOut_.store(true, std::memory_order_relaxed);
                fade_.compare_exchange_strong(expected, FadedOut, std::memory_order_acq_rel);
            } else if (fade == FadeInNext) {
                ramp(out, n, true);
                fade_.compare_exchange_strong(expected, Playing, std::memory_order_acq_rel);
            }
            readMeters();
            if (result->IsInt32() && result.As<v8::Int32>()->Value() > 0) {
                lastBlockEvents_ = result.As<v8::Int32>()->Value();
                takeEventsIntoSlots(lastBlockEvents_);
            }
        }
    }
    inProcess_.store(false, std::memory_order_seq_cst);
    return ok;
}

bool AudioEngine::collectBeforeBuildStep() noexcept
{
    // At most one held block per scavenge: the step after it runs whatever the young generation holds
    // (a young generation smaller than the reserve must not stall the build).
    const bool scavengedLast = scavengedLastBlock_;
    scavengedLastBlock_ = false;
    if (buildState_[0] == 0 || scavengedLast) return false;
    v8::HeapSpaceStatistics young;
    if (!js_.isolate()->GetHeapSpaceStatistics(&young, static_cast<size_t>(newSpace_)) || young.space_available_size() >= buildStepReserve) return false;
    js_.isolate()->RequestGarbageCollectionForTesting(v8::Isolate::kMinorGarbageCollection);
    scavengedLastBlock_ = true;
    return true;
}

void AudioEngine::ramp(float* out, int n, bool up) noexcept
{
    // Linear, ending at 0 (down) or starting from 1/n (up), so the fade-out's last sample is silent.
    for (int i = 0; i < n; ++i) {
        const float g = static_cast<float>(i + 1) / static_cast<float>(n);
        out[i] *= up ? g : 1.0f - g;
    }
}

void AudioEngine::fadeOutBeforeHeavyGroup()
{
    keptOut_.store(false, std::memory_order_relaxed);
    const auto period = std::chrono::microseconds(static_cast<long>(1e6 * maxBlockSize_ / sampleRate_));
    const auto now = std::chrono::steady_clock::now();
    const auto last = std::chrono::steady_clock::time_point(std::chrono::steady_clock::duration(lastBlockAt_.load(std::memory_order_relaxed)));
    // No block in the last two periods: the host is not processing now (or only on this thread), so there
    // is nothing to fade.
    if (now - last > 2 * period) return;
    fade_.store(FadeOutAsked, std::memory_order_release);
    // The next block comes within a period; some hosts hold their audio thread while the state is set
    // (JUCE's VST3 hosting), so the wait is short and the group goes ahead without a fade then.
    const auto limit = now + period + period / 2 + std::chrono::milliseconds(2);
    while (fade_.load(std::memory_order_acquire) == FadeOutAsked && std::chrono::steady_clock::now() < limit)
        std::this_thread::sleep_for(std::chrono::microseconds(200));
    // Either the audio thread faded out or it did not come: from here on it stays out. (A block that read
    // FadeOutAsked just before the timeout still ramps down and sets keptOut_: push() reads keptOut_ only
    // once Exclusive has waited that block out.)
    fade_.store(FadedOut, std::memory_order_release);
}

void AudioEngine::readMeters() noexcept
{
    if (metersData_[2] == meterSeq_) return;
    meterSeq_ = metersData_[2];
    meterIn_.store(std::max(meterIn_.load(std::memory_order_relaxed), metersData_[0]), std::memory_order_relaxed);
    meterOut_.store(std::max(meterOut_.load(std::memory_order_relaxed), metersData_[1]), std::memory_order_relaxed);
    metersFresh_.store(true, std::memory_order_release);
}

bool AudioEngine::takeMeters(float& in, float& out)
{
    if (!metersFresh_.exchange(false, std::memory_order_acquire)) return false;
    in = meterIn_.exchange(0.0f, std::memory_order_relaxed);
    out = meterOut_.exchange(0.0f, std::memory_order_relaxed);
    return true;
}

void AudioEngine::takeEventsIntoSlots(int waiting) noexcept
{
    auto* isolate = js_.isolate();
    auto ctx = js_.context();
    for (; waiting > 0; --waiting) {
        auto* slot = freeSlots_.pop();
        if (slot == nullptr) return; // all slots wait for the message thread: the rest stay queued in JS
        v8::TryCatch tc(isolate);
        v8::Local<v8::Value> args[] = { v8::Integer::New(isolate, eventBytes / 4) }; // ≤ 4 UTF-8 bytes per char
        v8::Local<v8::Value> text;
        if (!takeEventFn_.Get(isolate)->Call(ctx, engine_.Get(isolate), 1, args).ToLocal(&text) || !text->IsString()) {
            reportAudioError(tc.HasCaught() ? js_.describe(tc).c_str() : "takeEvent did not return a string");
            freeSlots_.push(slot);
            return;
        }
        slot->size = text.As<v8::String>()->WriteUtf8(isolate, slot->bytes.data(), eventBytes, nullptr, v8::String::NO_NULL_TERMINATION);
        events_.push(slot); // never full: there are only eventSlots slots
    }
}

std::vector<std::string> AudioEngine::takeEvents()
{
    std::vector<std::string> out;
    while (auto* slot = events_.pop()) {
        if (slot->size > 0) out.emplace_back(slot->bytes.data(), static_cast<size_t>(slot->size));
        freeSlots_.push(slot);
    }
    return out;
}

v8::Local<v8::Array> AudioEngine::jsResources(const WireOps& ops)
{
    auto* isolate = js_.isolate();
    auto ctx = js_.context();
    auto resources = v8::Array::New(isolate, static_cast<int>(ops.resources.size()));
    for (size_t i = 0; i < ops.resources.size(); ++i) {
        const auto& r = ops.resources[i];
        auto buffer = v8::ArrayBuffer::New(isolate, r.size() * sizeof(float));
        if (!r.empty()) std::memcpy(buffer->GetBackingStore()->Data(), r.data(), r.size() * sizeof(float));
        resources->Set(ctx, static_cast<uint32_t>(i), v8::Float32Array::New(buffer, 0, r.size())).Check();
    }
    return resources;
}

void AudioEngine::applyGroup(WireOps& ops)
{
    auto* isolate = js_.isolate();
    auto ctx = js_.context();
    v8::Local<v8::Value> args[] = { js_.str(ops.text), jsResources(ops) };
    v8::TryCatch tc(isolate);
    if (applyFn_.Get(isolate)->Call(ctx, engine_.Get(isolate), 2, args).IsEmpty()) throw std::runtime_error(js_.describe(tc));
}

int AudioEngine::drainQueue()
{
    int groups = 0;
    while (auto* group = toAudio_.pop()) {
        ++groups;
        try {
            applyGroup(*group);
        } catch (const std::exception& e) {
            reportAudioError(e.what());
        }
        applied_.push(group); // never full: at most queueCapacity groups are outstanding (push)
    }
    return groups;
}

std::string AudioEngine::push(std::unique_ptr<WireOps> ops)
{
    collectGarbage();
    if (!ops->heavy && outstanding_ < queueCapacity && toAudio_.push(ops.get())) {
        ops.release();
        ++outstanding_;
        return {};
    }
    if (!hardCut_) fadeOutBeforeHeavyGroup();
    std::string error;
    {
        Exclusive ex(*this);
        JsIsolate::Scope scope(js_);
        drainQueue(); // keep the order: everything queued before this group first
        try {
            applyGroup(*ops);
            // Its graph instructions too (a new IR's convolver is built there), while the audio thread
            // is out anyway, rather than in the next block.
            js_.call(engine_.Get(js_.isolate()), "flushOps", 0, nullptr);
        } catch (const std::exception& e) {
            error = e.what();
        }
        if (heavyHoldMs_ > 0) std::this_thread::sleep_for(std::chrono::milliseconds(heavyHoldMs_));
    }
    // Fade back in only if something was cut (a block faded out, or blocks came out silent meanwhile).
    const bool cut = keptOut_.load(std::memory_order_relaxed) && !hardCut_;
    fade_.store(cut ? FadeInNext : Playing, std::memory_order_release);
    return error;
}

void AudioEngine::onGcEnd(v8::Isolate*, v8::GCType type, v8::GCCallbackFlags, void* self)
{
    auto& e = *static_cast<AudioEngine*>(self);
    if (type == v8::kGCTypeScavenge || type == v8::kGCTypeMinorMarkCompact) e.gcMinor_.fetch_add(1, std::memory_order_relaxed);
    else if (type == v8::kGCTypeMarkSweepCompact) e.gcMajor_.fetch_add(1, std::memory_order_relaxed);
}

AudioEngine::GcCounts AudioEngine::gcCounts() const
{
    return { gcMinor_.load(std::memory_order_relaxed), gcMajor_.load(std::memory_order_relaxed) };
}

size_t AudioEngine::youngBytesInUse()
{
    JsIsolate::Scope scope(js_);
    size_t bytes = 0;
    for (int space : { newSpace_, newLargeObjectSpace_ }) {
        v8::HeapSpaceStatistics s;
        if (js_.isolate()->GetHeapSpaceStatistics(&s, static_cast<size_t>(space))) bytes += s.space_used_size();
    }
    return bytes;
}

void AudioEngine::collectGarbage()
{
    while (auto* g = applied_.pop()) {
        delete g;
        --outstanding_;
    }
}

void AudioEngine::warmUp(const WireOps* initial)
{
    std::vector<float> silence(static_cast<size_t>(maxBlockSize_), 0.0f), out(silence.size());
    auto run = [&](int blocks) {
        for (int i = 0; i < blocks; ++i) process(silence.data(), out.data(), maxBlockSize_, false);
    };
    // `work` inside the isolate, with the audio thread kept out.
    auto inIsolate = [&](auto&& work) {
        Exclusive ex(*this);
        JsIsolate::Scope scope(js_);
        work();
    };
    auto callEngine = [&](const char* method) { inIsolate([&] { js_.call(engine_.Get(js_.isolate()), method, 0, nullptr); }); };
    auto collectAll = [&] { inIsolate([&] { js_.isolate()->LowMemoryNotification(); }); };
    // Tiny LSTM, ConvNet and Linear models built in steps and run, so the first real stepped load of
    // those kinds runs compiled code between blocks.
    callEngine("warmUpModels");
    if (initial != nullptr) {
        // Real-signal paths first, on a scratch rig built from the same first op group, so real input
        // finds them compiled (this engine's own state is untouched).
        inIsolate([&] {
            v8::Local<v8::Value> args[] = { v8::Integer::New(js_.isolate(), 1500), js_.str(initial->text), jsResources(*initial) };
            js_.call(engine_.Get(js_.isolate()), "warmUpWithSignal", 3, args);
        });
    }
    // The scratch rig and the warm-up models die here, and V8 deoptimises the code that held their maps;
    // the blocks below compile it again on this engine's own objects, before real time (else it was
    // recompiled in the first real blocks, its installs adding ≈ 1 ms to a block of the first load).
    collectAll();
    run(3000);
    callEngine("warmUpMeters");
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    run(200);
    // This run's garbage only: nothing whose death deoptimises code.
    collectAll();
    if (std::getenv("NAMRIG_HEAP_PROFILE") != nullptr) inIsolate([&] { js_.isolate()->GetHeapProfiler()->StartSamplingHeapProfiler(128, 32); });
}

double AudioEngine::latencySamples()
{
    Exclusive ex(*this);
    JsIsolate::Scope scope(js_);
    auto v = js_.call(engine_.Get(js_.isolate()), "latencySamples", 0, nullptr);
    return v->NumberValue(scope.context).FromMaybe(0.0);
}

std::string AudioEngine::kernels()
{
    Exclusive ex(*this);
    JsIsolate::Scope scope(js_);
    return js_.toStdString(js_.call(engine_.Get(js_.isolate()), "kernels", 0, nullptr));
}

void AudioEngine::reportAudioError(const char* text) noexcept
{
    if (audioErrorSet_.load(std::memory_order_acquire)) return; // the first one is kept until taken
    std::strncpy(audioError_, text, sizeof(audioError_) - 1);
    audioError_[sizeof(audioError_) - 1] = '\0';
    audioErrorSet_.store(true, std::memory_order_release);
}

std::string AudioEngine::takeAudioError()
{
    if (!audioErrorSet_.load(std::memory_order_acquire)) return {};
    std::string s(audioError_);
    audioErrorSet_.store(false, std::memory_order_release);
    return s;
}

} // namespace namrig
