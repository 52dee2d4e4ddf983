// Reassembles UI → host bridge messages from the `bridge://` URLs the page navigates to.
//
// The framing is defined in src/ui/bridge-framing.ts (the reference implementation):
//   bridge://m/<session>/<seq>/<index>/<count>/<piece>
// a message's base64url pieces are concatenated in index order, decoded to UTF-8 JSON, and messages
// are released in seq order (a complete message waits for all earlier ones); pieces sent again are
// ignored. A new session id (the page reloaded) drops everything half-received. A gap that more than
// kMaxWaitingMessages complete messages wait behind is given up.
//   bridge://t/<session>/<next seq>
// ends a batch and hands the host the turn; acceptTurn returns the acknowledgement to push back (how
// many messages of the session have been released). Plain C++17 (no JUCE), so its test builds in seconds and replays the
// TypeScript chunker's output (test/native/ui-smoke.test.ts).
#pragma once

#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace namrig {

class BridgeReassembler {
public:
    static constexpr std::size_t kMaxEncodedMessageLength = 64u * 1024u * 1024u;
    static constexpr std::size_t kMaxWaitingMessages = 256;
    static constexpr std::uint64_t kMaxPieces = 65536;

    struct Error : std::runtime_error {
        using std::runtime_error::runtime_error;
    };

    // True when the URL uses the bridge scheme (whether or not it is well formed).
    static bool isBridgeUrl(const std::string& url);
    // True for a turn URL (bridge://t/...).
    static bool isTurnUrl(const std::string& url);

    // Accepts one piece; returns the messages (UTF-8 JSON texts) that became deliverable, oldest first.
    // Throws Error naming the problem for a malformed URL, an inconsistent or repeated piece, or a
    // message that does not decode (that message is dropped; later ones still arrive).
    std::vector<std::string> accept(const std::string& url);

    // Reads a turn URL; returns how many messages of its session have been released. Throws Error on a
    // malformed one.
    std::uint64_t acceptTurn(const std::string& url);

    // The session of the last piece or turn.
    const std::string& currentSession() const { return session; }

    // Messages with pieces missing plus complete ones waiting for an earlier message.
    std::size_t pending() const { return partial.size() + complete.size(); }

private:
    struct Partial {
        std::uint32_t count = 0;
        std::vector<std::string> pieces;
        std::vector<bool> have;
        std::uint32_t received = 0;
        std::size_t length = 0;
    };

    void reset(const std::string& newSession);
    std::vector<std::string> release();

    std::string session;
    std::uint64_t nextSeq = 0;
    std::map<std::uint64_t, Partial> partial;
    // A skipped (undecodable or oversized) message is stored as "no text".
    std::map<std::uint64_t, std::pair<bool, std::string>> complete;
};

// base64url (padding optional) → bytes; throws BridgeReassembler::Error on a foreign character or a
// length no encoding produces.
std::string decodeBase64Url(const std::string& encoded);

// True when `bytes` is well-formed UTF-8.
bool isValidUtf8(const std::string& bytes);

} // namespace namrig
