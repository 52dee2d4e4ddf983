// The nam-rig plugin: the same JS/WASM rig engine as the web app, in two embedded V8 isolates.
//
//   host params / UI bridge / state ──► GraphEngine (graph isolate, message thread) ──op groups──►
//   audio thread: mono input (stereo summed) ──► AudioEngine (audio isolate) ──► every output channel
//
// Host integration: every rig knob is an automatable parameter (generated from the rig registry at
// build time: params.json); the state is a preset with the model and IR embedded; bypass is the host's
// bypass parameter, crossfaded like the web app; latency is reported (0 unless the model runs at another
// rate); blocks of any size are split into the engine's block size. Parameter changes reach the graph
// isolate synchronously on the message thread; when the host sets them from another thread (automation
// on its audio thread), a parameter-sync thread picks them up within ≈ 2 ms (it polls an atomic flag:
// the audio thread never signals, locks or allocates for it), so the change plays within a block or two.
#pragma once

#include "BridgeEndpoint.h"
#include "engine/AudioEngine.h"
#include "engine/GraphEngine.h"

#include <juce_audio_processors/juce_audio_processors.h>
#include <atomic>
#include <memory>
#include <vector>

namespace namrig {

class PluginProcessor : public juce::AudioProcessor,
                        public BridgeEndpoint,
                        private juce::AudioProcessorParameter::Listener,
                        private juce::Timer {
public:
    PluginProcessor();
    ~PluginProcessor() override;

    void prepareToPlay(double sampleRate, int samplesPerBlock) override;
    void releaseResources() override;
    bool isBusesLayoutSupported(const BusesLayout& layouts) const override;
    void processBlock(juce::AudioBuffer<float>&, juce::MidiBuffer&) override;
    using AudioProcessor::processBlock;

    juce::AudioProcessorEditor* createEditor() override;
    bool hasEditor() const override { return true; }

    const juce::String getName() const override { return JucePlugin_Name; }
    bool acceptsMidi() const override { return false; }
    bool producesMidi() const override { return false; }
    bool isMidiEffect() const override { return false; }
    double getTailLengthSeconds() const override { return 0.2; }

    int getNumPrograms() override { return 1; }
    int getCurrentProgram() override { return 0; }
    void setCurrentProgram(int) override {}
    const juce::String getProgramName(int) override { return {}; }
    void changeProgramName(int, const juce::String&) override {}

    void getStateInformation(juce::MemoryBlock& destData) override;
    void setStateInformation(const void* data, int sizeInBytes) override;

    juce::AudioProcessorParameter* getBypassParameter() const override { return bypass_; }

    // BridgeEndpoint (message thread).
    void handleUiMessage(const juce::String& json) override;
    juce::StringArray takeMessagesForUi() override;
    // Collects the graph isolate's garbage from the UI session (its state pushes: ≈ 1 MB per open), so
    // the host's memory does not ride up and down a sawtooth with every editor open/close.
    void uiClosed() override;

    // The error that stopped the engine from starting ("" when it runs).
    juce::String engineError() const { return engineError_; }

private:
    struct RigParam {
        juce::RangedAudioParameter* param;
        std::string id;
        float synced; // the value the graph isolate last saw (in the parameter's units)
    };

    void parameterValueChanged(int index, float newValue) override;
    void parameterGestureChanged(int, bool) override {}
    void timerCallback() override;
    void syncParamsFromHost();
    void flushGraph();
    void pushUi(const juce::String& json);
    void pushError(const juce::String& source, const juce::String& message);
    void startEngine(double sampleRate, int engineBlock);

    std::vector<RigParam> params_;
    juce::AudioParameterBool* bypass_ = nullptr;
    bool bypassSynced_ = false;
    std::unique_ptr<GraphEngine> graph_;
    std::unique_ptr<AudioEngine> engine_;
    juce::String engineError_;
    std::vector<float> mono_, out_;
    std::atomic<float> inPeak_{ 0.0f }, outPeak_{ 0.0f };
    std::atomic<bool> paramsDirty_{ false };
    // The thread that is echoing graph-side changes to the host (its own parameterValueChanged calls are
    // not changes from the host); another thread's changes meanwhile still count.
    std::atomic<juce::Thread::ThreadID> applyingHostChanges_{ nullptr };
    // Syncs parameters the host set off the message thread (paramsDirty_), every ≈ 2 ms.
    class ParamSync : public juce::Thread {
    public:
        explicit ParamSync(PluginProcessor& p) : juce::Thread("nam-rig param sync"), processor(p) {}
        void run() override;
        static constexpr int pollMs = 2;

    private:
        PluginProcessor& processor;
    };
    ParamSync paramSync_{ *this };
    juce::CriticalSection uiLock_;
    // Serialises the message-side users of graph_/engine_ (the host's message thread, and JUCE's own
    // message thread that runs the timer when a Linux host has not attached its run loop).
    juce::CriticalSection graphLock_;
    juce::StringArray uiQueue_;

    JUCE_DECLARE_NON_COPYABLE_WITH_LEAK_DETECTOR(PluginProcessor)
};

} // namespace namrig
