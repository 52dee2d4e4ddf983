// See PluginEditor.h.
#include "PluginEditor.h"

#include "BridgePushScript.h"
#include "PluginUiPage.h"
#include "WebKitAvailability.h"
#include "WebViewChildGuard.h"
#include "WebViewReaper.h"

#include <vector>

namespace namrig {

namespace {

const juce::Colour kBackground { 0xff16171b };

bool isMeters(const juce::String& json) {
    if (!json.contains("meters")) return false;
    return juce::JSON::parse(json).getProperty("type", {}).toString() == "meters";
}

} // namespace

class PluginEditor::Browser : public juce::WebBrowserComponent {
public:
    explicit Browser(PluginEditor& ownerToUse)
        : juce::WebBrowserComponent(Options {}.withKeepPageLoadedWhenBrowserIsHidden()), owner(&ownerToUse) {}

    // The editor is going away: react to nothing more, unload the page (its polling stops).
    void detach() {
        owner = nullptr;
        goToURL("about:blank");
    }

    double msSinceLastCommand() const { return juce::Time::getMillisecondCounterHiRes() - lastCommandMs; }

    bool pageAboutToLoad(const juce::String& url) override {
        touch();
        return owner != nullptr ? owner->allowNavigation(url) : url == "about:blank";
    }
    void pageFinishedLoading(const juce::String& url) override {
        touch();
        if (owner != nullptr) owner->pageFinished(url);
    }
    bool pageLoadHadNetworkError(const juce::String& error) override {
        touch();
        if (owner != nullptr) owner->pageFailed(error);
        return false;
    }
    void newWindowAttemptingToLoad(const juce::String&) override { touch(); }
    void windowCloseRequest() override { touch(); }

private:
    void touch() { lastCommandMs = juce::Time::getMillisecondCounterHiRes(); }

    PluginEditor* owner;
    double lastCommandMs = juce::Time::getMillisecondCounterHiRes();
};

PluginEditor::PluginEditor(juce::AudioProcessor& processorToEdit, BridgeEndpoint& endpointToUse)
    : juce::AudioProcessorEditor(processorToEdit), endpoint(endpointToUse) {
    setOpaque(true);
    setResizable(true, true);
    setResizeLimits(640, 420, 2400, 1800);
    setSize(980, 700);

    unavailableReason = juce::String::fromUTF8(webViewUnavailableReason().c_str());
    if (unavailableReason.isEmpty()) {
        pageFile = writePluginUiPage();
        if (pageFile.existsAsFile()) pageUrl = juce::URL(pageFile).toString(false);
        else unavailableReason = "The plugin's interface could not be written to disk (" + pageFile.getFullPathName() + ").";
    }

    if (unavailableReason.isEmpty()) {
        {
            const ScopedWebViewChildGuard guard; // the helper process JUCE forks now dies with the host
            browser = std::make_unique<Browser>(*this);
        }
        addAndMakeVisible(*browser);
        browser->goToURL(pageUrl);
    } else {
        juce::Logger::writeToLog("NAM rig editor: " + unavailableReason);
    }
    resized();
    startTimerHz(kPushRateHz);
}

PluginEditor::~PluginEditor() {
    stopTimer();
    endpoint.uiClosed();
    if (browser != nullptr) {
        // Not deleted here: see WebViewReaper.h (JUCE's destructor deadlocks if a command is in flight).
        removeChildComponent(browser.get());
        browser->setVisible(false);
        browser->detach();
        auto* raw = browser.get();
        WebViewReaper::reap(std::unique_ptr<juce::WebBrowserComponent>(browser.release()), [raw] { return raw->msSinceLastCommand(); });
    }
}

void PluginEditor::paint(juce::Graphics& g) {
    g.fillAll(kBackground);
    if (unavailableReason.isNotEmpty()) {
        g.setColour(juce::Colours::white.withAlpha(0.9f));
        g.setFont(16.0f);
        g.drawFittedText("NAM rig\n\n" + unavailableReason, getLocalBounds().reduced(40), juce::Justification::centred, 12);
    }
}

void PluginEditor::resized() {
    if (browser != nullptr) browser->setBounds(getLocalBounds());
}

bool PluginEditor::allowNavigation(const juce::String& url) {
    const std::string text = url.toStdString();
    if (BridgeReassembler::isBridgeUrl(text)) {
        try {
            if (BridgeReassembler::isTurnUrl(text)) {
                turnAck = reassembler.acceptTurn(text);
                turnSession = reassembler.currentSession();
                hostHasTurn = true;
            } else {
                for (const auto& json : reassembler.accept(text)) endpoint.handleUiMessage(juce::String::fromUTF8(json.data(), int(json.size())));
            }
        } catch (const BridgeReassembler::Error& e) {
            reportToPage(juce::String::fromUTF8(e.what()));
        }
        return false; // never navigate to a bridge URL
    }
    if (url.startsWith("javascript:") || url == "about:blank") return true;
    if (isOurPage(url)) {
        pageLoaded = false; // (re)loading the page: hold pushes until it has finished
        hostHasTurn = false;
        return true;
    }
    return false; // the UI has no business leaving its page
}

bool PluginEditor::isOurPage(const juce::String& url) const {
    if (pageUrl.isEmpty() || !url.startsWithIgnoreCase("file:")) return false;
    return juce::URL(url.upToFirstOccurrenceOf("?", false, false).upToFirstOccurrenceOf("#", false, false)).getLocalFile() == pageFile;
}

void PluginEditor::pageFinished(const juce::String& url) {
    if (isOurPage(url)) pageLoaded = true;
}

std::string PluginEditor::takeTestScript() {
    const auto path = juce::SystemStats::getEnvironmentVariable("NAMRIG_EDITOR_TEST_SCRIPT", {});
    if (testScriptRun || path.isEmpty()) return {};
    testScriptRun = true;
    const juce::File file(path);
    if (!file.existsAsFile()) {
        reportToPage("NAMRIG_EDITOR_TEST_SCRIPT names no file: " + path);
        return {};
    }
    return file.loadFileAsString().toStdString();
}

void PluginEditor::pageFailed(const juce::String& error) {
    juce::Logger::writeToLog("NAM rig editor: the page did not load: " + error);
}

void PluginEditor::queueForPage(const juce::String& json) {
    if (isMeters(json)) {
        for (int i = waiting.size(); --i >= 0;)
            if (isMeters(waiting[i])) waiting.remove(i); // only the newest reading matters
    }
    waiting.add(json);
    if (waiting.size() > kMaxWaitingMessages) waiting.removeRange(0, waiting.size() - kMaxWaitingMessages);
}

void PluginEditor::reportToPage(const juce::String& message) {
    juce::Logger::writeToLog("NAM rig editor: " + message);
    auto* error = new juce::DynamicObject();
    error->setProperty("source", "engine");
    error->setProperty("message", message);
    auto* m = new juce::DynamicObject();
    m->setProperty("type", "error");
    m->setProperty("error", juce::var(error));
    queueForPage(juce::JSON::toString(juce::var(m), true));
}

void PluginEditor::timerCallback() {
    for (const auto& json : endpoint.takeMessagesForUi()) queueForPage(json);
    if (!pageLoaded || !hostHasTurn || browser == nullptr) return;
    std::vector<std::string> texts;
    texts.reserve(size_t(waiting.size()));
    for (const auto& json : waiting) texts.push_back(json.toStdString());
    waiting.clearQuick();
    hostHasTurn = false;
    browser->goToURL(juce::String::fromUTF8(makeBridgePushUrl(texts, turnSession, turnAck, takeTestScript()).c_str()));
}

} // namespace namrig
