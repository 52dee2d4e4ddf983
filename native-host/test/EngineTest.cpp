// namrig-engine-test: the plugin's engine (GraphEngine + AudioEngine on the engine bundles) without the
// plugin around it, for checks that need a host's concurrency.
//
//   namrig-engine-test --engine build/engine --from a.json --to b.json [--rate 48000] [--block 128] [--seconds 4]
//                      [--swaps N [--bypass-from S --bypass-to S]]
//
// heavy group while playing: a real-time thread plays a steady 110 Hz sine through preset `from` in
// paced blocks (128 samples unless --block), as a host's audio thread does; 2.5 s in, this (the message) thread restores
// preset `to` — another IR, a heavy op group that keeps the audio thread out of the engine for a few
// milliseconds. Reports the blocks around the change that came out silent, the largest sample-to-sample
// step there against the largest in the steady stretches before and after, and the output's level.
// With --swaps N: instead, N alternations between the two presets, one a second, while the thread plays;
// reports every block's processing time (the stepped model builds run in them) against the budget, and
// the audio isolate's garbage collections: which kind ran in each slow block (over half the budget).
// Then, from a second after the last load to the end (1.5 s), what the audio isolate allocated per
// block (steadyAfterLoads): a model's code re-optimised after its install allocates nothing.
// Prints one JSON object on stdout.
#include "engine/AudioEngine.h"
#include "engine/GraphEngine.h"
#include "engine/RealtimePlatform.h"
#include "ThreadUsage.h"

#include <juce_core/juce_core.h>

#include <pthread.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <iostream>
#include <thread>
#include <vector>

using namespace namrig;

