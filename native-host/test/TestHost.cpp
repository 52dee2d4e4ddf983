// Headless test host for the nam-rig VST3 (run by test/native/plugin.test.ts; no display needed).
//
// Loads the built .vst3 through JUCE's VST3 hosting, restores a preset as the plugin's state, sets
// parameters through the host API, and renders a mono input (raw float32) after `preroll` samples of
// silence, checking the output against a reference render (`nam-rig render` of the same preset):
//   - per block size (--blocks), and with irregular block sizes (1 up to the prepared maximum of 1000, which
//     the plugin splits into its engine's blocks of at most 512);
//   - stereo input (the plugin sums it; each side gets half the signal);
//   - a state save/restore round trip into a fresh instance (same output, same parameter values);
//   - bypass (after the crossfade the output is the input);
//   - latency reported at the model's rate (0) and at 44.1 kHz (resampling: > 0);
//   - a model swap while audio runs (--swap-from/--swap-to presets without an IR, --swap-reference the
//     CLI render of the second): no block around the swap goes silent, the per-block time during the
//     stepped build, and the output after the crossfade against the reference;
//   - timing: the duration of every processBlock over --timing-seconds of audio, paced in real time on
//     a thread with real-time priority when the system grants it, against the block's real-time budget,
//     after --settle-seconds of paced blocks in which the state's model finishes its stepped build
//     (timed too, reported as the load phase);
//   - automation (--automation 1): the latency of parameter changes the host makes on its audio thread.
// Prints one JSON object on stdout; diagnostics go to stderr.
#include "ThreadUsage.h"

#include <juce_audio_processors/juce_audio_processors.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <iostream>
#include <pthread.h>
#include <thread>

namespace {

struct Options {
    juce::File plugin, input, state, reference;
    juce::StringPairArray params; // id → value text
    double rate = 48000.0;
    juce::Array<int> blocks{ 32, 128, 1024 };
    int preroll = 24000;
    double timingSeconds = 60.0;
    bool automation = false; // --automation 1: the automation latency check
    double settleSeconds = 1.0;
    int timingBlock = 128;
    juce::File swapFrom, swapTo, swapReference;
};

std::vector<float> readF32(const juce::File& f)
{
    juce::MemoryBlock mb;
    if (!f.loadFileAsData(mb)) throw std::runtime_error(("cannot read " + f.getFullPathName()).toStdString());
    std::vector<float> v(mb.getSize() / sizeof(float));
    std::memcpy(v.data(), mb.getData(), v.size() * sizeof(float));
    return v;
}

juce::MemoryBlock componentState(const juce::String& raw)
{
    // What JUCE's VST3 hosting expects: the component's state, base64, inside <VST3PluginState>.
    juce::MemoryBlock data(raw.toRawUTF8(), raw.getNumBytesAsUTF8());
    juce::XmlElement xml("VST3PluginState");
    xml.createNewChildElement("IComponent")->addTextElement(data.toBase64Encoding());
    juce::MemoryBlock out;
    juce::AudioProcessor::copyXmlToBinary(xml, out);
    return out;
}

juce::String rawComponentState(const juce::MemoryBlock& hostState)
{
    auto xml = juce::AudioProcessor::getXmlFromBinary(hostState.getData(), static_cast<int>(hostState.getSize()));
    if (xml == nullptr) return {};
    auto* comp = xml->getChildByName("IComponent");
    if (comp == nullptr) return {};
    juce::MemoryBlock mb;
    mb.fromBase64Encoding(comp->getAllSubText());
    return juce::String::fromUTF8(static_cast<const char*>(mb.getData()), static_cast<int>(mb.getSize()));
}

class Host {
public:
    explicit Host(const Options& o) : options(o)
    {
        formats.addFormat(new juce::VST3PluginFormat());
        juce::OwnedArray<juce::PluginDescription> found;
        formats.getFormat(0)->findAllTypesForFile(found, o.plugin.getFullPathName());
        if (found.isEmpty()) throw std::runtime_error(("no VST3 plugin found in " + o.plugin.getFullPathName()).toStdString());
        description = *found[0];
    }

