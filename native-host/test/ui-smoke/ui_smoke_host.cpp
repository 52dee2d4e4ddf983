// The UI smoke-test host: loads a built .vst3 (the real plugin or the stand-in), opens its editor in a
// window on the X display (Xvfb in the test) and checks the WebView bridge from the outside, through
// the host's parameters only. Driven by test/native/ui-smoke.test.ts, which also writes the page
// script (NAMRIG_EDITOR_TEST_SCRIPT) that sets "Tone stack Treble" to 8.2 once the page has loaded,
// and sets "Tone stack Middle" to 7.6 when the host's "Tone stack Bass" reaches 3.4 in the page.
//
//   ui_smoke_host --plugin X.vst3 --mode roundtrip [--screenshot out.png] [--timeout s]
//       UI -> host: waits for Treble = 8.2; host -> UI -> host: sets Bass = 3.4, waits for Middle = 7.6;
//       screenshot; prints the state; closes the editor and checks that its helper processes are gone.
//   ui_smoke_host --plugin X.vst3 --mode cycles [--cycles n]
//       opens and closes the editor n times; each time the page must load and no process may remain.
//   ui_smoke_host --plugin X.vst3 --mode hold
//       opens the editor, waits for the page, prints its helper processes, then waits to be killed.
//
// Output: lines "STEP …", "CHILDREN pid:name …", "STATE <base64 of the plugin's state>", and finally "OK"
// or "FAIL <reason>".
#include <juce_audio_processors/juce_audio_processors.h>
#include <juce_gui_basics/juce_gui_basics.h>

#include <chrono>
#include <dlfcn.h>
#include <X11/Xlib.h>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <map>
#include <set>
#include <thread>

namespace {

using Clock = std::chrono::steady_clock;

struct Options {
    juce::String plugin, mode = "roundtrip", screenshot;
    double timeout = 60;
    int cycles = 3;
};

[[noreturn]] void fail(const juce::String& why) {
    std::cout << "FAIL " << why << std::endl;
    std::_Exit(1);
}

void step(const juce::String& what) {
    std::cout << "STEP " << what << std::endl;
}

// Every live descendant of this process (pid → command name); zombies count as gone.
// This process's resident memory (KiB), open file descriptors and threads, from /proc/self.
struct Footprint {
    long rssKiB = 0;
    int fds = 0;
    int threads = 0;
};
Footprint footprint()
{
    Footprint f;
    juce::StringArray lines;
    lines.addLines(juce::File("/proc/self/status").loadFileAsString());
    for (const auto& l : lines) {
        if (l.startsWith("VmRSS:")) f.rssKiB = l.fromFirstOccurrenceOf(":", false, false).trim().getLargeIntValue();
        if (l.startsWith("Threads:")) f.threads = l.fromFirstOccurrenceOf(":", false, false).trim().getIntValue();
    }
    f.fds = juce::File("/proc/self/fd").getNumberOfChildFiles(juce::File::findFiles | juce::File::ignoreHiddenFiles, "*");
    return f;
}

std::map<int, juce::String> descendants() {
    std::map<int, int> parentOf;
    std::map<int, juce::String> nameOf;
    for (const auto& entry : juce::RangedDirectoryIterator(juce::File("/proc"), false, "*", juce::File::findDirectories)) {
        const auto pid = entry.getFile().getFileName().getIntValue();
        if (pid <= 0) continue;
        const auto stat = entry.getFile().getChildFile("stat").loadFileAsString();
        const auto close = stat.lastIndexOfChar(')');
        if (close < 0) continue;
        const auto fields = juce::StringArray::fromTokens(stat.substring(close + 2), " ", "");
        if (fields.size() < 2 || fields[0] == "Z" || fields[0] == "X") continue;
        parentOf[pid] = fields[1].getIntValue();
        nameOf[pid] = stat.substring(stat.indexOfChar('(') + 1, close);
    }
    std::map<int, juce::String> out;
    std::set<int> frontier { int(getpid()) };
    while (!frontier.empty()) {
        std::set<int> next;
        for (const auto& [pid, parent] : parentOf)
            if (frontier.count(parent) != 0 && out.count(pid) == 0) {
                out[pid] = nameOf[pid];
                next.insert(pid);
            }
        frontier = next;
    }
    return out;
}

void printChildren(const char* label, const std::map<int, juce::String>& children) {
    std::cout << label;
    for (const auto& [pid, name] : children) std::cout << ' ' << pid << ':' << name;
    std::cout << std::endl;
}

// Xvfb without a window manager lacks some atoms, and a BadAtom error would end the process through
// Xlib's default handler (which a JUCE copy may restore when it shuts its windowing down): log instead.
int lenientXErrorHandler(::Display*, XErrorEvent* event) {
    std::cerr << "X error ignored: code " << int(event->error_code) << ", request " << int(event->request_code) << "\n";
    return 0;
}

void installLenientXErrorHandler() {
    static void* x11 = dlopen("libX11.so.6", RTLD_NOW | RTLD_GLOBAL); // JUCE loads it this way too
    static auto setHandler = x11 != nullptr ? reinterpret_cast<XErrorHandler (*)(XErrorHandler)>(dlsym(x11, "XSetErrorHandler")) : nullptr;
    if (setHandler != nullptr) setHandler(lenientXErrorHandler);
}

// Runs the message loop until `done` or the timeout; returns whether `done` came true.
bool pumpUntil(const std::function<bool()>& done, double seconds) {
    const auto end = Clock::now() + std::chrono::duration<double>(seconds);
    while (Clock::now() < end) {
        installLenientXErrorHandler();
        if (done()) return true;
        juce::MessageManager::getInstance()->runDispatchLoopUntil(20);
    }
    return done();
}

juce::AudioProcessorParameter* findParam(juce::AudioPluginInstance& plugin, const juce::String& name) {
    for (auto* p : plugin.getParameters())
        if (p->getName(100) == name) return p;
    fail("the plugin has no parameter named \"" + name + "\"");
}

// Plain (0..10) value of a tone parameter.
double toneValue(juce::AudioProcessorParameter* p) {
    return p->getValue() * 10.0;
}

class EditorWindow : public juce::DocumentWindow {
public:
    explicit EditorWindow(juce::AudioProcessorEditor* editor)
        : DocumentWindow("ui-smoke", juce::Colours::black, 0, true) {
        setUsingNativeTitleBar(false);
        setTitleBarHeight(0);
        setContentOwned(editor, true);
        setTopLeftPosition(0, 0);
        setVisible(true);
    }
    void closeButtonPressed() override {}
};

struct Session {
    juce::AudioPluginInstance& plugin;
    std::unique_ptr<EditorWindow> window;

