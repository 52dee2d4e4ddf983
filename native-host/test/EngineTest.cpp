// namrig-engine-test: the plugin's engine (GraphEngine + AudioEngine on the engine bundles) without the
// plugin around it, for checks that need a host's concurrency.
//
//   namrig-engine-test --engine build/engine --from a.json --to b.json [--rate 48000] [--seconds 4] [--swaps N]
//
// heavy group while playing: a real-time thread plays a steady 110 Hz sine through preset `from` in
// paced 128-sample blocks, as a host's audio thread does; 2.5 s in, this (the message) thread restores
// preset `to` — another IR, a heavy op group that keeps the audio thread out of the engine for a few
// milliseconds. Reports the blocks around the change that came out silent, the largest sample-to-sample
// step there against the largest in the steady stretches before and after, and the output's level.
// With --swaps N: instead, N alternations between the two presets, one a second, while the thread plays;
// reports every block's processing time (the stepped model builds run in them) against the budget.
// Prints one JSON object on stdout.
#include "engine/AudioEngine.h"
#include "engine/GraphEngine.h"

#include <juce_core/juce_core.h>

#include <pthread.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <iostream>
#include <thread>

using namespace namrig;

namespace {
std::string readText(const juce::File& f)
{
    if (!f.existsAsFile()) throw std::runtime_error("missing file " + f.getFullPathName().toStdString());
    return f.loadFileAsString().toStdString();
}

// One group from the graph isolate, if any, pushed to the engine; the engine's answers go back.
void flush(GraphEngine& graph, AudioEngine& engine)
{
    for (const auto& e : engine.takeEvents()) graph.handleAudioEvent(e);
    if (auto ops = graph.takeOps()) {
        const auto error = engine.push(std::move(ops));
        if (!error.empty()) throw std::runtime_error("engine: " + error);
    }
    engine.collectGarbage();
}
} // namespace