    std::unique_ptr<juce::AudioPluginInstance> create(double rate, int block, bool stereoIn = false)
    {
        juce::String error;
        auto p = formats.createPluginInstance(description, rate, block, error);
        if (p == nullptr) throw std::runtime_error(("cannot instantiate the plugin: " + error).toStdString());
        auto layout = p->getBusesLayout();
        layout.inputBuses.getReference(0) = stereoIn ? juce::AudioChannelSet::stereo() : juce::AudioChannelSet::mono();
        layout.outputBuses.getReference(0) = juce::AudioChannelSet::stereo();
        if (!p->setBusesLayout(layout)) throw std::runtime_error("the plugin refused the bus layout");
        p->setRateAndBufferSizeDetails(rate, block);
        p->prepareToPlay(rate, block);
        return p;
    }

    void setParams(juce::AudioPluginInstance& p) const
    {
        for (const auto& id : options.params.getAllKeys()) {
            auto* param = find(p, id);
            if (param == nullptr) throw std::runtime_error(("the plugin has no parameter " + id).toStdString());
            param->setValueNotifyingHost(param->getValueForText(options.params[id]));
        }
    }

    static juce::AudioProcessorParameter* find(juce::AudioPluginInstance& p, const juce::String& id)
    {
        // JUCE's VST3 wrapper numbers a parameter by the hash of its string id (masked to 31 bits).
        const auto vstId = static_cast<juce::uint32>(id.hashCode()) & 0x7fffffffu;
        for (auto* param : p.getParameters()) {
            if (auto* h = dynamic_cast<juce::HostedAudioProcessorParameter*>(param)) {
                if (static_cast<juce::uint32>(h->getParameterID().getLargeIntValue()) == vstId) return param;
            }
        }
        return nullptr;
    }

    // Renders `preroll` zeros then `input`, in blocks of the given sizes (cycled); returns both channels.
    static std::pair<std::vector<float>, std::vector<float>> render(juce::AudioPluginInstance& p, const std::vector<float>& input, int preroll,
                                                                    const std::vector<int>& sizes, bool stereoIn)
    {
        const size_t total = static_cast<size_t>(preroll) + input.size();
        std::vector<float> left(total), right(total);
        juce::MidiBuffer midi;
        size_t at = 0;
        size_t k = 0;
        while (at < total) {
            const int n = static_cast<int>(std::min(static_cast<size_t>(sizes[k++ % sizes.size()]), total - at));
            juce::AudioBuffer<float> buf(2, n);
            for (int i = 0; i < n; ++i) {
                const size_t s = at + static_cast<size_t>(i);
                const float x = s < static_cast<size_t>(preroll) ? 0.0f : input[s - static_cast<size_t>(preroll)];
                buf.setSample(0, i, stereoIn ? 0.5f * x : x);
                buf.setSample(1, i, stereoIn ? 0.5f * x : 0.0f);
            }
            p.processBlock(buf, midi);
            std::copy(buf.getReadPointer(0), buf.getReadPointer(0) + n, left.begin() + static_cast<long>(at));
            std::copy(buf.getReadPointer(1), buf.getReadPointer(1) + n, right.begin() + static_cast<long>(at));
            at += static_cast<size_t>(n);
        }
        left.erase(left.begin(), left.begin() + preroll);
        right.erase(right.begin(), right.begin() + preroll);
        return { left, right };
    }

