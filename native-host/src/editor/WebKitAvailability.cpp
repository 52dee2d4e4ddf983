// See WebKitAvailability.h.
#include "WebKitAvailability.h"

#if defined(__linux__)
#include <cstdlib>
#include <dlfcn.h>
#endif

namespace namrig {

std::string webViewUnavailableReason() {
#if defined(__linux__)
    const char* display = std::getenv("DISPLAY");
    if (display == nullptr || *display == '\0')
        return "The plugin's interface needs an X11 display (DISPLAY is not set). Audio processing and host parameters work without it.";
    struct Lib { const char* juceName; const char* package; };
    const Lib libs[] = { { "libwebkit2gtk-4.0.so", "libwebkit2gtk-4.0-37" }, { "libgtk-3.so", "libgtk-3-0" } };
    for (const auto& lib : libs) {
        // The same name and flags as JUCE's DynamicLibrary (juce_linux_X11_WebBrowserComponent.cpp).
        void* handle = dlopen(lib.juceName, RTLD_LOCAL | RTLD_NOW);
        if (handle == nullptr) {
            const char* why = dlerror();
            return std::string("The plugin's interface needs WebKitGTK 4.0 (install the package ") + lib.package + ", e.g. apt install "
                   + lib.package + "): " + (why != nullptr ? why : lib.juceName)
                   + ". Audio processing and host parameters work without it.";
        }
        // Kept loaded: JUCE loads the same libraries next, and unloading GTK/WebKit is not safe.
    }
    return {};
#else
    return {};
#endif
}

} // namespace namrig
