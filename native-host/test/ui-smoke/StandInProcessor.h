// A minimal stand-in for the real plugin's processor, so the editor's UI smoke test can run before (or
// without) the real plugin: three tone parameters with the real ids and names, a bypass, and a
// BridgeEndpoint that interprets the UiToHost messages itself (hello → every parameter; param → the
// parameter; model → a modelInfo answer whose `weights` is the text's length). Its state (XML) records
// the last model's name, length and FNV-1a hash, so the test can check a long message arrived intact.
#pragma once

#include "BridgeEndpoint.h"

#include <juce_audio_processors/juce_audio_processors.h>

namespace namrig {

class StandInProcessor : public juce::AudioProcessor, public BridgeEndpoint, private juce::AudioProcessorParameter::Listener {
public:
    StandInProcessor();
    ~StandInProcessor() override;

    void prepareToPlay(double, int) override {}
    void releaseResources() override {}
    void processBlock(juce::AudioBuffer<float>& buffer, juce::MidiBuffer&) override;
    using AudioProcessor::processBlock;

    juce::AudioProcessorEditor* createEditor() override;
    bool hasEditor() const override { return true; }
    const juce::String getName() const override { return "NAM rig UI stand-in"; }
    bool acceptsMidi() const override { return false; }
    bool producesMidi() const override { return false; }
    bool isMidiEffect() const override { return false; }
    double getTailLengthSeconds() const override { return 0; }
    int getNumPrograms() override { return 1; }
    int getCurrentProgram() override { return 0; }
    void setCurrentProgram(int) override {}
    const juce::String getProgramName(int) override { return {}; }
    void changeProgramName(int, const juce::String&) override {}
    void getStateInformation(juce::MemoryBlock& destData) override;
    void setStateInformation(const void* data, int sizeInBytes) override;

    void handleUiMessage(const juce::String& json) override;
    juce::StringArray takeMessagesForUi() override;

private:
    void parameterValueChanged(int index, float newValue) override;
    void parameterGestureChanged(int, bool) override {}
    juce::String paramMessage(const juce::RangedAudioParameter& p) const;

    juce::Array<juce::RangedAudioParameter*> rigParams;
    juce::CriticalSection lock;
    juce::StringArray forUi;
    juce::String modelName;
    int modelLength = 0;
    juce::String modelHash;
};

} // namespace namrig
