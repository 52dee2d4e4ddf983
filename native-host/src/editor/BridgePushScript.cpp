// See BridgePushScript.h.
#include "BridgePushScript.h"

namespace namrig {

namespace {

const char* const kHex = "0123456789ABCDEF";

bool keptAsIs(unsigned char c) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) return true;
    switch (c) {
    case '(': case ')': case '[': case ']': case '{': case '}': case ';': case '.': case ',': case '=':
    case '_': case '-': case '!': case '*': case ':': case '|':
        return true;
    default:
        return false;
    }
}

} // namespace

std::string toJsStringLiteral(const std::string& text) {
    std::string out;
    out.reserve(text.size() + 16);
    out.push_back('"');
    for (std::size_t i = 0; i < text.size(); ++i) {
        auto c = static_cast<unsigned char>(text[i]);
        if (c == '"' || c == '\\') {
            out.push_back('\\');
            out.push_back(char(c));
        } else if (c < 0x20 || c == 0x7F) {
            out += "\\u00";
            out.push_back(kHex[c >> 4]);
            out.push_back(kHex[c & 0xF]);
        } else if (c == 0xE2 && i + 2 < text.size() && static_cast<unsigned char>(text[i + 1]) == 0x80
                   && (static_cast<unsigned char>(text[i + 2]) == 0xA8 || static_cast<unsigned char>(text[i + 2]) == 0xA9)) {
            out += static_cast<unsigned char>(text[i + 2]) == 0xA8 ? "\\u2028" : "\\u2029";
            i += 2;
        } else {
            out.push_back(char(c));
        }
    }
    out.push_back('"');
    return out;
}

std::string makeBridgePushUrl(const std::vector<std::string>& jsonTexts, const std::string& session, std::uint64_t ack,
                              const std::string& extraScript) {
    std::string script =
        "void(function(m){var w=window,b=w.__namRigBridge;for(var i=0;i<m.length;i++){"
        "if(b&&typeof b.receive==='function')b.receive(m[i]);"
        "else(w.__namRigBridgeInbox=w.__namRigBridgeInbox||[]).push(m[i]);}";
    if (!extraScript.empty())
        script += "try{(function(){\n" + extraScript + "\n})();}catch(e){console.error(e);}";
    if (!session.empty())
        script += "if(b&&typeof b.turn==='function')b.turn(" + toJsStringLiteral(session) + "," + std::to_string(ack) + ");";
    script += "}([";
    for (std::size_t i = 0; i < jsonTexts.size(); ++i) {
        if (i > 0) script.push_back(',');
        script += toJsStringLiteral(jsonTexts[i]);
    }
    script += "]))";
    return makeJavascriptUrl(script);
}

std::string makeJavascriptUrl(const std::string& script) {
    std::string url = "javascript:";
    url.reserve(url.size() + script.size() * 2);
    for (char ch : script) {
        auto c = static_cast<unsigned char>(ch);
        if (keptAsIs(c)) {
            url.push_back(ch);
        } else {
            url.push_back('%');
            url.push_back(kHex[c >> 4]);
            url.push_back(kHex[c & 0xF]);
        }
    }
    return url;
}

} // namespace namrig
