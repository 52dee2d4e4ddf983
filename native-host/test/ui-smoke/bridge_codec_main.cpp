// Command-line driver of the editor's plain-C++ bridge codecs, for test/native/ui-smoke.test.ts,
// which feeds it the TypeScript reference's output (src/ui/bridge-framing.ts) and checks the answers.
//
//   bridge_codec reassemble   stdin: one bridge:// URL per line
//                             stdout: per URL, one line per released message "MSG <hex of UTF-8>",
//                                     "ACK <n>" for a turn URL, or "ERR <message>" when the URL was
//                                     refused; then "END"
//   bridge_codec push [session ack [script]]
//                             stdin: one JSON text per line; stdout: the javascript: push URL
#include "BridgePushScript.h"
#include "BridgeReassembler.h"

#include <iostream>
#include <string>
#include <vector>

namespace {

std::string hex(const std::string& bytes) {
    static const char* digits = "0123456789abcdef";
    std::string out;
    out.reserve(bytes.size() * 2);
    for (char ch : bytes) {
        auto c = static_cast<unsigned char>(ch);
        out.push_back(digits[c >> 4]);
        out.push_back(digits[c & 0xF]);
    }
    return out;
}

} // namespace

int main(int argc, char** argv) {
    std::ios::sync_with_stdio(false);
    const std::string mode = argc > 1 ? argv[1] : "";
    std::string line;
    if (mode == "reassemble") {
        namrig::BridgeReassembler reassembler;
        while (std::getline(std::cin, line)) {
            try {
                if (namrig::BridgeReassembler::isTurnUrl(line)) {
                    const auto ack = reassembler.acceptTurn(line);
                    std::cout << "ACK " << ack << '\n';
                } else
                    for (const auto& message : reassembler.accept(line)) std::cout << "MSG " << hex(message) << '\n';
            } catch (const namrig::BridgeReassembler::Error& e) {
                std::cout << "ERR " << e.what() << '\n';
            }
            std::cout << "END\n";
        }
        return 0;
    }
    if (mode == "push") {
        std::vector<std::string> texts;
        while (std::getline(std::cin, line)) texts.push_back(line);
        const std::string session = argc > 2 ? argv[2] : "";
        const std::uint64_t ack = argc > 3 ? std::stoull(argv[3]) : 0;
        const std::string script = argc > 4 ? argv[4] : "";
        std::cout << namrig::makeBridgePushUrl(texts, session, ack, script) << '\n';
        return 0;
    }
    std::cerr << "usage: bridge_codec reassemble|push < input\n";
    return 2;
}
