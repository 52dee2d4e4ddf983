// Whether JUCE 7.0.5's Linux WebBrowserComponent will find WebKitGTK, checked before creating one.
//
// JUCE dlopen()s the *unversioned* names "libwebkit2gtk-4.0.so" and "libgtk-3.so", which only the -dev
// packages install; without them it silently shows an empty white component. editor.cmake ships two
// stub libraries with exactly those names next to the plugin binary (found through its $ORIGIN
// RUNPATH), each depending on the versioned runtime library (libwebkit2gtk-4.0.so.37, libgtk-3.so.0),
// so JUCE's lookups succeed on a plain user install. This check makes the same dlopen calls from the
// same binary; when they still fail (no WebKitGTK 4.0 at all, or no X11 display) it returns one line
// saying what to install, which the editor shows instead of the page.
#pragma once

#include <string>

namespace namrig {

// Empty when the WebView can run; otherwise the reason, ready to show.
std::string webViewUnavailableReason();

} // namespace namrig
