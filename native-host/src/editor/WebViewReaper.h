// Deletes a closed editor's WebBrowserComponent later, once its page has gone quiet.
//
// JUCE 7.0.5's Linux WebBrowserComponent deadlocks when it is destroyed while its helper process is
// sending a command: its reader thread posts the command (pageAboutToLoad, pageFinishedLoading, …) to
// the message thread and waits for it to run, while the destructor, on the message thread, waits for
// that reader thread to exit. The bridge's page polls the host several times a second, so closing
// the editor hit this (seen in the UI smoke test: the host froze in ~WebBrowserComponent). The editor
// therefore points the browser at about:blank, stops reacting to it, and hands it here; it is deleted
// on the message thread once no command has arrived for kQuietMs (any command that was queued has run
// by then). Browsers still waiting when JUCE shuts down are deleted then.
#pragma once

#include <juce_gui_extra/juce_gui_extra.h>

#include <functional>
#include <memory>
#include <vector>

namespace namrig {

class WebViewReaper : private juce::Timer, public juce::DeletedAtShutdown {
public:
    static constexpr double kQuietMs = 300.0;

    // `msSinceLastCommand` tells how long ago the browser last called back (message thread).
    static void reap(std::unique_ptr<juce::WebBrowserComponent> browser, std::function<double()> msSinceLastCommand);

    ~WebViewReaper() override;

    JUCE_DECLARE_SINGLETON_SINGLETHREADED_MINIMAL(WebViewReaper)

private:
    WebViewReaper() = default;
    void timerCallback() override;

    struct Pending {
        std::unique_ptr<juce::WebBrowserComponent> browser;
        std::function<double()> msSinceLastCommand;
    };
    std::vector<Pending> pending;
};

} // namespace namrig
