// What the plugin's WebView editor talks to: JSON message texts in, JSON message texts out.
// The message shapes are defined once, in src/ui/bridge-protocol.ts (UiToHost / HostToUi).
// The editor (WebView + bridge plumbing) only moves texts; the processor implements this interface
// by handing them to its graph-side JS, which interprets them.
#pragma once

#include <juce_core/juce_core.h>

namespace namrig {

class BridgeEndpoint {
public:
    virtual ~BridgeEndpoint() = default;

    // One whole UiToHost message (JSON text). Called on the message thread.
    virtual void handleUiMessage(const juce::String& json) = 0;

    // The HostToUi messages (JSON texts) produced since the last call, oldest first, meters included
    // (the editor calls this from a ≤ 30 Hz timer on the message thread and pushes them to the page).
    virtual juce::StringArray takeMessagesForUi() = 0;

    // The editor closed (message thread): the endpoint may let go of what the UI session left behind.
    virtual void uiClosed() {}
};

} // namespace namrig