    const Options& options;
    juce::AudioPluginFormatManager formats;
    juce::PluginDescription description;
};

double maxAbsDiff(const std::vector<float>& a, const std::vector<float>& b)
{
    if (a.size() != b.size()) return INFINITY;
    double m = 0;
    for (size_t i = 0; i < a.size(); ++i) m = std::max(m, std::abs(static_cast<double>(a[i]) - b[i]));
    return m;
}

// {medianUs, p999Us, maxUs} of per-block times (sorts `v`).
juce::var percentiles(std::vector<double>& v)
{
    std::sort(v.begin(), v.end());
    auto* o = new juce::DynamicObject();
    o->setProperty("medianUs", v[v.size() / 2]);
    o->setProperty("p999Us", v[static_cast<size_t>(0.999 * (v.size() - 1))]);
    o->setProperty("maxUs", v.back());
    return juce::var(o);
}

juce::var timing(Host& host, const std::vector<float>& input, const juce::MemoryBlock& state)
{
    const int block = host.options.timingBlock;
    const double rate = host.options.rate;
    auto p = host.create(rate, block);
    p->setStateInformation(state.getData(), static_cast<int>(state.getSize()));
    host.setParams(*p);
    const long blocks = static_cast<long>(std::ceil(host.options.timingSeconds * rate / block));
    std::vector<double> us(static_cast<size_t>(blocks)), controlUs(static_cast<size_t>(blocks)), settleUs;
    // Per timed block, from the audio thread's own accounts (ThreadUsage, read just outside the timed
    // interval): its CPU time, and whether it waited, was switched out or faulted to disk.
    std::vector<double> cpuUs(static_cast<size_t>(blocks));
    std::vector<long> waits(static_cast<size_t>(blocks)), preemptions(static_cast<size_t>(blocks)), majorFaults(static_cast<size_t>(blocks));
    bool realtime = false;
    // The control: a fixed pure C++ workload (≈ 200 µs) run right after each block, so machine-wide stalls
    // (VM preemption) show up in it too and can be told apart from the plugin's own outliers.
    volatile double sink = 0;
    auto control = [&sink](int iterations) {
        double acc = 1.0;
        for (int i = 0; i < iterations; ++i) acc = acc * 1.0000001 + 1e-9;
        sink = acc;
    };
    int controlIterations = 1000;
    for (int k = 0; k < 20; ++k) {
        const auto a = std::chrono::steady_clock::now();
        control(controlIterations);
        const double took = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - a).count();
        controlIterations = std::max(1000, static_cast<int>(controlIterations * 200.0 / std::max(took, 1.0)));
    }
    std::thread t([&] {
        sched_param sp{};
        sp.sched_priority = 70;
        realtime = pthread_setschedparam(pthread_self(), SCHED_FIFO, &sp) == 0;
        juce::AudioBuffer<float> buf(2, block);
        juce::MidiBuffer midi;
        const auto period = std::chrono::duration<double>(block / rate);
        // The state just set is still being applied: its model builds in steps, one after each block,
        // while the old one plays (the model-swap check reports those blocks). The timed run starts once
        // that has settled: `settle` paced blocks, timed separately as the load phase.
        const long settle = static_cast<long>(std::ceil(host.options.settleSeconds * rate / block));
        const auto start = std::chrono::steady_clock::now() + std::chrono::milliseconds(50);
        size_t pos = 0;
        for (long b = -settle; b < blocks; ++b) {
            for (int i = 0; i < block; ++i) {
                buf.setSample(0, i, input[pos]);
                buf.setSample(1, i, 0.0f);
                pos = (pos + 1) % input.size();
            }
            std::this_thread::sleep_until(start + std::chrono::duration_cast<std::chrono::steady_clock::duration>(period * (b + settle)));
            const auto u0 = namrig::test::ThreadUsage::now();
            const auto t0 = std::chrono::steady_clock::now();
            p->processBlock(buf, midi);
            const auto t1 = std::chrono::steady_clock::now();
            const auto u1 = namrig::test::ThreadUsage::now();
            const double took = std::chrono::duration<double, std::micro>(t1 - t0).count();
            if (b < 0) {
                settleUs.push_back(took);
                continue;
            }
            const auto i = static_cast<size_t>(b);
            us[i] = took;
            cpuUs[i] = u1.cpuUs - u0.cpuUs;
            waits[i] = u1.voluntary - u0.voluntary;
            preemptions[i] = u1.involuntary - u0.involuntary;
            majorFaults[i] = u1.majorFaults - u0.majorFaults;
            control(controlIterations);
            controlUs[i] = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t1).count();
        }
    });
    t.join();
    // Every block over the budget, with the thread's accounts for it: an over-budget block in which the
    // thread neither used a budget's worth of CPU nor waited nor faulted to disk lost its time outside
    // the process (the hypervisor or a higher-priority thread had the CPU).
    // (The first 100 of them: with more, the median and p99.9 checks fail anyway.)
    juce::Array<juce::var> overBudgetBlocks;
    const double budget = 1e6 * block / rate;
    for (size_t i = 0; i < us.size() && overBudgetBlocks.size() < 100; ++i) {
        if (us[i] <= budget) continue;
        auto* e = new juce::DynamicObject();
        e->setProperty("block", static_cast<juce::int64>(i));
        e->setProperty("wallUs", us[i]);
        e->setProperty("cpuUs", cpuUs[i]);
        e->setProperty("waits", static_cast<juce::int64>(waits[i]));
        e->setProperty("preemptions", static_cast<juce::int64>(preemptions[i]));
        e->setProperty("majorFaults", static_cast<juce::int64>(majorFaults[i]));
        e->setProperty("controlUs", controlUs[i]);
        overBudgetBlocks.add(juce::var(e));
    }
    const auto worst = std::max_element(us.begin(), us.end()) - us.begin();
    std::vector<double> sorted = us;
    std::sort(sorted.begin(), sorted.end());
    auto* o = new juce::DynamicObject();
    o->setProperty("block", block);
    o->setProperty("rate", rate);
    o->setProperty("seconds", static_cast<double>(blocks) * block / rate);
    o->setProperty("blocks", static_cast<juce::int64>(blocks));
    o->setProperty("budgetUs", budget);
    o->setProperty("medianUs", sorted[sorted.size() / 2]);
    o->setProperty("p99Us", sorted[static_cast<size_t>(0.99 * (sorted.size() - 1))]);
    o->setProperty("p999Us", sorted[static_cast<size_t>(0.999 * (sorted.size() - 1))]);
    o->setProperty("maxUs", sorted.back());
    o->setProperty("maxAtBlock", static_cast<juce::int64>(worst));
    o->setProperty("firstBlockUs", us.front());
    // The load phase before the timed run (the state's model built in steps, the first blocks on this thread).
    o->setProperty("settleBlocks", static_cast<int>(settleUs.size()));
    o->setProperty("settleMaxUs", settleUs.empty() ? 0.0 : *std::max_element(settleUs.begin(), settleUs.end()));
    o->setProperty("settleOverBudget", static_cast<int>(std::count_if(settleUs.begin(), settleUs.end(), [&](double v) { return v > budget; })));
    juce::Array<juce::var> firstBlocks;
    for (size_t b = 0; b < std::min<size_t>(16, us.size()); ++b) firstBlocks.add(us[b]);
    o->setProperty("firstBlocksUs", firstBlocks);
    o->setProperty("maxAfterFirstUs", us.size() > 1 ? *std::max_element(us.begin() + 1, us.end()) : 0.0);
    o->setProperty("overBudget", static_cast<int>(std::count_if(us.begin(), us.end(), [&](double v) { return v > budget; })));
    o->setProperty("overBudgetBlocks", overBudgetBlocks);
    o->setProperty("cpu", percentiles(cpuUs));
    o->setProperty("blocksThatWaited", static_cast<int>(std::count_if(waits.begin(), waits.end(), [](long v) { return v > 0; })));
    o->setProperty("blocksPreempted", static_cast<int>(std::count_if(preemptions.begin(), preemptions.end(), [](long v) { return v > 0; })));
    o->setProperty("blocksWithMajorFaults", static_cast<int>(std::count_if(majorFaults.begin(), majorFaults.end(), [](long v) { return v > 0; })));
    o->setProperty("realtimePriority", realtime);
    o->setProperty("control", percentiles(controlUs));
    return juce::var(o);
}

