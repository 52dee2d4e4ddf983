// The process's V8 platform: libplatform's default one, except that the audio thread never waits on
// V8's worker threads.
//
// V8 runs a scavenge (and the parallel phases of a full GC's pause) as a job that the thread which
// triggered it posts to the worker pool and then joins. When a worker has taken part of the job, the
// joining thread waits for that worker to finish — and the workers run at normal priority, so on a busy
// machine (a DAW's other threads, a CI machine's other processes) a real-time audio thread can sit in
// that wait for milliseconds: a priority inversion (measured: `futex_wait` under
// `DefaultJobState::Join` from `ScavengerCollector::CollectGarbage` on the audio thread; native-host/README.md).
//
// So a thread marked real-time (`RealtimeThreadScope`, which AudioEngine::process opens) gets, for the
// jobs it posts to be joined at once (priority kUserBlocking), a job with no worker threads: it does all
// of the work itself when it joins, taking CPU time on the audio thread but never waiting. Other jobs
// (concurrent marking and sweeping, background compilation), and every job of other threads, go to the
// worker pool as before.
//
// A GC on the audio thread also stops every thread working in its isolate at a safepoint — background
// TurboFan compilation (code re-optimised after a model install) is such a thread — and waits for them
// to get there: the same inversion when the worker is starved. So the worker threads run at the lowest
// real-time priority (SCHED_FIFO 1: above every normal thread, below any audio thread), or at nice -10
// where real-time scheduling is not allowed; workerPriority() says which.
//
// Diagnostics: with NAMRIG_RT_JOBS_SHARED set, real-time threads' jobs go to the worker pool too (as
// before this platform existed), to measure the waits it removes.
#pragma once

#include <memory>
#include <string>
#include <v8-platform.h>

namespace namrig {

class RealtimePlatform final : public v8::Platform {
public:
    explicit RealtimePlatform(std::unique_ptr<v8::Platform> inner);

    // Marks the current thread real-time while it lives (nestable; cheap: a thread-local flag).
    class RealtimeThreadScope {
    public:
        RealtimeThreadScope() noexcept;
        ~RealtimeThreadScope();
        RealtimeThreadScope(const RealtimeThreadScope&) = delete;
        RealtimeThreadScope& operator=(const RealtimeThreadScope&) = delete;

    private:
        bool wasRealtime_;
    };
    // Jobs posted from real-time threads that ran without workers, since the process started (diagnostics).
    static long realtimeJobs() noexcept;
    // What the worker threads got: "SCHED_FIFO 1", "nice -10", "normal" (not allowed), or "mixed".
    std::string workerPriority() const { return workerPriority_; }

    std::unique_ptr<v8::JobHandle> PostJob(v8::TaskPriority priority, std::unique_ptr<v8::JobTask> task) override;

    // The rest is libplatform's.
    v8::PageAllocator* GetPageAllocator() override { return inner_->GetPageAllocator(); }
    v8::ZoneBackingAllocator* GetZoneBackingAllocator() override { return inner_->GetZoneBackingAllocator(); }
    void OnCriticalMemoryPressure() override { inner_->OnCriticalMemoryPressure(); }
    bool OnCriticalMemoryPressure(size_t length) override { return inner_->OnCriticalMemoryPressure(length); }
    int NumberOfWorkerThreads() override { return inner_->NumberOfWorkerThreads(); }
    std::shared_ptr<v8::TaskRunner> GetForegroundTaskRunner(v8::Isolate* isolate) override { return inner_->GetForegroundTaskRunner(isolate); }
    void CallOnWorkerThread(std::unique_ptr<v8::Task> task) override { inner_->CallOnWorkerThread(std::move(task)); }
    void CallBlockingTaskOnWorkerThread(std::unique_ptr<v8::Task> task) override { inner_->CallBlockingTaskOnWorkerThread(std::move(task)); }
    void CallLowPriorityTaskOnWorkerThread(std::unique_ptr<v8::Task> task) override { inner_->CallLowPriorityTaskOnWorkerThread(std::move(task)); }
    void CallDelayedOnWorkerThread(std::unique_ptr<v8::Task> task, double delaySeconds) override { inner_->CallDelayedOnWorkerThread(std::move(task), delaySeconds); }
    bool IdleTasksEnabled(v8::Isolate* isolate) override { return inner_->IdleTasksEnabled(isolate); }
    double MonotonicallyIncreasingTime() override { return inner_->MonotonicallyIncreasingTime(); }
    double CurrentClockTimeMillis() override { return inner_->CurrentClockTimeMillis(); }
    StackTracePrinter GetStackTracePrinter() override { return inner_->GetStackTracePrinter(); }
    v8::TracingController* GetTracingController() override { return inner_->GetTracingController(); }
    void DumpWithoutCrashing() override { inner_->DumpWithoutCrashing(); }
    v8::HighAllocationThroughputObserver* GetHighAllocationThroughputObserver() override { return inner_->GetHighAllocationThroughputObserver(); }

private:
    std::unique_ptr<v8::Platform> inner_;
    const bool shared_; // NAMRIG_RT_JOBS_SHARED
    std::string workerPriority_;
    void raiseWorkerPriority();
};

} // namespace namrig
