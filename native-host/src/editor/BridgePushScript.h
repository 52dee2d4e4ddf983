// Host → UI: the `javascript:` URL that hands HostToUi messages (JSON texts) to the page, and the turn
// back (src/ui/bridge-framing.ts explains the turns).
//
// The script calls `window.__namRigBridge.receive(json)` for each message, oldest first (if the page's
// bridge is not installed yet it parks them in `window.__namRigBridgeInbox`, which the page's
// BridgeTransport drains, src/ui/bridge-transport.ts), then runs an optional extra script, then calls
// `window.__namRigBridge.turn(session, ack)` when a session is given. Each JSON text becomes a JS string literal
// (quotes, backslashes, control characters and U+2028/2029 escaped), and the whole script is
// percent-encoded except for a few punctuation characters and ASCII letters and digits, because
// WebKit percent-decodes a `javascript:` URL before running it. The expression evaluates to
// `undefined`, so the page is never replaced by a result. Plain C++17 (no JUCE).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace namrig {

// `javascript:` URL delivering `jsonTexts` (UTF-8) in order, then running `extraScript` (if any; its
// exceptions are caught and logged to the console), then handing the turn to the page with `ack` when
// `session` is not empty.
std::string makeBridgePushUrl(const std::vector<std::string>& jsonTexts, const std::string& session = {}, std::uint64_t ack = 0,
                              const std::string& extraScript = {});

// `javascript:` URL running `script` (UTF-8) as is: every byte but letters, digits and a few
// punctuation characters percent-encoded.
std::string makeJavascriptUrl(const std::string& script);

// The JS string literal (with quotes) of UTF-8 `text`.
std::string toJsStringLiteral(const std::string& text);

} // namespace namrig
