// See JsIsolate.h.
#include "JsIsolate.h"
#include "RealtimePlatform.h"

#include <cstdio>
#include <atomic>
#include <cstdlib>
#include <mutex>
#include <new>
#include <stdexcept>
#include <libplatform/libplatform.h>

namespace namrig {

namespace {

// console.log/warn/error → stderr, so abort messages from the engine (Elementary, emscripten) are not lost.
void consolePrint(const v8::FunctionCallbackInfo<v8::Value>& info)
{
    auto* isolate = info.GetIsolate();
    v8::HandleScope scope(isolate);
    std::string line = "[nam-rig js] ";
    for (int i = 0; i < info.Length(); ++i) {
        v8::String::Utf8Value s(isolate, info[i]);
        if (i > 0) line += ' ';
        line += *s != nullptr ? *s : "<?>";
    }
    std::fprintf(stderr, "%s\n", line.c_str());
}

std::unique_ptr<RealtimePlatform>& platform()
{
    static std::unique_ptr<RealtimePlatform> p;
    return p;
}

std::atomic<uint64_t> nextSerial{ 1 };

// The isolates (by serial) whose state this thread has kept (JsIsolate::keepThreadState).
constexpr int threadKeepsMemory = 32;
thread_local uint64_t keptByThisThread[threadKeepsMemory] = {};
thread_local int keptByThisThreadNext = 0;

} // namespace

void JsIsolate::initialiseV8()
{
    static std::once_flag once;
    std::call_once(once, [] {
        // Measured (native-host/README.md): eager optimised wasm, no tier-up, no memory reducer → no
        // compilation and no GC on the audio thread once warmed up.
        // --expose-gc: the audio engine asks for scavenges between a model build's steps (AudioEngine,
        // which also sizes its isolate's heap).
        // --no-wasm-generic-wrapper: each model instantiates the SIMD kernels on its own memory, and with
        // V8's generic JS-to-wasm wrapper every new instance's exports tiered up to specific wrappers
        // after so many calls, compiled on the audio thread (0.3–0.6 ms, ≈ 80, 300 and 1040 blocks after
        // each load at 32-sample blocks; perf: JSToWasmWrapperCompilationUnit). Without it the specific
        // wrappers are compiled with the module, once, and every instance shares them.
        const char flags[] = "--no-liftoff --no-wasm-tier-up --no-wasm-dynamic-tiering --no-memory-reducer --expose-gc --no-wasm-generic-wrapper";
        v8::V8::SetFlagsFromString(flags, sizeof(flags) - 1);
        // Diagnostics only (e.g. NAMRIG_V8_FLAGS="--trace-gc --trace-opt"): extra flags from the environment.
        if (const char* extra = std::getenv("NAMRIG_V8_FLAGS")) v8::V8::SetFlagsFromString(extra);
        // libplatform's platform, except for the jobs the audio thread joins (RealtimePlatform.h).
        platform() = std::make_unique<RealtimePlatform>(v8::platform::NewDefaultPlatform());
        v8::V8::InitializePlatform(platform().get());
        v8::V8::Initialize();
    });
}

std::string JsIsolate::workerPriority()
{
    initialiseV8();
    return platform()->workerPriority();
}

JsIsolate::JsIsolate(const std::string& script, const std::string& name) : JsIsolate(script, name, HeapSizes{}) {}

JsIsolate::JsIsolate(const std::string& script, const std::string& name, HeapSizes heap) : serial_(nextSerial.fetch_add(1)), keepThreadStates_(std::getenv("NAMRIG_TOP_LEVEL_LOCKERS") == nullptr)
{
    initialiseV8();
    allocator_.reset(v8::ArrayBuffer::Allocator::NewDefaultAllocator());
    v8::Isolate::CreateParams params;
    params.array_buffer_allocator = allocator_.get();
    if (heap.initialYoungBytes > 0) params.constraints.set_initial_young_generation_size_in_bytes(heap.initialYoungBytes);
    if (heap.initialOldBytes > 0) params.constraints.set_initial_old_generation_size_in_bytes(heap.initialOldBytes);
    isolate_ = v8::Isolate::New(params);

    v8::Locker locker(isolate_);
    v8::Isolate::Scope isolateScope(isolate_);
    v8::HandleScope handles(isolate_);
    auto ctx = v8::Context::New(isolate_);
    context_.Reset(isolate_, ctx);
    v8::Context::Scope contextScope(ctx);

    auto console = v8::Object::New(isolate_);
    for (const char* fn : { "log", "info", "warn", "error", "debug" }) {
        console->Set(ctx, str(fn), v8::Function::New(ctx, consolePrint).ToLocalChecked()).Check();
    }
    ctx->Global()->Set(ctx, str("console"), console).Check();

    v8::TryCatch tc(isolate_);
    v8::ScriptOrigin origin(isolate_, str(name));
    v8::Local<v8::Script> compiled;
    if (!v8::Script::Compile(ctx, str(script), &origin).ToLocal(&compiled) || compiled->Run(ctx).IsEmpty()) {
        const auto what = describe(tc);
        throw std::runtime_error(name + ": " + what);
    }
}

JsIsolate::~JsIsolate()
{
    {
        v8::Locker locker(isolate_);
        context_.Reset();
    }
    isolate_->Dispose();
}

void JsIsolate::keepThreadState() noexcept
{
    if (!keepThreadStates_) return;
    for (uint64_t kept : keptByThisThread)
        if (kept == serial_) return;
    // Only a thread outside the isolate (not already holding its lock, e.g. in a nested Scope) can do it.
    if (v8::Locker::IsLocked(isolate_)) return;
    const int slot = threadsKept_.fetch_add(1, std::memory_order_relaxed);
    if (slot >= maxKeptThreads) {
        threadsKept_.fetch_sub(1, std::memory_order_relaxed);
        return;
    }
    // The Locker takes the lock (top level); the Unlocker archives this thread's state and lets the lock
    // go. Neither is ever destroyed, so the state stays archived for this thread's next Locker.
    new (keptThreads_[static_cast<size_t>(slot)].locker) v8::Locker(isolate_);
    new (keptThreads_[static_cast<size_t>(slot)].unlocker) v8::Unlocker(isolate_);
    keptByThisThread[keptByThisThreadNext] = serial_;
    keptByThisThreadNext = (keptByThisThreadNext + 1) % threadKeepsMemory;
}

JsIsolate::Scope::Scope(JsIsolate& js)
    : keepThreadState(js), locker(js.isolate_), isolateScope(js.isolate_), handles(js.isolate_), context(js.context()), contextScope(context)
{
}

v8::Local<v8::String> JsIsolate::str(const std::string& s) const
{
    return v8::String::NewFromUtf8(isolate_, s.data(), v8::NewStringType::kNormal, static_cast<int>(s.size())).ToLocalChecked();
}

std::string JsIsolate::toStdString(v8::Local<v8::Value> v) const
{
    v8::String::Utf8Value s(isolate_, v);
    return *s != nullptr ? std::string(*s, static_cast<size_t>(s.length())) : std::string();
}

v8::Local<v8::Object> JsIsolate::global(const char* name) const
{
    auto ctx = context();
    auto v = ctx->Global()->Get(ctx, str(name)).ToLocalChecked();
    if (!v->IsObject()) throw std::runtime_error(std::string("the engine bundle did not define ") + name);
    return v.As<v8::Object>();
}

v8::Local<v8::Function> JsIsolate::method(v8::Local<v8::Object> obj, const char* name) const
{
    auto ctx = context();
    auto v = obj->Get(ctx, str(name)).ToLocalChecked();
    if (!v->IsFunction()) throw std::runtime_error(std::string("the engine object has no method ") + name);
    return v.As<v8::Function>();
}

v8::Local<v8::Value> JsIsolate::call(v8::Local<v8::Object> obj, const char* name, int argc, v8::Local<v8::Value>* argv) const
{
    v8::TryCatch tc(isolate_);
    v8::Local<v8::Value> result;
    if (!method(obj, name)->Call(context(), obj, argc, argv).ToLocal(&result)) throw std::runtime_error(describe(tc));
    return result;
}

std::string JsIsolate::describe(const v8::TryCatch& tc) const
{
    if (!tc.HasCaught()) return "unknown JavaScript failure";
    auto ctx = context();
    std::string what = toStdString(tc.Exception());
    v8::Local<v8::Value> stack;
    if (tc.StackTrace(ctx).ToLocal(&stack) && stack->IsString()) {
        const auto s = toStdString(stack);
        if (!s.empty()) what = s;
    }
    return what;
}

} // namespace namrig
