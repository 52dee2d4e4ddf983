// See PluginProcessor.h.
#include "PluginProcessor.h"
#include "PluginParameters.h"

#include <NamRigEngineData.h>
#include <algorithm>
#include <cmath>
#include <cstdio>

#if NAMRIG_WEB_EDITOR
#include "editor/PluginEditor.h"
#endif

namespace namrig {

namespace {
std::string binaryText(const char* data, int size) { return std::string(data, static_cast<size_t>(size)); }
constexpr double defaultRate = 48000.0;
// The engine's largest block: bigger host blocks are split (any size up to the host's maximum works).
constexpr int maxEngineBlock = 512;
} // namespace

PluginProcessor::PluginProcessor()
    : AudioProcessor(BusesProperties()
                         .withInput("Input", juce::AudioChannelSet::mono(), true)
                         .withOutput("Output", juce::AudioChannelSet::stereo(), true))
{
    for (auto& p : makeRigParameters(juce::String::fromUTF8(NamRigEngineData::params_json, NamRigEngineData::params_jsonSize))) {
        auto* raw = p.get();
        addParameter(p.release());
        raw->addListener(this);
        params_.push_back({ raw, raw->getParameterID().toStdString(), raw->convertFrom0to1(raw->getValue()) });
    }
    bypass_ = new juce::AudioParameterBool(juce::ParameterID{ "bypass", 1 }, "Bypass", false);
    addParameter(bypass_);
    bypass_->addListener(this);
    try {
        graph_ = std::make_unique<GraphEngine>(binaryText(NamRigEngineData::graph_js, NamRigEngineData::graph_jsSize), defaultRate);
    } catch (const std::exception& e) {
        engineError_ = juce::String("the graph engine did not start: ") + e.what();
        DBG(engineError_);
    }
    startTimerHz(30);
    paramSync_.startThread();
}

PluginProcessor::~PluginProcessor()
{
    paramSync_.stopThread(1000);
    stopTimer();
    for (auto& p : params_) p.param->removeListener(this);
    bypass_->removeListener(this);
    engine_.reset();
    graph_.reset();
}

bool PluginProcessor::isBusesLayoutSupported(const BusesLayout& layouts) const
{
    const auto in = layouts.getMainInputChannelSet();
    const auto out = layouts.getMainOutputChannelSet();
    const bool inOk = in == juce::AudioChannelSet::mono() || in == juce::AudioChannelSet::stereo();
    const bool outOk = out == juce::AudioChannelSet::mono() || out == juce::AudioChannelSet::stereo();
    return inOk && outOk;
}

void PluginProcessor::prepareToPlay(double sampleRate, int samplesPerBlock)
{
    const int block = juce::jlimit(1, maxEngineBlock, samplesPerBlock);
    if (engine_ != nullptr && engine_->sampleRate() == sampleRate && engine_->maxBlockSize() == block) return;
    startEngine(sampleRate, block);
}

void PluginProcessor::startEngine(double sampleRate, int engineBlock)
{
    if (graph_ == nullptr) return;
    const juce::ScopedLock gl(graphLock_);
    try {
        syncParamsFromHost();
        graph_->prepare(sampleRate, engineBlock);
        auto ops = graph_->takeOps();
        auto engine = std::make_unique<AudioEngine>(binaryText(NamRigEngineData::audio_js, NamRigEngineData::audio_jsSize), sampleRate, engineBlock);
        std::unique_ptr<WireOps> initial;
        if (ops != nullptr) {
            initial = std::make_unique<WireOps>(*ops);
            const auto error = engine->push(std::move(ops));
            if (!error.empty()) pushError("engine", error);
        }
        engine->warmUp(initial.get());
        setLatencySamples(static_cast<int>(std::lround(engine->latencySamples())));
        {
            const juce::ScopedLock sl(getCallbackLock());
            engine_.swap(engine);
            mono_.assign(static_cast<size_t>(engineBlock), 0.0f);
            out_.assign(static_cast<size_t>(engineBlock), 0.0f);
        }
        engineError_.clear();
    } catch (const std::exception& e) {
        engineError_ = juce::String("the audio engine did not start: ") + e.what();
        DBG(engineError_);
        pushError("engine", engineError_);
    }
}

void PluginProcessor::releaseResources() {}

void PluginProcessor::processBlock(juce::AudioBuffer<float>& buffer, juce::MidiBuffer&)
{
    const int numIn = getTotalNumInputChannels();
    const int numOut = getTotalNumOutputChannels();
    const int total = buffer.getNumSamples();
    const int maxBlock = static_cast<int>(mono_.size());
    if (maxBlock == 0) {
        buffer.clear();
        return;
    }
    const bool bypass = bypass_->get();
    auto* engine = engine_.get();
    float inPeak = 0.0f, outPeak = 0.0f; // only for blocks the engine did not render (it meters its own)
    float* mono = mono_.data();
    float* out = out_.data();
    for (int at = 0; at < total; at += maxBlock) {
        const int n = std::min(maxBlock, total - at);
        // Mono input: stereo is summed (as the CLI's mixToMono does).
        if (numIn == 0) {
            std::fill(mono, mono + n, 0.0f);
        } else {
            std::copy(buffer.getReadPointer(0, at), buffer.getReadPointer(0, at) + n, mono);
            for (int c = 1; c < numIn; ++c) {
                const float* x = buffer.getReadPointer(c, at);
                for (int i = 0; i < n; ++i) mono[i] += x[i];
            }
        }
        const bool ok = engine != nullptr && engine->process(mono, out, n, bypass);
        if (!ok) {
            if (bypass) std::copy(mono, mono + n, out);
            else std::fill(out, out + n, 0.0f);
            for (int i = 0; i < n; ++i) {
                inPeak = std::max(inPeak, std::abs(mono[i]));
                outPeak = std::max(outPeak, std::abs(out[i]));
            }
        }
        for (int c = 0; c < numOut; ++c) std::copy(out, out + n, buffer.getWritePointer(c, at));
    }
    for (int c = numOut; c < buffer.getNumChannels(); ++c) buffer.clear(c, 0, total);
    inPeak_.store(std::max(inPeak_.load(std::memory_order_relaxed), inPeak), std::memory_order_relaxed);
    outPeak_.store(std::max(outPeak_.load(std::memory_order_relaxed), outPeak), std::memory_order_relaxed);
}

juce::AudioProcessorEditor* PluginProcessor::createEditor()
{
#if NAMRIG_WEB_EDITOR
    return new PluginEditor(*this, *this);
#else
    return new juce::GenericAudioProcessorEditor(*this);
#endif
}

void PluginProcessor::parameterValueChanged(int, float)
{
    if (applyingHostChanges_.load() == juce::Thread::getCurrentThreadId()) return;
    if (juce::MessageManager::existsAndIsCurrentThread()) syncParamsFromHost();
    else paramsDirty_.store(true); // the audio thread (automation): ParamSync picks it up
}

void PluginProcessor::ParamSync::run()
{
    while (!threadShouldExit()) {
        if (processor.paramsDirty_.load()) processor.syncParamsFromHost();
        wait(pollMs);
    }
}

void PluginProcessor::syncParamsFromHost()
{
    paramsDirty_.store(false);
    if (graph_ == nullptr) return;
    const juce::ScopedLock gl(graphLock_);
    try {
        for (auto& p : params_) {
            const float v = p.param->convertFrom0to1(p.param->getValue());
            if (v != p.synced) {
                p.synced = v;
                graph_->setParamFromHost(p.id, v);
            }
        }
        const bool b = bypass_->get();
        if (b != bypassSynced_) {
            bypassSynced_ = b;
            graph_->setBypassFromHost(b);
        }
    } catch (const std::exception& e) {
        pushError("param", e.what());
    }
    flushGraph();
}

void PluginProcessor::flushGraph()
{
    if (graph_ == nullptr) return;
    const juce::ScopedLock gl(graphLock_);
    try {
        if (auto ops = graph_->takeOps()) {
            if (engine_ != nullptr) {
                const auto error = engine_->push(std::move(ops));
                if (!error.empty()) pushError("engine", error);
            }
        }
        const auto changes = graph_->takeHostChanges();
        struct Applying { // marks this thread's parameter echoes (parameterValueChanged ignores them)
            explicit Applying(std::atomic<juce::Thread::ThreadID>& a) : flag(a), previous(a.exchange(juce::Thread::getCurrentThreadId())) {}
            ~Applying() { flag.store(previous); }
            std::atomic<juce::Thread::ThreadID>& flag;
            juce::Thread::ThreadID previous;
        } applying(applyingHostChanges_);
        for (const auto& [id, value] : changes.params) {
            for (auto& p : params_) {
                if (p.id != id) continue;
                p.param->setValueNotifyingHost(p.param->convertTo0to1(static_cast<float>(value)));
                p.synced = p.param->convertFrom0to1(p.param->getValue());
            }
        }
        if (changes.bypass >= 0) {
            bypass_->setValueNotifyingHost(changes.bypass == 1 ? 1.0f : 0.0f);
            bypassSynced_ = changes.bypass == 1;
        }
        for (const auto& m : graph_->takeUiMessages()) pushUi(juce::String::fromUTF8(m.c_str()));
    } catch (const std::exception& e) {
        pushError("engine", e.what());
    }
}

void PluginProcessor::timerCallback()
{
    const juce::ScopedLock gl(graphLock_);
    if (paramsDirty_.load()) syncParamsFromHost();
    if (engine_ != nullptr) {
        engine_->collectGarbage();
        const auto error = engine_->takeAudioError();
        if (!error.empty()) pushError("engine", error);
        // The audio engine's answers (model loaded/failed, node ids freed) to the graph isolate.
        const auto events = engine_->takeEvents();
        if (!events.empty() && graph_ != nullptr) {
            for (const auto& e : events) {
                try {
                    // A model now playing may change the latency (it says so in its answer).
                    const auto parsed = juce::JSON::parse(juce::String::fromUTF8(e.c_str()));
                    if (parsed["type"].toString() == "loaded") setLatencySamples(static_cast<int>(std::lround(static_cast<double>(parsed["latency"]))));
                    graph_->handleAudioEvent(e);
                } catch (const std::exception& ex) {
                    pushError("engine", ex.what());
                }
            }
            flushGraph();
        }
    }
}

void PluginProcessor::pushUi(const juce::String& json)
{
    const juce::ScopedLock sl(uiLock_);
    if (uiQueue_.size() > 2000) uiQueue_.removeRange(0, 1000); // no editor is reading: keep the newest
    uiQueue_.add(json);
}

void PluginProcessor::pushError(const juce::String& source, const juce::String& message)
{
    std::fprintf(stderr, "[nam-rig] %s error: %s\n", source.toRawUTF8(), message.toRawUTF8());
    auto error = std::make_unique<juce::DynamicObject>();
    error->setProperty("source", source);
    error->setProperty("message", message.replaceCharacters("\r\n", "  ").trim());
    auto msg = std::make_unique<juce::DynamicObject>();
    msg->setProperty("type", "error");
    msg->setProperty("error", juce::var(error.release()));
    pushUi(juce::JSON::toString(juce::var(msg.release()), true));
}

void PluginProcessor::handleUiMessage(const juce::String& json)
{
    if (graph_ == nullptr) {
        pushError("engine", engineError_);
        return;
    }
    const juce::ScopedLock gl(graphLock_);
    try {
        graph_->handleUiMessage(json.toStdString());
    } catch (const std::exception& e) {
        pushError("engine", e.what());
    }
    flushGraph();
}

void PluginProcessor::uiClosed()
{
    const juce::ScopedLock gl(graphLock_);
    if (graph_ != nullptr) graph_->collectGarbage();
}

juce::StringArray PluginProcessor::takeMessagesForUi()
{
    juce::StringArray out;
    {
        const juce::ScopedLock sl(uiLock_);
        out.swapWith(uiQueue_);
    }
    float in = inPeak_.exchange(0.0f), o = outPeak_.exchange(0.0f);
    float engineIn = 0.0f, engineOut = 0.0f;
    if (engine_ != nullptr && engine_->takeMeters(engineIn, engineOut)) {
        in = std::max(in, engineIn);
        o = std::max(o, engineOut);
    }
    out.add("{\"type\":\"meters\",\"in\":" + juce::String(in, 6) + ",\"out\":" + juce::String(o, 6) + "}");
    return out;
}

void PluginProcessor::getStateInformation(juce::MemoryBlock& destData)
{
    if (graph_ == nullptr) return;
    const juce::ScopedLock gl(graphLock_);
    syncParamsFromHost();
    try {
        const auto json = graph_->getState();
        destData.append(json.data(), json.size());
    } catch (const std::exception& e) {
        pushError("engine", juce::String("could not save the state: ") + e.what());
    }
}

void PluginProcessor::setStateInformation(const void* data, int sizeInBytes)
{
    if (graph_ == nullptr || data == nullptr || sizeInBytes <= 0) return;
    const juce::ScopedLock gl(graphLock_);
    try {
        graph_->setState(std::string(static_cast<const char*>(data), static_cast<size_t>(sizeInBytes)));
    } catch (const std::exception& e) {
        pushError("engine", juce::String("could not restore the state: ") + e.what());
    }
    flushGraph();
}

} // namespace namrig

juce::AudioProcessor* JUCE_CALLTYPE createPluginFilter() { return new namrig::PluginProcessor(); }