// Host automation from the audio thread, as a DAW plays it: two instances with the same state play a
// steady 220 Hz sine, paced in real time on a thread (real-time priority when granted), while this (the
// message) thread runs its dispatch loop. Every half second the thread sets "output.gain" of the first
// one, alternating between -12 dB and 0 dB (the host's parameter value, handed to the plugin with the
// next block, as VST3 does). Per change, the latency is the time from the block that carried it to the
// first block whose level against the second instance moved more than 1 dB towards the new value.
juce::var automation(Host& host, const juce::MemoryBlock& state)
{
    const int block = 128;
    const double rate = host.options.rate;
    auto changed = host.create(rate, block), control = host.create(rate, block);
    for (auto* p : { changed.get(), control.get() }) {
        p->setStateInformation(state.getData(), static_cast<int>(state.getSize()));
        host.setParams(*p);
    }
    auto* gain = Host::find(*changed, "output.gain");
    if (gain == nullptr) throw std::runtime_error("the plugin has no parameter output.gain");
    const float at0 = gain->getValue(), atMinus12 = gain->getValueForText("-12");
    const long settle = static_cast<long>(rate / block), every = static_cast<long>(0.5 * rate / block);
    const int changes = 8;
    std::vector<double> levelDb; // per block: the first instance's level against the second's
    std::vector<long> changedAt;
    bool realtime = false;
    std::thread t([&] {
        sched_param sp{};
        sp.sched_priority = 70;
        realtime = pthread_setschedparam(pthread_self(), SCHED_FIFO, &sp) == 0;
        juce::AudioBuffer<float> a(2, block), b(2, block);
        juce::MidiBuffer midi;
        const auto period = std::chrono::duration<double>(block / rate);
        const auto start = std::chrono::steady_clock::now() + std::chrono::milliseconds(50);
        const long blocks = settle + (changes + 1) * every;
        for (long k = 0; k < blocks; ++k) {
            for (int i = 0; i < block; ++i) {
                const float x = static_cast<float>(0.1 * std::sin(2.0 * M_PI * 220.0 * static_cast<double>(k * block + i) / rate));
                a.setSample(0, i, x);
                a.setSample(1, i, 0.0f);
                b.setSample(0, i, x);
                b.setSample(1, i, 0.0f);
            }
            std::this_thread::sleep_until(start + std::chrono::duration_cast<std::chrono::steady_clock::duration>(period * k));
            if (k >= settle && (k - settle) % every == 0 && static_cast<int>(changedAt.size()) < changes) {
                gain->setValue(changedAt.size() % 2 == 0 ? atMinus12 : at0);
                changedAt.push_back(k);
            }
            changed->processBlock(a, midi);
            control->processBlock(b, midi);
            double ea = 0, eb = 0;
            for (int i = 0; i < block; ++i) {
                ea += static_cast<double>(a.getSample(0, i)) * a.getSample(0, i);
                eb += static_cast<double>(b.getSample(0, i)) * b.getSample(0, i);
            }
            levelDb.push_back(eb > 0 ? 10.0 * std::log10(std::max(ea, 1e-30) / eb) : 0.0);
        }
        juce::MessageManager::getInstance()->stopDispatchLoop();
    });
    juce::MessageManager::getInstance()->runDispatchLoop();
    t.join();
    juce::Array<juce::var> latencies;
    double worst = 0;
    for (size_t c = 0; c < changedAt.size(); ++c) {
        const long k0 = changedAt[c];
        const double before = levelDb[static_cast<size_t>(k0 - 1)];
        const double towards = c % 2 == 0 ? -1.0 : 1.0; // -12 dB first, then back to 0 dB
        double ms = -1;
        for (long k = k0; k < k0 + every && k < static_cast<long>(levelDb.size()); ++k) {
            if ((levelDb[static_cast<size_t>(k)] - before) * towards > 1.0) {
                ms = 1000.0 * static_cast<double>((k - k0 + 1) * block) / rate; // to the end of that block
                break;
            }
        }
        latencies.add(ms);
        worst = ms < 0 ? INFINITY : std::max(worst, ms);
    }
    auto* o = new juce::DynamicObject();
    o->setProperty("realtimePriority", realtime);
    o->setProperty("changes", static_cast<int>(changedAt.size()));
    o->setProperty("latencyMs", latencies);
    o->setProperty("worstMs", std::isfinite(worst) ? worst : -1.0);
    o->setProperty("levelAfterDb", levelDb.empty() ? 0.0 : levelDb.back());
    return juce::var(o);
}

