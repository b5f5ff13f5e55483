#pragma once
// GgufFile: a parsed, validated view of a GGUF (v2/v3) file. Metadata values and tensor data are
// views into the read-only mapping (or a caller-owned buffer); nothing large is copied.
// The file is treated as hostile: every count, length, offset and shape is checked before use.
#include "engine/core/mapped_file.h"
#include "engine/core/result.h"
#include "engine/gguf/ggml_type.h"

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hearth {

enum class GgufValueType : uint32_t {
    UInt8 = 0,
    Int8 = 1,
    UInt16 = 2,
    Int16 = 3,
    UInt32 = 4,
    Int32 = 5,
    Float32 = 6,
    Bool = 7,
    String = 8,
    Array = 9,
    UInt64 = 10,
    Int64 = 11,
    Float64 = 12,
};
std::string_view ggufValueTypeName(GgufValueType t);
// Bytes of one scalar of this type in a file; 0 for String and Array.
size_t ggufScalarSize(GgufValueType t);

struct GgufValue {
    GgufValueType type = GgufValueType::UInt8;
    // Scalars: integers in i/u (both set when representable), floats in f, bools in b.
    int64_t i = 0;
    uint64_t u = 0;
    double f = 0;
    bool b = false;
    std::string_view str; // String
    // Arrays: element type and count; elements are materialised as GgufValue for nested arrays
    // and strings (views), and left raw (little-endian, possibly unaligned) for numbers.
    GgufValueType elemType = GgufValueType::UInt8;
    uint64_t count = 0;
    const uint8_t* raw = nullptr;          // numeric arrays: first element
    std::vector<std::string_view> strings; // string arrays
    std::vector<GgufValue> arrays;         // arrays of arrays

    bool isInteger() const;
    bool isArray() const { return type == GgufValueType::Array; }
    // Numeric array element i converted to the requested type (caller checks i < count).
    int64_t intAt(uint64_t i) const;
    double floatAt(uint64_t i) const;
};

struct GgufTensor {
    std::string_view name;
    GgmlType type = GgmlType::F32;
    uint32_t nDims = 0;
    int64_t ne[4] = {1, 1, 1, 1}; // ggml order: ne[0] is the fastest (row length)
    uint64_t offset = 0;          // relative to the data section
    uint64_t nbytes = 0;
    const uint8_t* data = nullptr; // into the mapping

    int64_t elements() const { return ne[0] * ne[1] * ne[2] * ne[3]; }
    int64_t rows() const { return ne[1] * ne[2] * ne[3]; }
    uint64_t rowBytes() const { return nbytes / static_cast<uint64_t>(rows()); }
};

struct GgufKV {
    std::string_view key;
    GgufValue value;
};

class GgufFile {
public:
    // Open and map a file; the result owns the mapping.
    static Result<std::unique_ptr<GgufFile>> open(const std::string& path);
    // Parse a caller-owned buffer (fuzzing, tests, remote headers). The buffer must outlive the
    // result. With allowTruncatedData the tensor data section may be missing (header-only reads).
    static Result<std::unique_ptr<GgufFile>> parse(const uint8_t* data, size_t size,
                                                   bool allowTruncatedData = false);

    uint32_t version() const { return version_; }
    uint32_t alignment() const { return alignment_; }
    uint64_t dataOffset() const { return dataOffset_; }
    uint64_t fileSize() const { return size_; }
    const std::string& path() const { return path_; }
    MappedFile* mapping() const { return mapping_.get(); }

    const std::vector<GgufKV>& metadata() const { return kvs_; }
    const GgufValue* find(std::string_view key) const;
    std::optional<std::string_view> getString(std::string_view key) const;
    std::optional<int64_t> getInt(std::string_view key) const;  // any integer type
    std::optional<double> getFloat(std::string_view key) const; // any numeric type
    std::optional<bool> getBool(std::string_view key) const;
    const std::vector<std::string_view>* getStringArray(std::string_view key) const;
    const GgufValue* getArray(std::string_view key) const;

    const std::vector<GgufTensor>& tensors() const { return tensors_; }
    const GgufTensor* tensor(std::string_view name) const;

private:
    GgufFile() = default;
    Status parseImpl(bool allowTruncatedData);

    std::unique_ptr<MappedFile> mapping_;
    const uint8_t* data_ = nullptr;
    size_t size_ = 0;
    std::string path_;
    uint32_t version_ = 0;
    uint32_t alignment_ = 32;
    uint64_t dataOffset_ = 0;
    std::vector<GgufKV> kvs_;
    std::map<std::string_view, size_t, std::less<>> kvIndex_;
    std::vector<GgufTensor> tensors_;
    std::map<std::string_view, size_t, std::less<>> tensorIndex_;
};

} // namespace hearth