namespace {
// BUILD_STEPS in src/dsp/engine/native/native-rig-audio.ts, after "none".
const std::vector<const char*> stepNames{ "none", "size", "memory", "construct", "pack", "reset", "prewarm", "install" };
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
    double bypassFrom = -1, bypassTo = -1; // seconds into the run the host bypasses the plugin (--swaps)
    int swaps = 0, block = 128;
    for (int i = 1; i + 1 < argc; i += 2) {
        const juce::String key(argv[i]), value(argv[i + 1]);
        if (key == "--engine") engineDir = juce::File(value);
        else if (key == "--from") from = juce::File(value);
        else if (key == "--to") to = juce::File(value);
        else if (key == "--rate") rate = value.getDoubleValue();
        else if (key == "--seconds") seconds = value.getDoubleValue();
        else if (key == "--swaps") swaps = value.getIntValue();
        else if (key == "--block") block = juce::jlimit(1, 4096, value.getIntValue());
        else if (key == "--bypass-from") bypassFrom = value.getDoubleValue();
        else if (key == "--bypass-to") bypassTo = value.getDoubleValue();
    }
    try {
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

        if (swaps > 0) seconds = swaps + 2.5;
        const long blocks = static_cast<long>(seconds * rate / block);
        std::vector<double> us(static_cast<size_t>(blocks), 0.0);
        const long changeAt = static_cast<long>(0.625 * blocks);
        std::vector<float> out(static_cast<size_t>(blocks) * block, 0.0f);
        std::vector<char> rendered(static_cast<size_t>(blocks), 0);
        std::vector<char> gcIn(static_cast<size_t>(blocks), 0); // 1: a scavenge in the block, 2: a full GC
        std::vector<char> stepIn(static_cast<size_t>(blocks), 0); // the build step the block ran (AudioEngine::lastBuildStep)
        std::vector<short> groupsIn(static_cast<size_t>(blocks), 0), eventsIn(static_cast<size_t>(blocks), 0); // op groups applied, answers queued
        std::vector<char> waitedIn(static_cast<size_t>(blocks), 0); // the audio thread waited (a voluntary switch) in the block
        std::vector<long long> startNs(static_cast<size_t>(blocks), 0); // steady_clock (CLOCK_MONOTONIC) at the block's start, for perf -k mono
        std::vector<size_t> young(static_cast<size_t>(blocks), 0); // the young generation's bytes after the block (--swaps)
        std::atomic<long> done{ 0 };
        const auto gcsBefore = engine.gcCounts();
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
                const auto gc0 = engine.gcCounts();
                const auto u0 = namrig::test::ThreadUsage::now();
                const auto t0 = std::chrono::steady_clock::now();
                startNs[static_cast<size_t>(b)] = std::chrono::duration_cast<std::chrono::nanoseconds>(t0.time_since_epoch()).count();
                const double at = static_cast<double>(b) * block / rate;
                rendered[static_cast<size_t>(b)] = engine.process(in.data(), out.data() + b * block, block, at >= bypassFrom && at < bypassTo) ? 1 : 0;
                us[static_cast<size_t>(b)] = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count();
                waitedIn[static_cast<size_t>(b)] = namrig::test::ThreadUsage::now().voluntary > u0.voluntary ? 1 : 0;
                const auto gc1 = engine.gcCounts();
                gcIn[static_cast<size_t>(b)] = gc1.major > gc0.major ? 2 : gc1.minor > gc0.minor ? 1 : 0;
                stepIn[static_cast<size_t>(b)] = static_cast<char>(engine.lastBuildStep());
                groupsIn[static_cast<size_t>(b)] = static_cast<short>(engine.lastBlockGroups());
                eventsIn[static_cast<size_t>(b)] = static_cast<short>(engine.lastBlockEvents());
                if (swaps > 0) young[static_cast<size_t>(b)] = engine.youngBytesInUse();
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
            // The slow blocks (over half the budget): when, how long, and whether a GC ran in them.
            juce::Array<juce::var> slow;
            int slowWithGc = 0;
            int overBy[3] = { 0, 0, 0 }; // blocks over the budget with no GC, a scavenge, a full GC in them
            for (long b = second / 2; b < blocks; ++b) {
                if (us[static_cast<size_t>(b)] <= 0.5e6 * block / rate) continue;
                const int gc = gcIn[static_cast<size_t>(b)];
                slowWithGc += gc > 0 ? 1 : 0;
                if (us[static_cast<size_t>(b)] > 1e6 * block / rate) ++overBy[gc];
                auto* e = new juce::DynamicObject();
                e->setProperty("block", static_cast<juce::int64>(b));
                e->setProperty("us", std::round(us[static_cast<size_t>(b)]));
                e->setProperty("gc", gc == 2 ? "full" : gc == 1 ? "scavenge" : "none");
                e->setProperty("step", stepNames[static_cast<size_t>(stepIn[static_cast<size_t>(b)])]);
                e->setProperty("groups", groupsIn[static_cast<size_t>(b)]);
                e->setProperty("events", eventsIn[static_cast<size_t>(b)]);
                e->setProperty("waited", waitedIn[static_cast<size_t>(b)] != 0);
                e->setProperty("startNs", static_cast<juce::int64>(startNs[static_cast<size_t>(b)]));
                slow.add(juce::var(e));
            }
            const auto gcs = engine.gcCounts();
            // Per build step: how many blocks ran it, and their median and largest time (GC blocks included).
            auto* steps = new juce::DynamicObject();
            for (size_t k = 1; k < stepNames.size(); ++k) {
                std::vector<double> t;
                for (long b = second / 2; b < blocks; ++b)
                    if (static_cast<size_t>(stepIn[static_cast<size_t>(b)]) == k) t.push_back(us[static_cast<size_t>(b)]);
                if (t.empty()) continue;
                std::sort(t.begin(), t.end());
                auto* e = new juce::DynamicObject();
                e->setProperty("blocks", static_cast<int>(t.size()));
                e->setProperty("medianUs", std::round(t[t.size() / 2]));
                e->setProperty("maxUs", std::round(t.back()));
                steps->setProperty(juce::Identifier(stepNames[k]), juce::var(e));
            }
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
            o->setProperty("overHalfBudgetWithGc", slowWithGc);
            // Blocks in which the audio thread waited on another thread, and the time of every block
            // that ran a scavenge (RealtimePlatform: its GC jobs run on it alone, so none waits).
            o->setProperty("blocksThatWaited", static_cast<int>(std::count(waitedIn.begin() + second / 2, waitedIn.end(), 1)));
            juce::Array<juce::var> scavengeUs;
            for (long b = second / 2; b < blocks; ++b)
                if (gcIn[static_cast<size_t>(b)] == 1) scavengeUs.add(std::round(us[static_cast<size_t>(b)]));
            o->setProperty("scavengeBlocksUs", scavengeUs);
            o->setProperty("realtimeJobs", static_cast<juce::int64>(RealtimePlatform::realtimeJobs()));
            o->setProperty("workerPriority", juce::String(JsIsolate::workerPriority()));
            o->setProperty("overBudgetNoGc", overBy[0]);
            o->setProperty("overBudgetScavenge", overBy[1]);
            o->setProperty("overBudgetFullGc", overBy[2]);
            o->setProperty("scavenges", static_cast<juce::int64>(gcs.minor - gcsBefore.minor));
            o->setProperty("fullGcs", static_cast<juce::int64>(gcs.major - gcsBefore.major));
            o->setProperty("slowBlocks", slow);
            o->setProperty("buildSteps", juce::var(steps));
            // Steady playing after the loads: young-generation growth summed over the blocks with no GC in
            // them (a GC empties it), the GCs, and any block that still ran a build step.
            {
                const long from = (swaps + 1) * second;
                double bytes = 0;
                int steadyBlocks = 0, scavengesThen = 0, fullGcsThen = 0, buildBlocks = 0;
                for (long b = from + 1; b < blocks; ++b) {
                    const auto i = static_cast<size_t>(b);
                    ++steadyBlocks;
                    scavengesThen += gcIn[i] == 1 ? 1 : 0;
                    fullGcsThen += gcIn[i] == 2 ? 1 : 0;
                    buildBlocks += stepIn[i] != 0 ? 1 : 0;
                    if (gcIn[i] == 0 && young[i] > young[i - 1]) bytes += static_cast<double>(young[i] - young[i - 1]);
                }
                auto* st = new juce::DynamicObject();
                st->setProperty("blocks", steadyBlocks);
                st->setProperty("bytesPerBlock", steadyBlocks > 0 ? bytes / steadyBlocks : 0.0);
                st->setProperty("scavenges", scavengesThen);
                st->setProperty("fullGcs", fullGcsThen);
                st->setProperty("buildBlocks", buildBlocks);
                o->setProperty("steadyAfterLoads", juce::var(st));
            }
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
