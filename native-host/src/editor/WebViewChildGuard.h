// Makes the WebView helper process that JUCE 7.0.5 forks on Linux die with its parent.
//
// Inside a plugin, JUCE's WebBrowserComponent fork()s and runs GTK/WebKit in the child without exec.
// When the host dies, that child reads EOF from its command pipe forever (JUCE's CommandReceiver
// loops on read() == 0) and spins at 100% CPU as an orphan. Holding a ScopedWebViewChildGuard on the
// thread that constructs the WebBrowserComponent registers (once per process) a pthread_atfork child
// handler that, only for forks made by that thread while the guard lives, sets
// prctl(PR_SET_PDEATHSIG, SIGKILL) in the child and exits it at once if the parent is already gone.
// The flag is cleared inside the child, so the child's own forks (WebKit's helper processes) are not
// affected; forks by other threads of the host are never affected. glibc unregisters the handler when
// the plugin's library is unloaded.
//
// The same handler makes the child end with _exit(0) on SIGTERM: JUCE's killChild() SIGTERMs a child
// that has not exited 1.5 s after "quit", then loops until waitpid() says WIFEXITED — forever (busy,
// on the host's message thread) for a child that a signal killed. Seen here: the host hung when closing
// the editor under load.
//
// PR_SET_PDEATHSIG fires when the forking *thread* ends: the message thread, which lives as long as
// the plugin's UI can. The standalone app fork()+exec()s itself; the setting survives exec.
#pragma once

namespace namrig {

class ScopedWebViewChildGuard {
public:
    ScopedWebViewChildGuard();
    ~ScopedWebViewChildGuard();
    ScopedWebViewChildGuard(const ScopedWebViewChildGuard&) = delete;
    ScopedWebViewChildGuard& operator=(const ScopedWebViewChildGuard&) = delete;

private:
    bool wasActive;
};

} // namespace namrig
