// See WebViewReaper.h.
#include "WebViewReaper.h"

namespace namrig {

JUCE_IMPLEMENT_SINGLETON(WebViewReaper)

void WebViewReaper::reap(std::unique_ptr<juce::WebBrowserComponent> browser, std::function<double()> msSinceLastCommand) {
    auto* reaper = getInstance();
    reaper->pending.push_back({ std::move(browser), std::move(msSinceLastCommand) });
    reaper->startTimer(50);
}

WebViewReaper::~WebViewReaper() {
    stopTimer();
    pending.clear();
    clearSingletonInstance();
}

void WebViewReaper::timerCallback() {
    for (auto it = pending.begin(); it != pending.end();) {
        if (it->msSinceLastCommand() >= kQuietMs) it = pending.erase(it); // deletes the browser
        else ++it;
    }
    if (pending.empty()) stopTimer();
}

} // namespace namrig