// Renders preroll + input at blocks of 128 with preset `from`, restores preset `to` a third into the
// input (on this thread, between blocks, as a host's message thread would), and reports the swap.
juce::var modelSwap(Host& host, const std::vector<float>& input, const std::vector<float>& reference)
{
    const int block = 128;
    const auto from = componentState(host.options.swapFrom.loadFileAsString());
    const auto to = componentState(host.options.swapTo.loadFileAsString());
    auto p = host.create(host.options.rate, block);
    p->setStateInformation(from.getData(), static_cast<int>(from.getSize()));
    const int preroll = host.options.preroll;
    const size_t total = static_cast<size_t>(preroll) + input.size();
    const long blocks = static_cast<long>((total + block - 1) / block);
    const long swapBlock = (preroll + static_cast<long>(input.size()) / 3) / block;
    std::vector<float> out(static_cast<size_t>(blocks) * block, 0.0f);
    std::vector<double> us(static_cast<size_t>(blocks));
    juce::AudioBuffer<float> buf(2, block);
    juce::MidiBuffer midi;
    double swapCallUs = 0;
    // On this (the host's message) thread: restoring a hosted VST3's state from another thread would
    // wait on this one.
    for (long b = 0; b < blocks; ++b) {
        for (int i = 0; i < block; ++i) {
            const size_t s = static_cast<size_t>(b) * block + static_cast<size_t>(i);
            const float x = s < static_cast<size_t>(preroll) || s >= total ? 0.0f : input[s - static_cast<size_t>(preroll)];
            buf.setSample(0, i, x);
            buf.setSample(1, i, 0.0f);
        }
        if (b == swapBlock) {
            const auto a = std::chrono::steady_clock::now();
            p->setStateInformation(to.getData(), static_cast<int>(to.getSize()));
            swapCallUs = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - a).count();
        }
        const auto t0 = std::chrono::steady_clock::now();
        p->processBlock(buf, midi);
        us[static_cast<size_t>(b)] = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count();
        std::copy(buf.getReadPointer(0), buf.getReadPointer(0) + block, out.begin() + b * block);
        // Pace lightly so JUCE's message thread (the plugin's timer) gets turns, as in a host.
        if (b % 8 == 0) std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
    // Around the swap (from 10 blocks before to 400 after): silent blocks where the new model's render is
    // not silent, and the quietest block's energy relative to that render's.
    int silent = 0, overBudget = 0;
    const double budget = 1e6 * block / host.options.rate;
    double quietestRatio = INFINITY;
    double windowMaxUs = 0, beforeMaxUs = 0;
    for (long b = swapBlock - 10; b < std::min(blocks, swapBlock + 400); ++b) {
        double e = 0, r = 0;
        bool allZero = true;
        for (int i = 0; i < block; ++i) {
            const long s = b * block + i - preroll;
            const float y = out[static_cast<size_t>(b * block + i)];
            const float ref = s >= 0 && static_cast<size_t>(s) < reference.size() ? reference[static_cast<size_t>(s)] : 0.0f;
            e += static_cast<double>(y) * y;
            r += static_cast<double>(ref) * ref;
            allZero = allZero && y == 0.0f;
        }
        if (allZero && r > 1e-10) ++silent;
        if (r > 1e-6) quietestRatio = std::min(quietestRatio, e / r);
        if (b >= swapBlock) windowMaxUs = std::max(windowMaxUs, us[static_cast<size_t>(b)]);
        if (b >= swapBlock && us[static_cast<size_t>(b)] > budget) ++overBudget;
    }
    for (long b = swapBlock - 400; b < swapBlock; ++b) beforeMaxUs = std::max(beforeMaxUs, us[static_cast<size_t>(b)]);
    // After the crossfade (from 1 s after the swap): the new model's render.
    double tailError = 0;
    const long tailFrom = (swapBlock * block - preroll) + static_cast<long>(host.options.rate);
    for (size_t s = static_cast<size_t>(std::max(0L, tailFrom)); s < input.size() && s < reference.size(); ++s)
        tailError = std::max(tailError, std::abs(static_cast<double>(out[s + static_cast<size_t>(preroll)]) - reference[s]));
    std::vector<double> window(us.begin() + swapBlock, us.begin() + std::min(blocks, swapBlock + 400));
    std::sort(window.begin(), window.end());
    auto* o = new juce::DynamicObject();
    o->setProperty("swapBlock", static_cast<juce::int64>(swapBlock));
    o->setProperty("silentBlocks", silent);
    o->setProperty("quietestEnergyRatio", quietestRatio);
    o->setProperty("setStateUs", swapCallUs);
    o->setProperty("maxBlockUsAfterSwap", windowMaxUs);
    o->setProperty("overBudgetAfterSwap", overBudget); // of the 400 blocks from the swap
    o->setProperty("medianBlockUsAfterSwap", window.empty() ? 0.0 : window[window.size() / 2]);
    o->setProperty("maxBlockUsBeforeSwap", beforeMaxUs);
    // The first 16 blocks after the swap (the stepped build runs in them), µs.
    juce::Array<juce::var> first;
    for (long b = swapBlock; b < std::min(blocks, swapBlock + 16); ++b) first.add(us[static_cast<size_t>(b)]);
    o->setProperty("blockUsFromSwap", first);
    o->setProperty("tailFromSample", static_cast<juce::int64>(tailFrom));
    o->setProperty("tailMaxAbsError", tailError);
    return juce::var(o);
}

