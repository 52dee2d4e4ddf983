// The plugin's editor: the web app's React UI (built into one HTML file, dist/plugin-ui/index.html,
// embedded with juce_add_binary_data) in a JUCE WebBrowserComponent, bridged to the processor's
// BridgeEndpoint.
//
//   page → host: the page navigates hidden iframes to bridge:// URLs (src/ui/bridge-transport.ts);
//                pageAboutToLoad refuses them and feeds them to a BridgeReassembler, whose whole
//                messages go to endpoint.handleUiMessage (message thread).
//   host → page: a 30 Hz timer takes endpoint.takeMessagesForUi() and keeps only the newest meter
//                reading; when the page has handed the host the turn (a bridge://t/ URL ending its
//                batch) and has finished loading (an earlier push aborts the load), it sends them all in
//                one javascript: URL (BridgePushScript.h) that also hands the turn back with the number
//                of messages received. Pushing only on the host's turn matters: a push cancels the
//                page's iframe navigations still in flight (src/ui/bridge-framing.ts).
//
// Test hook: when the environment variable NAMRIG_EDITOR_TEST_SCRIPT names a JavaScript file, the
// editor runs it in the page once, in its first push after the page has loaded (the UI smoke test
// drives the page's BridgeTransport with it). Nothing happens when it is unset.
//
// On Linux it also guards the WebKit helper process JUCE forks (WebViewChildGuard.h) and, when
// WebKitGTK cannot be loaded, shows what to install instead of an empty view (WebKitAvailability.h).
#pragma once

#include <juce_audio_processors/juce_audio_processors.h>
#include <juce_gui_extra/juce_gui_extra.h>

#include <memory>

#include "../BridgeEndpoint.h"
#include "BridgeReassembler.h"

namespace namrig {

class PluginEditor : public juce::AudioProcessorEditor, private juce::Timer {
public:
    static constexpr int kPushRateHz = 30;
    static constexpr int kMaxWaitingMessages = 4096;

    PluginEditor(juce::AudioProcessor& processorToEdit, BridgeEndpoint& endpoint);
    ~PluginEditor() override;

    void paint(juce::Graphics& g) override;
    void resized() override;

private:
    class Browser;

    // From the browser (message thread).
    bool allowNavigation(const juce::String& url);
    void pageFinished(const juce::String& url);
    void pageFailed(const juce::String& error);
    bool isOurPage(const juce::String& url) const;

    void timerCallback() override;
    void queueForPage(const juce::String& json);
    void reportToPage(const juce::String& message);
    std::string takeTestScript();

    BridgeEndpoint& endpoint;
    BridgeReassembler reassembler;
    juce::File pageFile;
    juce::String pageUrl;
    juce::String unavailableReason;
    std::unique_ptr<Browser> browser;
    bool pageLoaded = false;
    bool hostHasTurn = false;
    std::string turnSession;
    std::uint64_t turnAck = 0;
    bool testScriptRun = false;
    juce::StringArray waiting;

    JUCE_DECLARE_NON_COPYABLE_WITH_LEAK_DETECTOR(PluginEditor)
};

} // namespace namrig
