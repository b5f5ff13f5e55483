#pragma once
// Builds small vocab-only GGUF images in memory, so tests can exercise tokenizer corner cases
// (score order, byte fallback, malformed metadata) with vocabularies whose answer is known.
#include <cstdint>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

namespace hearth::test {

struct VocabSpec {
    std::string model = "llama";
    std::string pre; // empty: key not written
    std::vector<std::string> tokens;
    std::vector<float> scores;  // empty: key not written
    std::vector<int32_t> types; // empty: key not written
    std::vector<std::string> merges;
    bool writeMerges = false;
    std::vector<std::pair<std::string, uint32_t>> u32Keys;
    std::vector<std::pair<std::string, bool>> boolKeys;
};

class VocabGgufBuilder {
public:
    static std::vector<uint8_t> build(const VocabSpec& s) {
        VocabGgufBuilder b;
        uint64_t nKv = 2 + (s.pre.empty() ? 0 : 1) + (s.scores.empty() ? 0 : 1) +
                       (s.types.empty() ? 0 : 1) + (s.writeMerges ? 1 : 0) + s.u32Keys.size() +
                       s.boolKeys.size();
        b.put<uint32_t>(0x46554747); // "GGUF"
        b.put<uint32_t>(3);
        b.put<uint64_t>(0); // tensors
        b.put<uint64_t>(nKv);
        b.kvString("tokenizer.ggml.model", s.model);
        if (!s.pre.empty()) b.kvString("tokenizer.ggml.pre", s.pre);
        b.kvStrings("tokenizer.ggml.tokens", s.tokens);
        if (!s.scores.empty()) b.kvArray("tokenizer.ggml.scores", 6, s.scores);
        if (!s.types.empty()) b.kvArray("tokenizer.ggml.token_type", 5, s.types);
        if (s.writeMerges) b.kvStrings("tokenizer.ggml.merges", s.merges);
        for (const auto& [k, v] : s.u32Keys) {
            b.str(k);
            b.put<uint32_t>(4);
            b.put<uint32_t>(v);
        }
        for (const auto& [k, v] : s.boolKeys) {
            b.str(k);
            b.put<uint32_t>(7);
            b.put<uint8_t>(v ? 1 : 0);
        }
        while (b.bytes.size() % 32) b.bytes.push_back(0);
        return b.bytes;
    }

private:
    std::vector<uint8_t> bytes;

    template <class T> void put(T v) {
        const size_t at = bytes.size();
        bytes.resize(at + sizeof v);
        std::memcpy(bytes.data() + at, &v, sizeof v);
    }
    void str(const std::string& s) {
        put<uint64_t>(s.size());
        bytes.insert(bytes.end(), s.begin(), s.end());
    }
    void kvString(const std::string& key, const std::string& v) {
        str(key);
        put<uint32_t>(8);
        str(v);
    }
    void kvStrings(const std::string& key, const std::vector<std::string>& v) {
        str(key);
        put<uint32_t>(9);
        put<uint32_t>(8);
        put<uint64_t>(v.size());
        for (const auto& s : v) str(s);
    }
    template <class T>
    void kvArray(const std::string& key, uint32_t elemType, const std::vector<T>& v) {
        str(key);
        put<uint32_t>(9);
        put<uint32_t>(elemType);
        put<uint64_t>(v.size());
        for (T x : v) put<T>(x);
    }
};

} // namespace hearth::test
