// Byte-level BPE as the reference does it: split the text with the pre-tokenizer regexes, map each
// piece's bytes to the GPT-2 alphabet, then repeatedly merge the adjacent pair with the lowest
// merge rank (leftmost on ties).
#include "engine/tokenizer/bpe_presets.h"
#include "engine/tokenizer/regex_splitter.h"
#include "engine/tokenizer/token_encoder.h"
#include "engine/tokenizer/utf8_text.h"
#include "engine/tokenizer/vocab.h"

#include <algorithm>
#include <queue>
#include <unordered_map>

namespace hearth {

namespace {

struct Symbol {
    int prev;
    int next;
    size_t begin;
    size_t len; // 0 once merged into its left neighbour
    int32_t id; // token id of the symbol's text, -1 when it is not a token
};

struct Bigram {
    int left;
    int right;
    int32_t rank;
    size_t len;
};

struct BigramOrder {
    bool operator()(const Bigram& a, const Bigram& b) const {
        return a.rank > b.rank || (a.rank == b.rank && a.left > b.left);
    }
};

uint64_t pairKey(int32_t a, int32_t b) {
    return (static_cast<uint64_t>(static_cast<uint32_t>(a)) << 32) | static_cast<uint32_t>(b);
}

// (left id, right id) -> merge rank in one flat open-addressing array: building it for ~300k
// merges is most of a large vocab's load time, and a node-based map allocates per entry.
class PairRankTable {
public:
    void reserve(size_t n) {
        size_t capacity = 16;
        while (capacity < n * 2) capacity <<= 1;
        keys_.assign(capacity, 0);
        ranks_.assign(capacity, -1); // -1 marks an empty slot
        mask_ = capacity - 1;
    }
    // Keeps the first rank inserted for a pair.
    void insert(uint64_t key, int32_t rank) {
        for (uint64_t i = mix(key) & mask_;; i = (i + 1) & mask_) {
            if (ranks_[i] < 0) {
                keys_[i] = key;
                ranks_[i] = rank;
                return;
            }
            if (keys_[i] == key) return;
        }
    }
    int32_t find(uint64_t key) const {
        if (ranks_.empty()) return -1;
        for (uint64_t i = mix(key) & mask_;; i = (i + 1) & mask_) {
            if (ranks_[i] < 0) return -1;
            if (keys_[i] == key) return ranks_[i];
        }
    }

private:
    static uint64_t mix(uint64_t z) {
        z ^= z >> 30;
        z *= 0xbf58476d1ce4e5b9ull;
        z ^= z >> 27;
        z *= 0x94d049bb133111ebull;
        return z ^ (z >> 31);
    }
    std::vector<uint64_t> keys_;
    std::vector<int32_t> ranks_;
    uint64_t mask_ = 0;
};

class BpeEncoder final : public TokenEncoder {
public:
    BpeEncoder(const Vocab& vocab, std::unique_ptr<tok::RegexSplitter> splitter)
        : vocab_(vocab), splitter_(std::move(splitter)) {
        merges_.reserve(vocab.merges.size());
        for (size_t rank = 0; rank < vocab.merges.size(); ++rank) {
            const std::string& m = vocab.merges[rank];
            // The separator is the first space after the first character (a part may be " ").
            const size_t sp = m.find(' ', 1);
            const std::string_view left =
                sp == std::string::npos ? std::string_view() : std::string_view(m).substr(0, sp);
            const std::string_view right =
                sp == std::string::npos ? std::string_view() : std::string_view(m).substr(sp + 1);
            const int32_t l = vocab.find(left), r = vocab.find(right);
            const auto r32 = static_cast<int32_t>(rank);
            if (l >= 0 && r >= 0) {
                merges_.insert(pairKey(l, r), r32); // the first (lowest) rank wins
            } else {
                textMerges_.emplace(std::string(left) + ' ' + std::string(right), r32);
            }
        }
    }

