// See WebViewChildGuard.h.
#include "WebViewChildGuard.h"

#if defined(__linux__)
#include <csignal>
#include <mutex>
#include <pthread.h>
#include <sys/prctl.h>
#include <unistd.h>
#endif

namespace namrig {

#if defined(__linux__)
namespace {

thread_local bool guardActive = false;
// Written before the guarded fork by the same thread; read in the child (a copy of this memory).
pid_t guardedParent = 0;

extern "C" void exitOnTerm(int) {
    _exit(0);
}

void childAfterFork() {
    if (!guardActive) return;
    guardActive = false; // the child's own forks are none of our business
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != guardedParent) _exit(0); // the parent died before prctl took effect

    // JUCE's killChild() sends SIGTERM when the child has not exited 1.5 s after "quit" (its exit()
    // runs the forked copy of the host's atexit handlers and static destructors, which can be slow or
    // deadlock), then loops until waitpid() reports WIFEXITED — forever, busy, for a child killed by a
    // signal, freezing the host's message thread. Ending with _exit(0) on SIGTERM makes it WIFEXITED.
    struct sigaction action {};
    action.sa_handler = exitOnTerm;
    sigemptyset(&action.sa_mask);
    sigaction(SIGTERM, &action, nullptr);
    sigset_t term;
    sigemptyset(&term);
    sigaddset(&term, SIGTERM);
    sigprocmask(SIG_UNBLOCK, &term, nullptr);
}

void registerOnce() {
    static std::once_flag once;
    std::call_once(once, [] { pthread_atfork(nullptr, nullptr, childAfterFork); });
}

} // namespace

ScopedWebViewChildGuard::ScopedWebViewChildGuard() : wasActive(guardActive) {
    registerOnce();
    guardedParent = getpid();
    guardActive = true;
}

ScopedWebViewChildGuard::~ScopedWebViewChildGuard() {
    guardActive = wasActive;
}
#else
ScopedWebViewChildGuard::ScopedWebViewChildGuard() : wasActive(false) {}
ScopedWebViewChildGuard::~ScopedWebViewChildGuard() {}
#endif

} // namespace namrig