    void open() {
        auto* editor = plugin.createEditorIfNeeded();
        if (editor == nullptr) fail("the plugin made no editor");
        installLenientXErrorHandler();
        window = std::make_unique<EditorWindow>(editor);
        installLenientXErrorHandler();
    }
    void close() {
        window.reset();
        pumpUntil([] { return false; }, 0.2);
    }
};

void setTone(juce::AudioProcessorParameter* p, double value) {
    p->beginChangeGesture();
    p->setValueNotifyingHost(float(value / 10.0));
    p->endChangeGesture();
}

bool near(double a, double b) {
    return std::abs(a - b) < 0.01;
}

} // namespace

int main(int argc, char* argv[]) {
    Options options;
    for (int i = 1; i + 1 < argc; i += 2) {
        const juce::String key(argv[i]), value(argv[i + 1]);
        if (key == "--plugin") options.plugin = value;
        else if (key == "--mode") options.mode = value;
        else if (key == "--screenshot") options.screenshot = value;
        else if (key == "--timeout") options.timeout = value.getDoubleValue();
        else if (key == "--cycles") options.cycles = value.getIntValue();
        else fail("unknown option " + key);
    }
    if (options.plugin.isEmpty()) fail("--plugin is required");

    juce::ScopedJuceInitialiser_GUI gui;
    juce::AudioPluginFormatManager formats;
    formats.addDefaultFormats();
    juce::OwnedArray<juce::PluginDescription> found;
    juce::VST3PluginFormat vst3;
    vst3.findAllTypesForFile(found, options.plugin);
    if (found.isEmpty()) fail("no VST3 plugin in " + options.plugin);
    juce::String error;
    auto plugin = formats.createPluginInstance(*found[0], 48000.0, 512, error);
    if (plugin == nullptr) fail("the plugin did not load: " + error);
    plugin->prepareToPlay(48000.0, 512);
    step("loaded " + plugin->getName());

    // JUCE connects to X (installing its own error handlers) on first use; replace them before any window.
    if (juce::Desktop::getInstance().getDisplays().getPrimaryDisplay() == nullptr) fail("no X display");
    installLenientXErrorHandler();

    auto* bass = findParam(*plugin, "Tone stack Bass");
    auto* mid = findParam(*plugin, "Tone stack Middle");
    auto* treble = findParam(*plugin, "Tone stack Treble");
    Session session { *plugin, nullptr };
    const auto pageBridgeWorks = [&] { return near(toneValue(treble), 8.2); };

    if (options.mode == "hold") {
        setTone(treble, 5.0);
        session.open();
        if (!pumpUntil(pageBridgeWorks, options.timeout)) fail("the page never set Treble through the bridge");
        printChildren("CHILDREN", descendants());
        std::cout << "HOLDING" << std::endl;
        pumpUntil([] { return false; }, 1e9);
    }

    if (options.mode == "cycles") {
        for (int cycle = 0; cycle < options.cycles; ++cycle) {
            setTone(treble, 5.0);
            const auto start = Clock::now();
            session.open();
            if (!pumpUntil(pageBridgeWorks, options.timeout)) fail("cycle " + juce::String(cycle) + ": the page never set Treble");
            const auto ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
            const auto open = descendants();
            session.close();
            const bool gone = pumpUntil([] { return descendants().empty(); }, 10);
            pumpUntil([] { return false; }, 0.5); // let the closed editor's pending messages run
            const auto f = footprint();
            step("cycle " + juce::String(cycle) + ": page up in " + juce::String(int(ms)) + " ms, " + juce::String(int(open.size()))
                 + " helper processes while open, " + (gone ? "none" : juce::String(int(descendants().size()))) + " after close");
            std::cout << "FOOTPRINT " << cycle << " rss " << f.rssKiB << " fds " << f.fds << " threads " << f.threads << std::endl;
            if (!gone) {
                printChildren("LEFT", descendants());
                fail("helper processes left after closing the editor");
            }
        }
        std::cout << "OK" << std::endl;
        plugin->releaseResources();
        return 0;
    }

    // roundtrip
    setTone(bass, 5.0);
    setTone(mid, 5.0);
    setTone(treble, 5.0);
    auto start = Clock::now();
    session.open();
    if (!pumpUntil(pageBridgeWorks, options.timeout))
        fail("UI -> host: Treble never reached 8.2 (page not loaded, or the bridge lost the message); it reads " + juce::String(toneValue(treble), 3)
             + " (\"" + treble->getText(treble->getValue(), 32) + "\")");
    step("UI -> host: Treble = " + juce::String(toneValue(treble), 3) + " after "
         + juce::String(int(std::chrono::duration<double, std::milli>(Clock::now() - start).count())) + " ms");

    start = Clock::now();
    setTone(bass, 3.4);
    if (!pumpUntil([&] { return near(toneValue(mid), 7.6); }, 10)) fail("host -> UI -> host: Middle never reached 7.6 after Bass = 3.4");
    step("host -> UI -> host: Bass = 3.4 -> page -> Middle = " + juce::String(toneValue(mid), 3) + " after "
         + juce::String(int(std::chrono::duration<double, std::milli>(Clock::now() - start).count())) + " ms");

    // Let the page render the pushed values (and any long message the script sent), then look.
    pumpUntil([] { return false; }, 3.0);
    const auto open = descendants();
    printChildren("CHILDREN", open);
    if (options.screenshot.isNotEmpty()) {
        const auto cmd = "import -window root " + options.screenshot.quoted() + " 2>&1";
        if (std::system(cmd.toRawUTF8()) != 0) fail("screenshot failed: " + cmd);
        step("screenshot " + options.screenshot);
    }
    // The plugin's own state: JUCE's VST3 host wraps it (XML, IComponent element in JUCE's base64).
    juce::MemoryBlock state, component;
    plugin->getStateInformation(state);
    if (auto xml = juce::AudioProcessor::getXmlFromBinary(state.getData(), int(state.getSize())))
        if (auto* c = xml->getChildByName("IComponent")) component.fromBase64Encoding(c->getAllSubText());
    std::cout << "STATE " << juce::Base64::toBase64(component.getData(), component.getSize()) << std::endl;

    session.close();
    if (!pumpUntil([] { return descendants().empty(); }, 10)) {
        printChildren("LEFT", descendants());
        fail("helper processes left after closing the editor");
    }
    step("editor closed, no helper process left");
    plugin->releaseResources();
    std::cout << "OK" << std::endl;
    return 0;
}
