#pragma once
// RegexSplitter: the BPE pre-tokenizer. Each pattern is applied in turn to every piece the
// previous ones produced; matches and the text between them both become pieces, so nothing is
// dropped. Patterns are PCRE2 with UTF + UCP (Unicode \p{..} classes, \s and \d), JIT-compiled.
#include "engine/core/result.h"

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace hearth::tok {

class RegexSplitter {
public:
    static Result<std::unique_ptr<RegexSplitter>> create(const std::vector<std::string>& patterns);
    ~RegexSplitter();

    // `text` must be valid UTF-8 (see toValidUtf8). Pieces are views into `text`, in order.
    std::vector<std::string_view> split(std::string_view text) const;

private:
    RegexSplitter() = default;
    struct Compiled;
    std::vector<std::unique_ptr<Compiled>> regexes_;
};

} // namespace hearth::tok
