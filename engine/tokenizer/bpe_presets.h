#pragma once
// Byte-level BPE pre-tokenizer presets, keyed by tokenizer.ggml.pre: the split regexes each model
// family uses (applied one after another, each refining the previous pieces) and the vocab flags
// the reference implementation sets for it.
#include <string>
#include <string_view>
#include <vector>

namespace hearth::tok {

struct BpePreset {
    std::vector<std::string> patterns; // PCRE2 syntax
    bool ignoreMerges = false;
    bool cleanSpaces = true;
    bool forceAddBos = false;
    bool noBos = false;
};

// nullptr when the name is unknown.
const BpePreset* findBpePreset(std::string_view pre);

} // namespace hearth::tok
