// SentencePiece-style encoding as the reference does it: start from single characters, repeatedly
// merge the adjacent pair whose concatenation is the highest-scoring token (leftmost on ties), and
// spell any character that is not a token as <0xXX> byte tokens.
#include "engine/tokenizer/token_encoder.h"
#include "engine/tokenizer/utf8_text.h"
#include "engine/tokenizer/vocab.h"

#include <algorithm>
#include <array>
#include <queue>

namespace hearth {

namespace {

struct Symbol {
    int prev;
    int next;
    size_t begin; // byte offset into the text
    size_t len;   // 0 once merged into its left neighbour
};

struct Bigram {
    int left;
    int right;
    float score;
    size_t len;
};

struct BigramOrder {
    bool operator()(const Bigram& a, const Bigram& b) const {
        return a.score < b.score || (a.score == b.score && a.left > b.left);
    }
};

class SpmEncoder final : public TokenEncoder {
public:
    explicit SpmEncoder(const Vocab& vocab) : vocab_(vocab) {
        static constexpr char kHex[] = "0123456789ABCDEF";
        for (int b = 0; b < 256; ++b) {
            const std::string name = {'<', '0', 'x', kHex[b >> 4], kHex[b & 15], '>'};
            int32_t id = vocab.find(name);
            if (id < 0) id = vocab.find(std::string(1, static_cast<char>(b)));
            byteTokens_[b] = id >= 0 ? id : vocab.unk;
        }
    }

    void encode(std::string_view text, std::vector<int32_t>& out) const override {
        std::vector<Symbol> symbols;
        symbols.reserve(text.size());
        for (size_t pos = 0; pos < text.size();) {
            const size_t len =
                std::min(text.size() - pos, tok::utf8SeqLen(static_cast<uint8_t>(text[pos])));
            const int idx = static_cast<int>(symbols.size());
            symbols.push_back({idx - 1, pos + len < text.size() ? idx + 1 : -1, pos, len});
            pos += len;
        }

        std::priority_queue<Bigram, std::vector<Bigram>, BigramOrder> queue;
        const auto tryAdd = [&](int left, int right) {
            if (left < 0 || right < 0) return;
            const size_t len = symbols[left].len + symbols[right].len;
            const int32_t id = vocab_.find(text.substr(symbols[left].begin, len));
            if (id < 0) return;
            queue.push({left, right, vocab_.scores[id], len});
        };
        for (size_t i = 1; i < symbols.size(); ++i)
            tryAdd(static_cast<int>(i) - 1, static_cast<int>(i));

        while (!queue.empty()) {
            const Bigram b = queue.top();
            queue.pop();
            Symbol& left = symbols[b.left];
            Symbol& right = symbols[b.right];
            // Skip pairs made stale by an earlier merge of either side.
            if (left.len == 0 || right.len == 0 || left.len + right.len != b.len) continue;
            left.len += right.len;
            right.len = 0;
            left.next = right.next;
            if (right.next >= 0) symbols[right.next].prev = b.left;
            tryAdd(left.prev, b.left);
            tryAdd(b.left, left.next);
        }

        for (int i = symbols.empty() ? -1 : 0; i >= 0; i = symbols[i].next) {
            const Symbol& s = symbols[i];
            const std::string_view piece = text.substr(s.begin, s.len);
            const int32_t id = vocab_.find(piece);
            if (id >= 0) {
                out.push_back(id);
                continue;
            }
            for (char c : piece) {
                const int32_t byteId = byteTokens_[static_cast<uint8_t>(c)];
                if (byteId >= 0) out.push_back(byteId);
            }
        }
    }

private:
    const Vocab& vocab_;
    std::array<int32_t, 256> byteTokens_{};
};

} // namespace

std::unique_ptr<TokenEncoder> makeSpmEncoder(const Vocab& vocab) {
    return std::make_unique<SpmEncoder>(vocab);
}

} // namespace hearth