int run(const Options& o)
{
    Host host(o);
    const auto input = readF32(o.input);
    const auto reference = readF32(o.reference);
    const auto preset = o.state.loadFileAsString();
    const auto state = componentState(preset);
    auto result = std::make_unique<juce::DynamicObject>();
    result->setProperty("plugin", host.description.name);

    // Output vs the reference, per block size.
    juce::Array<juce::var> matches;
    for (int block : o.blocks) {
        std::cerr << "namrig-test-host: block " << block << "\n";
        auto p = host.create(o.rate, block);
        p->setStateInformation(state.getData(), static_cast<int>(state.getSize()));
        host.setParams(*p);
        const auto [l, r] = Host::render(*p, input, o.preroll, { block }, false);
        auto* m = new juce::DynamicObject();
        m->setProperty("block", block);
        m->setProperty("maxAbsError", maxAbsDiff(l, reference));
        m->setProperty("channelsEqual", l == r);
        m->setProperty("latency", p->getLatencySamples());
        matches.add(juce::var(m));
    }
    result->setProperty("match", matches);

    // Irregular block sizes up to the prepared maximum (1000: the plugin splits blocks above its engine's 512).
    std::cerr << "namrig-test-host: irregular blocks\n";
    {
        auto p = host.create(o.rate, 1000);
        p->setStateInformation(state.getData(), static_cast<int>(state.getSize()));
        host.setParams(*p);
        const auto [l, r] = Host::render(*p, input, o.preroll, { 1000, 1, 77, 200, 3, 999, 128, 31, 513 }, false);
        result->setProperty("irregularMaxAbsError", maxAbsDiff(l, reference));
    }

    // Stereo input, summed.
    std::cerr << "namrig-test-host: stereo input\n";
    {
        auto p = host.create(o.rate, 128, true);
        p->setStateInformation(state.getData(), static_cast<int>(state.getSize()));
        host.setParams(*p);
        const auto [l, r] = Host::render(*p, input, o.preroll, { 128 }, true);
        result->setProperty("stereoInMaxAbsError", maxAbsDiff(l, reference));
    }

    std::cerr << "namrig-test-host: state round trip\n";
    // State round trip: save from one instance (after the host's parameter changes), restore into a fresh one.
    {
        auto a = host.create(o.rate, 128);
        a->setStateInformation(state.getData(), static_cast<int>(state.getSize()));
        host.setParams(*a);
        juce::MemoryBlock saved;
        a->getStateInformation(saved);
        const auto raw = rawComponentState(saved);
        auto b = host.create(o.rate, 128);
        b->setStateInformation(saved.getData(), static_cast<int>(saved.getSize()));
        bool paramsEqual = true;
        for (int i = 0; i < a->getParameters().size(); ++i) {
            paramsEqual = paramsEqual && a->getParameters()[i]->getValue() == b->getParameters()[i]->getValue();
        }
        const auto [l, r] = Host::render(*b, input, o.preroll, { 128 }, false);
        auto* s = new juce::DynamicObject();
        s->setProperty("bytes", static_cast<juce::int64>(raw.getNumBytesAsUTF8()));
        s->setProperty("isPreset", raw.contains("\"nam-rig-preset\"") && raw.contains("\"embedded\""));
        s->setProperty("paramsEqual", paramsEqual);
        s->setProperty("restoredMaxAbsError", maxAbsDiff(l, reference));
        result->setProperty("state", juce::var(s));
    }

    std::cerr << "namrig-test-host: bypass\n";
    // Bypass: the host's bypass parameter; after the 10 ms crossfade the output is the dry input.
    {
        auto p = host.create(o.rate, 128);
        p->setStateInformation(state.getData(), static_cast<int>(state.getSize()));
        auto* bypass = p->getBypassParameter();
        result->setProperty("hasBypassParameter", bypass != nullptr);
        if (bypass != nullptr) {
            bypass->setValueNotifyingHost(1.0f);
            const auto [l, r] = Host::render(*p, input, o.preroll, { 128 }, false);
            result->setProperty("bypassMaxAbsError", maxAbsDiff(l, input));
        }
    }

    std::cerr << "namrig-test-host: latency at 44.1 kHz\n";
    // Latency: 0 at the model's rate, the resampler's delay at another rate.
    {
        auto p = host.create(44100.0, 128);
        p->setStateInformation(state.getData(), static_cast<int>(state.getSize()));
        result->setProperty("latencyAt44100", p->getLatencySamples());
        juce::Array<juce::var> ids;
        for (auto* param : p->getParameters()) ids.add(param->getName(100));
        result->setProperty("parameterNames", ids);
    }

    if (o.swapFrom.existsAsFile() && o.swapTo.existsAsFile() && o.swapReference.existsAsFile()) {
        std::cerr << "namrig-test-host: model swap\n";
        result->setProperty("modelSwap", modelSwap(host, input, readF32(o.swapReference)));
    }

    if (o.automation) {
        std::cerr << "namrig-test-host: automation\n";
        result->setProperty("automation", automation(host, state));
    }

    std::cerr << "namrig-test-host: timing\n";
    if (o.timingSeconds > 0) result->setProperty("timing", timing(host, input, state));
    std::cout << juce::JSON::toString(juce::var(result.release()), true) << std::endl;
    return 0;
}

} // namespace

