// The calling thread's own accounts (for the test programs' per-block timing): its CPU time and how
// often it waited, was switched out, or faulted to disk. Read before and after a block, the differences
// tell a block that did too much work, or waited on another thread, from one that lost the CPU to
// something outside the process.
#pragma once

#include <sys/resource.h>
#include <time.h>

namespace namrig::test {

// What the calling thread has used so far: its CPU time (user + system; with the kernel's paravirtual
// steal accounting, time the hypervisor took the vCPU away is not in it), the times it gave up the CPU
// to wait (voluntary switches: a lock, a futex, I/O), was switched out (involuntary: a higher-priority
// thread), and page faults that needed I/O.
struct ThreadUsage {
    double cpuUs = 0;
    long voluntary = 0, involuntary = 0, majorFaults = 0;
    static ThreadUsage now()
    {
        ThreadUsage u;
        timespec ts{};
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
        u.cpuUs = static_cast<double>(ts.tv_sec) * 1e6 + static_cast<double>(ts.tv_nsec) / 1e3;
        rusage r{};
        getrusage(RUSAGE_THREAD, &r);
        u.voluntary = r.ru_nvcsw;
        u.involuntary = r.ru_nivcsw;
        u.majorFaults = r.ru_majflt;
        return u;
    }
};

} // namespace namrig::test
