#pragma once
// Hand-assembles GGUF bytes field by field, so tests can build files the writer would refuse to
// produce (bad counts, bad offsets, duplicate names) and know the byte offset of every field.
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace hearth::test {

class GgufBytes {
public:
    std::vector<uint8_t> bytes;

    size_t size() const { return bytes.size(); }
    template <class T> size_t put(T v) {
        size_t at = bytes.size();
        bytes.resize(at + sizeof v);
        std::memcpy(bytes.data() + at, &v, sizeof v);
        return at;
    }
    size_t u32(uint32_t v) { return put(v); }
    size_t u64(uint64_t v) { return put(v); }
    size_t str(const std::string& s) {
        size_t at = u64(s.size());
        bytes.insert(bytes.end(), s.begin(), s.end());
        return at;
    }
    // Header: magic, version, tensor count, kv count. Returns nothing; offsets are fixed
    // (0/4/8/16).
    void header(uint64_t nTensors, uint64_t nKV, uint32_t version = 3) {
        u32(0x46554747);
        u32(version);
        u64(nTensors);
        u64(nKV);
    }
    size_t kvU32(const std::string& key, uint32_t v) {
        size_t at = str(key);
        u32(4);
        u32(v);
        return at;
    }
    size_t kvString(const std::string& key, const std::string& v) {
        size_t at = str(key);
        u32(8);
        str(v);
        return at;
    }
    // Tensor info; returns the offset of the info's first byte.
    size_t tensorInfo(const std::string& name, std::vector<uint64_t> ne, uint32_t type,
                      uint64_t offset) {
        size_t at = str(name);
        u32(static_cast<uint32_t>(ne.size()));
        for (uint64_t n : ne) u64(n);
        u32(type);
        u64(offset);
        return at;
    }
    void padTo(size_t alignment) {
        while (bytes.size() % alignment) bytes.push_back(0);
    }
    void zeros(size_t n) { bytes.insert(bytes.end(), n, 0); }
    template <class T> void patch(size_t at, T v) { std::memcpy(bytes.data() + at, &v, sizeof v); }
};

} // namespace hearth::test
