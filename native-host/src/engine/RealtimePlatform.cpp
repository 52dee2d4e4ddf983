// See RealtimePlatform.h.
#include "RealtimePlatform.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <pthread.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <vector>

namespace namrig {

namespace {
thread_local bool realtimeThread = false;
std::atomic<long> realtimeJobCount{ 0 };

// A job that only the joining thread runs. (libplatform's own job with no workers is not enough: once
// joined it lets the job ask for workers — the scavenger does, as its work list grows — and then waits
// for them to return.)
class JoinerOnlyJob final : public v8::JobHandle {
public:
    explicit JoinerOnlyJob(std::unique_ptr<v8::JobTask> task) : task_(std::move(task)) {}

    void NotifyConcurrencyIncrease() override {}
    void Join() override
    {
        Delegate delegate(*this);
        while (valid_.load(std::memory_order_relaxed) && task_->GetMaxConcurrency(0) > 0) task_->Run(&delegate);
        valid_.store(false, std::memory_order_relaxed);
    }
    // Cancelling stops the work at its next yield check; the task itself lives as long as the handle.
    void Cancel() override { valid_.store(false, std::memory_order_relaxed); }
    void CancelAndDetach() override { valid_.store(false, std::memory_order_relaxed); }
    bool IsActive() override { return valid_.load(std::memory_order_relaxed) && task_->GetMaxConcurrency(0) > 0; }
    bool IsValid() override { return valid_.load(std::memory_order_relaxed); }

private:
    class Delegate final : public v8::JobDelegate {
    public:
        explicit Delegate(JoinerOnlyJob& job) : job_(job) {}
        bool ShouldYield() override { return !job_.valid_.load(std::memory_order_relaxed); }
        void NotifyConcurrencyIncrease() override {}
        uint8_t GetTaskId() override { return 0; }
        bool IsJoiningThread() const override { return true; }

    private:
        JoinerOnlyJob& job_;
    };
    const std::unique_ptr<v8::JobTask> task_;
    std::atomic<bool> valid_{ true };
};
} // namespace

RealtimePlatform::RealtimePlatform(std::unique_ptr<v8::Platform> inner)
    : inner_(std::move(inner)), shared_(std::getenv("NAMRIG_RT_JOBS_SHARED") != nullptr)
{
    if (!shared_) raiseWorkerPriority();
}

namespace {

// Raises the priority of the worker thread it runs on, after all `workers` such tasks have started (so
// each runs on its own worker: one waiting at the barrier cannot take another).
struct RaiseBarrier {
    std::mutex m;
    std::condition_variable cv;
    int arrived = 0, done = 0;
    std::vector<std::string> results;
};

class RaiseWorkerPriority final : public v8::Task {
public:
    RaiseWorkerPriority(std::shared_ptr<RaiseBarrier> b, int workers) : barrier_(std::move(b)), workers_(workers) {}
    void Run() override
    {
        std::unique_lock<std::mutex> lock(barrier_->m);
        ++barrier_->arrived;
        barrier_->cv.notify_all();
        barrier_->cv.wait_for(lock, std::chrono::milliseconds(500), [&] { return barrier_->arrived >= workers_; });
        sched_param sp{};
        sp.sched_priority = 1;
        std::string result = "normal";
        if (pthread_setschedparam(pthread_self(), SCHED_FIFO, &sp) == 0) result = "SCHED_FIFO 1";
        else if (setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), -10) == 0) result = "nice -10";
        barrier_->results.push_back(result);
        ++barrier_->done;
        barrier_->cv.notify_all();
    }

private:
    std::shared_ptr<RaiseBarrier> barrier_;
    const int workers_;
};

} // namespace

void RealtimePlatform::raiseWorkerPriority()
{
    const int workers = inner_->NumberOfWorkerThreads();
    auto barrier = std::make_shared<RaiseBarrier>();
    for (int i = 0; i < workers; ++i) inner_->CallOnWorkerThread(std::make_unique<RaiseWorkerPriority>(barrier, workers));
    std::unique_lock<std::mutex> lock(barrier->m);
    barrier->cv.wait_for(lock, std::chrono::seconds(2), [&] { return barrier->done >= workers; });
    const auto& r = barrier->results;
    workerPriority_ = r.empty() ? "normal" : std::all_of(r.begin(), r.end(), [&](const std::string& x) { return x == r.front(); }) ? r.front() : "mixed";
    if (static_cast<int>(r.size()) < workers) workerPriority_ += " (" + std::to_string(r.size()) + " of " + std::to_string(workers) + " workers)";
}

RealtimePlatform::RealtimeThreadScope::RealtimeThreadScope() noexcept : wasRealtime_(realtimeThread) { realtimeThread = true; }

RealtimePlatform::RealtimeThreadScope::~RealtimeThreadScope() { realtimeThread = wasRealtime_; }

long RealtimePlatform::realtimeJobs() noexcept { return realtimeJobCount.load(std::memory_order_relaxed); }

std::unique_ptr<v8::JobHandle> RealtimePlatform::PostJob(v8::TaskPriority priority, std::unique_ptr<v8::JobTask> task)
{
    // Posting it schedules nothing; Join() runs all of it on the joining thread.
    if (realtimeThread && !shared_ && priority == v8::TaskPriority::kUserBlocking) {
        realtimeJobCount.fetch_add(1, std::memory_order_relaxed);
        return std::make_unique<JoinerOnlyJob>(std::move(task));
    }
    return inner_->PostJob(priority, std::move(task));
}

} // namespace namrig