int main(int argc, char** argv)
{
    juce::ScopedJuceInitialiser_GUI juce;
    Options o;
    for (int i = 1; i + 1 < argc; i += 2) {
        const juce::String key(argv[i]), value(argv[i + 1]);
        if (key == "--plugin") o.plugin = juce::File(value);
        else if (key == "--input") o.input = juce::File(value);
        else if (key == "--state") o.state = juce::File(value);
        else if (key == "--reference") o.reference = juce::File(value);
        else if (key == "--param") o.params.set(value.upToFirstOccurrenceOf("=", false, false), value.fromFirstOccurrenceOf("=", false, false));
        else if (key == "--rate") o.rate = value.getDoubleValue();
        else if (key == "--preroll") o.preroll = value.getIntValue();
        else if (key == "--timing-seconds") o.timingSeconds = value.getDoubleValue();
        else if (key == "--timing-block") o.timingBlock = value.getIntValue();
        else if (key == "--settle-seconds") o.settleSeconds = value.getDoubleValue();
        else if (key == "--swap-from") o.swapFrom = juce::File(value);
        else if (key == "--swap-to") o.swapTo = juce::File(value);
        else if (key == "--swap-reference") o.swapReference = juce::File(value);
        else if (key == "--automation") o.automation = value == "1";
        else if (key == "--blocks") {
            o.blocks.clear();
            for (const auto& b : juce::StringArray::fromTokens(value, ",", "")) o.blocks.add(b.getIntValue());
        } else {
            std::cerr << "namrig-test-host: unknown option " << key << "\n";
            return 2;
        }
    }
    if (!o.plugin.exists() || !o.input.existsAsFile() || !o.state.existsAsFile() || !o.reference.existsAsFile()) {
        std::cerr << "usage: namrig-test-host --plugin P.vst3 --input in.f32 --state preset.json --reference ref.f32 [--param id=value]... "
                     "[--rate 48000] [--blocks 32,128,1024] [--preroll 24000] [--timing-seconds 60] [--timing-block 128] [--settle-seconds 1] [--automation 1]\n";
        return 2;
    }
    try {
        return run(o);
    } catch (const std::exception& e) {
        std::cerr << "namrig-test-host: " << e.what() << "\n";
        return 1;
    }
}