    void encode(std::string_view text, std::vector<int32_t>& out) const override {
        const std::string valid = tok::toValidUtf8(text);
        std::string word;
        for (std::string_view piece : splitter_->split(valid)) {
            word.clear();
            for (char c : piece) word += tok::byteToBpeChar(static_cast<uint8_t>(c));
            encodeWord(word, out);
        }
    }

private:
    // Rank of merging a and b, or -1 when the vocab has no such merge.
    int32_t mergeRank(std::string_view word, const Symbol& a, const Symbol& b) const {
        if (a.id >= 0 && b.id >= 0) return merges_.find(pairKey(a.id, b.id));
        if (textMerges_.empty()) return -1;
        std::string key(word.substr(a.begin, a.len));
        key += ' ';
        key += word.substr(b.begin, b.len);
        const auto it = textMerges_.find(key);
        return it == textMerges_.end() ? -1 : it->second;
    }

    void encodeWord(std::string_view word, std::vector<int32_t>& out) const {
        if (vocab_.ignoreMerges) {
            if (const int32_t id = vocab_.find(word); id >= 0) {
                out.push_back(id);
                return;
            }
        }
        std::vector<Symbol>& symbols = symbols_;
        symbols.clear();
        for (size_t pos = 0; pos < word.size();) {
            const size_t len =
                std::min(word.size() - pos, tok::utf8SeqLen(static_cast<uint8_t>(word[pos])));
            const int idx = static_cast<int>(symbols.size());
            symbols.push_back({idx - 1, pos + len < word.size() ? idx + 1 : -1, pos, len,
                               vocab_.find(word.substr(pos, len))});
            pos += len;
        }

        std::priority_queue<Bigram, std::vector<Bigram>, BigramOrder> queue;
        const auto tryAdd = [&](int left, int right) {
            if (left < 0 || right < 0) return;
            const int32_t rank = mergeRank(word, symbols[left], symbols[right]);
            if (rank < 0) return;
            queue.push({left, right, rank, symbols[left].len + symbols[right].len});
        };
        for (size_t i = 1; i < symbols.size(); ++i)
            tryAdd(static_cast<int>(i) - 1, static_cast<int>(i));

        while (!queue.empty()) {
            const Bigram b = queue.top();
            queue.pop();
            Symbol& left = symbols[b.left];
            Symbol& right = symbols[b.right];
            if (left.len == 0 || right.len == 0 || left.len + right.len != b.len) continue;
            left.id = vocab_.find(word.substr(left.begin, b.len));
            left.len += right.len;
            right.len = 0;
            left.next = right.next;
            if (right.next >= 0) symbols[right.next].prev = b.left;
            tryAdd(left.prev, b.left);
            tryAdd(b.left, left.next);
        }

        for (int i = symbols.empty() ? -1 : 0; i >= 0; i = symbols[i].next) {
            const Symbol& s = symbols[i];
            if (s.id >= 0) {
                out.push_back(s.id);
                continue;
            }
            // Not a token: fall back to single-byte tokens where they exist.
            for (char c : word.substr(s.begin, s.len)) {
                const int32_t id = vocab_.find(std::string_view(&c, 1));
                if (id >= 0) out.push_back(id);
            }
        }
    }

    const Vocab& vocab_;
    std::unique_ptr<tok::RegexSplitter> splitter_;
    PairRankTable merges_;
    std::unordered_map<std::string, int32_t> textMerges_;
    // Scratch space per thread: encode() is const and may run concurrently.
    static thread_local std::vector<Symbol> symbols_;
};

thread_local std::vector<Symbol> BpeEncoder::symbols_;

} // namespace

Result<std::unique_ptr<TokenEncoder>> makeBpeEncoder(const Vocab& vocab) {
    const tok::BpePreset* preset = tok::findBpePreset(vocab.pre);
    if (!preset) return makeError("unknown BPE pre-tokenizer '" + vocab.pre + "'");
    auto splitter = tok::RegexSplitter::create(preset->patterns);
    if (!splitter) return std::move(splitter).takeError();
    return std::unique_ptr<TokenEncoder>(
        std::make_unique<BpeEncoder>(vocab, std::move(splitter).value()));
}

} // namespace hearth
