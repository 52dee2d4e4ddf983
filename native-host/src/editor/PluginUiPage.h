// The plugin's UI page (dist/plugin-ui/index.html, embedded in the binary by editor.cmake) as a file
// the WebView can load: written once per content under the user's application-data folder
// (~/.config/nam-rig/plugin-ui-<hash>.html on Linux), else the temp folder. A file:// page, unlike a
// data: URL, has an origin of its own (storage works), and it loads no other file.
#pragma once

#include <juce_core/juce_core.h>

namespace namrig {

// The written file; a non-existent file when neither folder is writable.
juce::File writePluginUiPage();

} // namespace namrig
