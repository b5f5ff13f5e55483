#pragma once
// TokenEncoder: the model-specific part of encoding, applied to one plain-text fragment (special
// tokens have already been cut out). One implementation per vocab type.
#include "engine/core/result.h"

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

namespace hearth {

struct Vocab;

class TokenEncoder {
public:
    virtual ~TokenEncoder() = default;
    // Appends the ids for `text` to `out`. Never fails: unknown input falls back to bytes/UNK.
    virtual void encode(std::string_view text, std::vector<int32_t>& out) const = 0;
};

// SentencePiece (score-driven merges, byte fallback). `text` arrives with spaces escaped.
std::unique_ptr<TokenEncoder> makeSpmEncoder(const Vocab& vocab);
// Byte-level BPE with the vocab's pre-tokenizer regexes.
Result<std::unique_ptr<TokenEncoder>> makeBpeEncoder(const Vocab& vocab);
// BERT WordPiece (lower-casing, accent stripping, greedy longest match).
std::unique_ptr<TokenEncoder> makeWpmEncoder(const Vocab& vocab);

} // namespace hearth
