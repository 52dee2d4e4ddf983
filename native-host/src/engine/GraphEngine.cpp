// See GraphEngine.h.
#include "GraphEngine.h"

#include <juce_core/juce_core.h>
#include <stdexcept>

namespace namrig {

GraphEngine::GraphEngine(const std::string& bundle, double sampleRate) : js_(bundle, "nam-rig-graph.js")
{
    JsIsolate::Scope scope(js_);
    v8::Local<v8::Value> args[] = { v8::Number::New(js_.isolate(), sampleRate) };
    auto g = js_.call(js_.global("namRigGraph"), "create", 1, args);
    if (!g->IsObject()) throw std::runtime_error("namRigGraph.create did not return a graph");
    graph_.Reset(js_.isolate(), g.As<v8::Object>());
}

GraphEngine::~GraphEngine()
{
    JsIsolate::Scope scope(js_);
    graph_.Reset();
}

v8::Local<v8::Value> GraphEngine::call(const char* name, std::initializer_list<v8::Local<v8::Value>> args)
{
    std::vector<v8::Local<v8::Value>> argv(args);
    return js_.call(graph_.Get(js_.isolate()), name, static_cast<int>(argv.size()), argv.data());
}

void GraphEngine::prepare(double sampleRate, int maxBlockSize)
{
    JsIsolate::Scope scope(js_);
    call("prepare", { v8::Number::New(js_.isolate(), sampleRate), v8::Integer::New(js_.isolate(), maxBlockSize) });
}

void GraphEngine::handleAudioEvent(const std::string& json)
{
    JsIsolate::Scope scope(js_);
    call("handleAudioEvent", { js_.str(json) });
}

void GraphEngine::setParamFromHost(const std::string& id, double value)
{
    JsIsolate::Scope scope(js_);
    call("setParamFromHost", { js_.str(id), v8::Number::New(js_.isolate(), value) });
}

void GraphEngine::setBypassFromHost(bool on)
{
    JsIsolate::Scope scope(js_);
    call("setBypassFromHost", { v8::Boolean::New(js_.isolate(), on) });
}

double GraphEngine::param(const std::string& id)
{
    JsIsolate::Scope scope(js_);
    return call("param", { js_.str(id) })->NumberValue(scope.context).FromMaybe(0.0);
}

void GraphEngine::handleUiMessage(const std::string& json)
{
    JsIsolate::Scope scope(js_);
    call("handleUiMessage", { js_.str(json) });
}

std::string GraphEngine::getState()
{
    JsIsolate::Scope scope(js_);
    return js_.toStdString(call("getState", {}));
}

void GraphEngine::setState(const std::string& json)
{
    JsIsolate::Scope scope(js_);
    call("setState", { js_.str(json) });
}

std::unique_ptr<WireOps> GraphEngine::takeOps()
{
    JsIsolate::Scope scope(js_);
    auto v = call("takeOps", {});
    if (!v->IsObject()) return nullptr;
    auto ctx = scope.context;
    auto obj = v.As<v8::Object>();
    auto ops = std::make_unique<WireOps>();
    ops->text = js_.toStdString(obj->Get(ctx, js_.str("text")).ToLocalChecked());
    ops->heavy = obj->Get(ctx, js_.str("heavy")).ToLocalChecked()->BooleanValue(js_.isolate());
    auto resources = obj->Get(ctx, js_.str("resources")).ToLocalChecked();
    if (resources->IsArray()) {
        auto arr = resources.As<v8::Array>();
        for (uint32_t i = 0; i < arr->Length(); ++i) {
            auto item = arr->Get(ctx, i).ToLocalChecked();
            if (!item->IsFloat32Array()) throw std::runtime_error("takeOps: a resource is not a Float32Array");
            auto f = item.As<v8::Float32Array>();
            std::vector<float> samples(f->Length());
            f->CopyContents(samples.data(), samples.size() * sizeof(float));
            ops->resources.push_back(std::move(samples));
        }
    }
    return ops;
}

void GraphEngine::collectGarbage()
{
    JsIsolate::Scope scope(js_);
    js_.isolate()->LowMemoryNotification();
}

std::vector<std::string> GraphEngine::takeUiMessages()
{
    JsIsolate::Scope scope(js_);
    auto v = call("takeUiMessages", {});
    std::vector<std::string> out;
    if (!v->IsArray()) return out;
    auto arr = v.As<v8::Array>();
    for (uint32_t i = 0; i < arr->Length(); ++i) out.push_back(js_.toStdString(arr->Get(scope.context, i).ToLocalChecked()));
    return out;
}

GraphEngine::HostChanges GraphEngine::takeHostChanges()
{
    std::string json;
    {
        JsIsolate::Scope scope(js_);
        json = js_.toStdString(call("takeHostChanges", {}));
    }
    HostChanges changes;
    const auto parsed = juce::JSON::parse(juce::String::fromUTF8(json.c_str()));
    if (const auto* params = parsed["params"].getArray()) {
        for (const auto& p : *params) {
            if (p.isArray() && p.size() == 2) changes.params.emplace_back(p[0].toString().toStdString(), static_cast<double>(p[1]));
        }
    }
    if (parsed.hasProperty("bypass")) changes.bypass = static_cast<bool>(parsed["bypass"]) ? 1 : 0;
    return changes;
}

} // namespace namrig
