#pragma once
// TokenTable: token text -> id, as one flat open-addressing array of (hash, id) slots. Loading a
// 150k vocab with ~300k merges does about a million lookups, and a node-based map spends most of
// that time chasing pointers; here a lookup is one slot probe plus one string compare.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace hearth::tok {

class TokenTable {
public:
    // Later duplicates win, as in the reference implementation's map.
    void build(const std::vector<std::string>& texts);
    // `texts` must be the vector the table was built from. -1 when absent.
    int32_t find(std::string_view text, const std::vector<std::string>& texts) const;

private:
    static uint64_t hashOf(std::string_view text);
    std::vector<uint64_t> slots_; // 0 = empty, else (hash high 32 bits << 32) | (id + 1)
    uint64_t mask_ = 0;
};

} // namespace hearth::tok
