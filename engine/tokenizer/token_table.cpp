#include "engine/tokenizer/token_table.h"

#include <functional>

namespace hearth::tok {

uint64_t TokenTable::hashOf(std::string_view text) {
    return std::hash<std::string_view>{}(text);
}

void TokenTable::build(const std::vector<std::string>& texts) {
    size_t capacity = 16;
    while (capacity < texts.size() * 2) capacity <<= 1; // load factor <= 0.5
    slots_.assign(capacity, 0);
    mask_ = capacity - 1;
    for (size_t id = 0; id < texts.size(); ++id) {
        const uint64_t h = hashOf(texts[id]);
        const uint64_t tag = h & 0xFFFFFFFF00000000ull;
        for (uint64_t i = h & mask_;; i = (i + 1) & mask_) {
            uint64_t& slot = slots_[i];
            if (slot == 0) {
                slot = tag | (id + 1);
                break;
            }
            const size_t other = (slot & 0xFFFFFFFFull) - 1;
            if ((slot & 0xFFFFFFFF00000000ull) == tag && texts[other] == texts[id]) {
                slot = tag | (id + 1); // duplicate text: the later id wins
                break;
            }
        }
    }
}

int32_t TokenTable::find(std::string_view text, const std::vector<std::string>& texts) const {
    if (slots_.empty()) return -1;
    const uint64_t h = hashOf(text);
    const uint64_t tag = h & 0xFFFFFFFF00000000ull;
    for (uint64_t i = h & mask_;; i = (i + 1) & mask_) {
        const uint64_t slot = slots_[i];
        if (slot == 0) return -1;
        if ((slot & 0xFFFFFFFF00000000ull) == tag) {
            const size_t id = (slot & 0xFFFFFFFFull) - 1;
            if (texts[id] == text) return static_cast<int32_t>(id);
        }
    }
}

} // namespace hearth::tok
