// See BridgeReassembler.h.
#include "BridgeReassembler.h"

#include <algorithm>

namespace namrig {

namespace {

const std::string kPrefix = "bridge://m/";

int base64UrlValue(char c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '-') return 62;
    if (c == '_') return 63;
    return -1;
}

// Parses 1–10 decimal digits ending at '/' (advancing `pos` past the slash).
std::uint64_t parseNumber(const std::string& url, std::size_t& pos) {
    std::size_t start = pos;
    std::uint64_t value = 0;
    while (pos < url.size() && url[pos] >= '0' && url[pos] <= '9' && pos - start < 10) value = value * 10 + std::uint64_t(url[pos++] - '0');
    if (pos == start || pos >= url.size() || url[pos] != '/') throw BridgeReassembler::Error("not a bridge message URL: " + url.substr(0, 60));
    ++pos;
    return value;
}

} // namespace

bool BridgeReassembler::isBridgeUrl(const std::string& url) {
    return url.compare(0, 7, "bridge:") == 0;
}

bool BridgeReassembler::isTurnUrl(const std::string& url) {
    return url.compare(0, 11, "bridge://t/") == 0;
}

std::uint64_t BridgeReassembler::acceptTurn(const std::string& url) {
    const std::size_t start = 11;
    const std::size_t slash = url.find('/', start);
    bool ok = isTurnUrl(url) && slash != std::string::npos && slash > start && slash - start <= 32 && slash + 1 < url.size()
              && url.size() - slash - 1 <= 10;
    for (std::size_t i = start; ok && i < slash; ++i) ok = (url[i] >= 'a' && url[i] <= 'z') || (url[i] >= '0' && url[i] <= '9');
    for (std::size_t i = slash + 1; ok && i < url.size(); ++i) ok = url[i] >= '0' && url[i] <= '9';
    if (!ok) throw Error("not a bridge turn URL: " + url.substr(0, 60));
    const std::string turnSession = url.substr(start, slash - start);
    if (turnSession != session) reset(turnSession);
    return nextSeq;
}

std::string decodeBase64Url(const std::string& encoded) {
    if (encoded.size() % 4 == 1) throw BridgeReassembler::Error("bridge message is not valid base64url");
    std::string out;
    out.reserve(encoded.size() / 4 * 3 + 2);
    std::uint32_t acc = 0;
    int bits = 0;
    for (char c : encoded) {
        if (c == '=') break;
        int v = base64UrlValue(c);
        if (v < 0) throw BridgeReassembler::Error("bridge message is not valid base64url");
        acc = (acc << 6) | std::uint32_t(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(char((acc >> bits) & 0xFFu));
        }
    }
    return out;
}

bool isValidUtf8(const std::string& bytes) {
    std::size_t i = 0, n = bytes.size();
    while (i < n) {
        auto c = static_cast<unsigned char>(bytes[i]);
        std::size_t extra;
        std::uint32_t cp;
        if (c < 0x80) { ++i; continue; }
        if ((c & 0xE0) == 0xC0) { extra = 1; cp = c & 0x1F; }
        else if ((c & 0xF0) == 0xE0) { extra = 2; cp = c & 0x0F; }
        else if ((c & 0xF8) == 0xF0) { extra = 3; cp = c & 0x07; }
        else return false;
        if (i + extra >= n) return false;
        for (std::size_t k = 1; k <= extra; ++k) {
            auto d = static_cast<unsigned char>(bytes[i + k]);
            if ((d & 0xC0) != 0x80) return false;
            cp = (cp << 6) | (d & 0x3F);
        }
        if ((extra == 1 && cp < 0x80) || (extra == 2 && cp < 0x800) || (extra == 3 && cp < 0x10000)) return false; // overlong
        if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
        i += extra + 1;
    }
    return true;
}

std::vector<std::string> BridgeReassembler::accept(const std::string& url) {
    if (url.compare(0, kPrefix.size(), kPrefix) != 0) throw Error("not a bridge message URL: " + url.substr(0, 60));
    std::size_t pos = kPrefix.size();
    std::size_t slash = url.find('/', pos);
    if (slash == std::string::npos || slash == pos || slash - pos > 32) throw Error("not a bridge message URL: " + url.substr(0, 60));
    std::string pieceSession = url.substr(pos, slash - pos);
    for (char c : pieceSession)
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) throw Error("not a bridge message URL: " + url.substr(0, 60));
    pos = slash + 1;
    const std::uint64_t seq = parseNumber(url, pos);
    const std::uint64_t index = parseNumber(url, pos);
    const std::uint64_t count = parseNumber(url, pos);
    std::string piece = url.substr(pos);
    for (char c : piece)
        if (base64UrlValue(c) < 0) throw Error("not a bridge message URL: " + url.substr(0, 60));
    if (count < 1 || index >= count) throw Error("bridge piece " + std::to_string(index) + " of " + std::to_string(count) + " is out of range");

    if (pieceSession != session) reset(pieceSession);
    if (seq < nextSeq || complete.count(seq) != 0) return {}; // a resend of what arrived

    auto it = partial.find(seq);
    if (it == partial.end()) {
        if (count > kMaxPieces) throw Error("bridge message " + std::to_string(seq) + " has more than " + std::to_string(kMaxPieces) + " pieces");
        Partial p;
        p.count = std::uint32_t(count);
        p.pieces.resize(count);
        p.have.assign(count, false);
        it = partial.emplace(seq, std::move(p)).first;
    }
    Partial& part = it->second;
    if (part.count != count)
        throw Error("bridge message " + std::to_string(seq) + ": piece count changed from " + std::to_string(part.count) + " to " + std::to_string(count));
    if (part.have[index]) return {}; // a resend
    part.length += piece.size();
    if (part.length > kMaxEncodedMessageLength) {
        partial.erase(it);
        complete[seq] = { false, {} };
        throw Error("bridge message " + std::to_string(seq) + " is longer than " + std::to_string(kMaxEncodedMessageLength) + " characters");
    }
    part.pieces[index] = std::move(piece);
    part.have[index] = true;
    if (++part.received == part.count) {
        std::string encoded;
        encoded.reserve(part.length);
        for (auto& s : part.pieces) encoded += s;
        partial.erase(it);
        std::string text;
        try {
            text = decodeBase64Url(encoded);
            if (!isValidUtf8(text)) throw Error("bridge message is not valid UTF-8");
        } catch (const Error&) {
            complete[seq] = { false, {} };
            throw;
        }
        complete[seq] = { true, std::move(text) };
    }
    return release();
}

void BridgeReassembler::reset(const std::string& newSession) {
    session = newSession;
    nextSeq = 0;
    partial.clear();
    complete.clear();
}

std::vector<std::string> BridgeReassembler::release() {
    if (complete.size() > kMaxWaitingMessages && complete.count(nextSeq) == 0) {
        partial.erase(nextSeq);
        nextSeq = complete.begin()->first;
    }
    std::vector<std::string> out;
    for (auto it = complete.find(nextSeq); it != complete.end(); it = complete.find(nextSeq)) {
        if (it->second.first) out.push_back(std::move(it->second.second));
        complete.erase(it);
        ++nextSeq;
    }
    return out;
}

} // namespace namrig