int main(int argc, char** argv)
{
    juce::File engineDir, from, to;
    double rate = 48000, seconds = 4;
    int swaps = 0;
    for (int i = 1; i + 1 < argc; i += 2) {
        const juce::String key(argv[i]), value(argv[i + 1]);
        if (key == "--engine") engineDir = juce::File(value);
        else if (key == "--from") from = juce::File(value);
        else if (key == "--to") to = juce::File(value);
        else if (key == "--rate") rate = value.getDoubleValue();
        else if (key == "--seconds") seconds = value.getDoubleValue();
        else if (key == "--swaps") swaps = value.getIntValue();
    }
    try {
        const int block = 128;
        GraphEngine graph(readText(engineDir.getChildFile("graph.js")), rate);
        graph.prepare(rate, block);
        auto initial = graph.takeOps();
        AudioEngine engine(readText(engineDir.getChildFile("audio.js")), rate, block);
        std::unique_ptr<WireOps> warm;
        if (initial) {
            warm = std::make_unique<WireOps>(*initial);
            engine.push(std::move(initial));
        }
        engine.warmUp(warm.get());
        graph.setState(readText(from));
        flush(graph, engine);

        if (swaps > 0) seconds = swaps + 1.5;
        const long blocks = static_cast<long>(seconds * rate / block);
        std::vector<double> us(static_cast<size_t>(blocks), 0.0);
        const long changeAt = static_cast<long>(0.625 * blocks);
        std::vector<float> out(static_cast<size_t>(blocks) * block, 0.0f);
        std::vector<char> rendered(static_cast<size_t>(blocks), 0);
        std::atomic<long> done{ 0 };
        bool realtime = false;
        std::thread audio([&] {
            sched_param sp{};
            sp.sched_priority = 70;
            realtime = pthread_setschedparam(pthread_self(), SCHED_FIFO, &sp) == 0;
            std::vector<float> in(block);
            const auto period = std::chrono::duration<double>(block / rate);
            const auto start = std::chrono::steady_clock::now();
            for (long b = 0; b < blocks; ++b) {
                for (int i = 0; i < block; ++i) in[static_cast<size_t>(i)] = static_cast<float>(0.1 * std::sin(2.0 * M_PI * 110.0 * static_cast<double>(b * block + i) / rate));
                std::this_thread::sleep_until(start + std::chrono::duration_cast<std::chrono::steady_clock::duration>(period * b));
                // As the plugin does: a block the engine did not render is silent.
                const auto t0 = std::chrono::steady_clock::now();
                rendered[static_cast<size_t>(b)] = engine.process(in.data(), out.data() + b * block, block, false) ? 1 : 0;
                us[static_cast<size_t>(b)] = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count();
                done.store(b + 1);
            }
        });
        // The message thread: the engine's answers (the model loaded) and, at changeAt, the other preset.
        long calledAt = -1;
        double pushUs = 0;
        if (swaps > 0) {
            const long second = static_cast<long>(rate / block);
            int made = 0;
            while (done.load() < blocks) {
                if (made < swaps && done.load() >= (made + 1) * second) {
                    graph.setState(readText(made % 2 == 0 ? to : from));
                    ++made;
                }
                flush(graph, engine);
                std::this_thread::sleep_for(std::chrono::milliseconds(1));
            }
            audio.join();
            const double budget = 1e6 * block / rate;
            std::vector<double> sorted(us.begin() + second / 2, us.end()); // after the first half second
            std::sort(sorted.begin(), sorted.end());
            auto* o = new juce::DynamicObject();
            o->setProperty("realtimePriority", realtime);
            o->setProperty("swaps", made);
            o->setProperty("blocks", static_cast<juce::int64>(sorted.size()));
            o->setProperty("budgetUs", budget);
            o->setProperty("medianUs", sorted[sorted.size() / 2]);
            o->setProperty("p99Us", sorted[static_cast<size_t>(0.99 * (sorted.size() - 1))]);
            o->setProperty("maxUs", sorted.back());
            o->setProperty("overBudget", static_cast<int>(std::count_if(sorted.begin(), sorted.end(), [&](double v) { return v > budget; })));
            o->setProperty("overHalfBudget", static_cast<int>(std::count_if(sorted.begin(), sorted.end(), [&](double v) { return v > budget / 2; })));
            juce::DynamicObject::Ptr root = new juce::DynamicObject();
            root->setProperty("modelSwapsWhilePlaying", juce::var(o));
            std::cout << juce::JSON::toString(juce::var(root.get()), true) << std::endl;
            return 0;
        }
        while (done.load() < blocks) {
            if (calledAt < 0 && done.load() >= changeAt) {
                calledAt = done.load();
                graph.setState(readText(to));
                const auto a = std::chrono::steady_clock::now();
                flush(graph, engine);
                pushUs = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - a).count();
            } else {
                flush(graph, engine);
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
        audio.join();

        auto maxStep = [&](long a, long b) {
            double m = 0;
            for (long s = std::max(1L, a * block); s < std::min(blocks, b) * block; ++s)
                m = std::max(m, std::abs(static_cast<double>(out[static_cast<size_t>(s)]) - out[static_cast<size_t>(s - 1)]));
            return m;
        };
        auto peak = [&](long a, long b) {
            double m = 0;
            for (long s = a * block; s < std::min(blocks, b) * block; ++s) m = std::max(m, std::abs(static_cast<double>(out[static_cast<size_t>(s)])));
            return m;
        };
        int silent = 0, notRendered = 0;
        for (long b = calledAt - 4; b < std::min(blocks, calledAt + 40); ++b) {
            bool zero = true;
            for (int i = 0; i < block; ++i) zero = zero && out[static_cast<size_t>(b * block + i)] == 0.0f;
            silent += zero ? 1 : 0;
            notRendered += rendered[static_cast<size_t>(b)] ? 0 : 1;
        }
        const long second = static_cast<long>(rate / block);
        auto* o = new juce::DynamicObject();
        o->setProperty("realtimePriority", realtime);
        o->setProperty("calledAtBlock", static_cast<juce::int64>(calledAt));
        o->setProperty("pushUs", pushUs);
        o->setProperty("blocksNotRendered", notRendered);
        o->setProperty("silentBlocks", silent);
        o->setProperty("maxStepBefore", maxStep(calledAt - second, calledAt - 4));
        o->setProperty("maxStepAfter", maxStep(calledAt + second / 2, blocks));
        o->setProperty("maxStepAroundChange", maxStep(calledAt - 4, calledAt + 40));
        o->setProperty("peakBefore", peak(calledAt - second, calledAt - 4));
        o->setProperty("peakAfter", peak(calledAt + second / 2, blocks));
        juce::DynamicObject::Ptr root = new juce::DynamicObject();
        root->setProperty("heavyGroupWhilePlaying", juce::var(o));
        std::cout << juce::JSON::toString(juce::var(root.get()), true) << std::endl;
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "namrig-engine-test: " << e.what() << std::endl;
        return 1;
    }
}
