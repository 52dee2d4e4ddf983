// See StandInProcessor.h.
#include "StandInProcessor.h"

#include "PluginEditor.h"

namespace namrig {

namespace {

juce::String fnv1a(const juce::String& text) {
    std::uint64_t h = 14695981039346656037ull;
    for (auto* p = text.toRawUTF8(); *p != 0; ++p) h = (h ^ std::uint8_t(*p)) * 1099511628211ull;
    return juce::String::toHexString(juce::int64(h));
}

juce::String toJson(juce::DynamicObject* object) {
    return juce::JSON::toString(juce::var(object), true);
}

} // namespace

StandInProcessor::StandInProcessor()
    : AudioProcessor(BusesProperties().withInput("Input", juce::AudioChannelSet::mono()).withOutput("Output", juce::AudioChannelSet::stereo())) {
    const char* ids[] = { "tone.bass", "tone.mid", "tone.treble" };
    const char* names[] = { "Tone stack Bass", "Tone stack Middle", "Tone stack Treble" };
    for (int i = 0; i < 3; ++i) {
        auto* p = new juce::AudioParameterFloat(juce::ParameterID { ids[i], 1 }, names[i], juce::NormalisableRange<float>(0.0f, 10.0f), 5.0f);
        addParameter(p);
        rigParams.add(p);
        p->addListener(this);
    }
}

StandInProcessor::~StandInProcessor() {
    for (auto* p : rigParams) p->removeListener(this);
}

void StandInProcessor::processBlock(juce::AudioBuffer<float>& buffer, juce::MidiBuffer&) {
    buffer.clear();
}

juce::AudioProcessorEditor* StandInProcessor::createEditor() {
    return new PluginEditor(*this, *this);
}

juce::String StandInProcessor::paramMessage(const juce::RangedAudioParameter& p) const {
    auto* m = new juce::DynamicObject();
    m->setProperty("type", "param");
    m->setProperty("id", p.getParameterID());
    m->setProperty("value", p.convertFrom0to1(p.getValue()));
    return toJson(m);
}

void StandInProcessor::handleUiMessage(const juce::String& json) {
    const auto message = juce::JSON::parse(json);
    const auto type = message.getProperty("type", {}).toString();
    const juce::ScopedLock sl(lock);
    if (type == "hello") {
        for (auto* p : rigParams) forUi.add(paramMessage(*p));
    } else if (type == "param") {
        for (auto* p : rigParams)
            if (p->getParameterID() == message.getProperty("id", {}).toString()) {
                const auto value = float(double(message.getProperty("value", 0.0)));
                const juce::ScopedUnlock su(lock);
                p->setValueNotifyingHost(p->convertTo0to1(value));
            }
    } else if (type == "model") {
        const auto text = message.getProperty("text", {}).toString();
        modelName = message.getProperty("name", {}).toString();
        modelLength = text.length();
        modelHash = fnv1a(text);
        auto* info = new juce::DynamicObject();
        info->setProperty("name", modelName);
        info->setProperty("fileName", modelName + ".nam");
        info->setProperty("sampleRate", 48000);
        info->setProperty("sampleRateGiven", false);
        info->setProperty("architecture", "stand-in");
        info->setProperty("weights", modelLength);
        info->setProperty("version", "0");
        auto* m = new juce::DynamicObject();
        m->setProperty("type", "modelInfo");
        m->setProperty("info", juce::var(info));
        forUi.add(toJson(m));
    }
}

juce::StringArray StandInProcessor::takeMessagesForUi() {
    const juce::ScopedLock sl(lock);
    auto out = forUi;
    forUi.clearQuick();
    auto* meters = new juce::DynamicObject();
    meters->setProperty("type", "meters");
    meters->setProperty("in", 0.25);
    meters->setProperty("out", 0.5);
    out.add(toJson(meters));
    return out;
}

void StandInProcessor::parameterValueChanged(int index, float) {
    const juce::ScopedLock sl(lock);
    if (auto* p = dynamic_cast<juce::RangedAudioParameter*>(getParameters()[index])) forUi.add(paramMessage(*p));
}

void StandInProcessor::getStateInformation(juce::MemoryBlock& destData) {
    juce::XmlElement xml("NamRigStandIn");
    for (auto* p : rigParams) xml.setAttribute(juce::String(p->getParameterID()).replaceCharacter('.', '_'), p->convertFrom0to1(p->getValue()));
    const juce::ScopedLock sl(lock);
    xml.setAttribute("modelName", modelName);
    xml.setAttribute("modelLength", modelLength);
    xml.setAttribute("modelHash", modelHash);
    copyXmlToBinary(xml, destData);
}

void StandInProcessor::setStateInformation(const void*, int) {}

} // namespace namrig

juce::AudioProcessor* JUCE_CALLTYPE createPluginFilter() {
    return new namrig::StandInProcessor();
}
