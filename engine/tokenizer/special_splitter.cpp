#include "engine/tokenizer/special_splitter.h"

#include "engine/tokenizer/vocab.h"

namespace hearth {

namespace {

bool isAsciiSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

} // namespace

std::vector<TextFragment> splitSpecialTokens(const Vocab& vocab, std::string_view text,
                                             bool parseSpecial) {
    std::vector<TextFragment> fragments;
    if (text.empty()) return fragments;
    fragments.push_back({-1, text});
    std::vector<TextFragment> next;
    for (const int32_t id : vocab.specialTokens) {
        const uint32_t attr = vocab.attrs[id];
        if (!parseSpecial && (attr & (kAttrControl | kAttrUnknown))) continue;
        const std::string& special = vocab.tokens[id];
        next.clear();
        for (const TextFragment& f : fragments) {
            if (f.token >= 0) {
                next.push_back(f);
                continue;
            }
            std::string_view rest = f.text;
            while (true) {
                const size_t at = rest.find(special);
                if (at == std::string_view::npos) {
                    if (!rest.empty()) next.push_back({-1, rest});
                    break;
                }
                std::string_view left = rest.substr(0, at);
                if (attr & kAttrLStrip)
                    while (!left.empty() && isAsciiSpace(left.back())) left.remove_suffix(1);
                if (!left.empty()) next.push_back({-1, left});
                next.push_back({id, {}});
                rest = rest.substr(at + special.size());
                if (attr & kAttrRStrip)
                    while (!rest.empty() && isAsciiSpace(rest.front())) rest.remove_prefix(1);
            }
        }
        fragments.swap(next);
    }
    return fragments;
}

} // namespace hearth
