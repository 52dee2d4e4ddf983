// See PluginParameters.h.
#include "PluginParameters.h"

#include <stdexcept>

namespace namrig {

std::vector<std::unique_ptr<juce::RangedAudioParameter>> makeRigParameters(const juce::String& paramsJson)
{
    const auto parsed = juce::JSON::parse(paramsJson);
    const auto* list = parsed.getArray();
    if (list == nullptr || list->isEmpty()) throw std::runtime_error("params.json is not a non-empty array");
    std::vector<std::unique_ptr<juce::RangedAudioParameter>> out;
    for (const auto& p : *list) {
        const auto id = p["id"].toString();
        const auto name = p["name"].toString();
        const auto kind = p["kind"].toString();
        const auto min = static_cast<float>(static_cast<double>(p["min"]));
        const auto max = static_cast<float>(static_cast<double>(p["max"]));
        const auto def = static_cast<float>(static_cast<double>(p["default"]));
        const auto step = static_cast<float>(static_cast<double>(p["step"]));
        if (id.isEmpty() || !(max > min)) throw std::runtime_error(("params.json: bad parameter " + id).toStdString());
        const juce::ParameterID pid{ id, 1 };
        if (kind == "bool") {
            out.push_back(std::make_unique<juce::AudioParameterBool>(pid, name, def >= 0.5f));
        } else if (kind == "choice") {
            juce::StringArray options;
            if (const auto* o = p["options"].getArray()) for (const auto& s : *o) options.add(s.toString());
            out.push_back(std::make_unique<juce::AudioParameterChoice>(pid, name, options, juce::roundToInt(def)));
        } else {
            juce::NormalisableRange<float> range(min, max, step > 0.0f ? step : 0.0f);
            out.push_back(std::make_unique<juce::AudioParameterFloat>(pid, name, range, def,
                juce::AudioParameterFloatAttributes().withLabel(p["unit"].toString())));
        }
    }
    return out;
}

} // namespace namrig
