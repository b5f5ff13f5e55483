#pragma once
// Cuts special tokens out of text before the model tokenizer sees it: each special token (longest
// first) splits every remaining text fragment at its occurrences, honouring its lstrip/rstrip
// attributes. Control and unknown tokens take part only when parseSpecial is set; user-defined
// tokens always do, as in the reference implementation.
#include <cstdint>
#include <string_view>
#include <vector>

namespace hearth {

struct Vocab;

struct TextFragment {
    int32_t token = -1;    // >= 0: a special token; -1: plain text in `text`
    std::string_view text; // view into the caller's input
};

std::vector<TextFragment> splitSpecialTokens(const Vocab& vocab, std::string_view text,
                                             bool parseSpecial);

} // namespace hearth
