#pragma once
// GgufWriter: builds a GGUF v3 file (metadata of every type, nested arrays, tensors with alignment
// padding) the way ggml lays it out, so a file read with GgufFile and written back is
// byte-identical. Used by import, the quantizer and the synthetic-model generator.
#include "engine/core/result.h"
#include "engine/gguf/ggml_type.h"
#include "engine/gguf/gguf_file.h"

#include <cstdint>
#include <cstring>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace hearth {

// An owned array value for the writer, already encoded (element type, count, elements).
class GgufArray {
public:
    // Numeric arrays: the element type follows T (uint8_t ... double).
    template <class T> static GgufArray of(std::span<const T> values) {
        GgufArray a(numericType<T>(), values.size());
        a.appendBytes(values.data(), values.size() * sizeof(T));
        return a;
    }
    template <class T> static GgufArray of(const std::vector<T>& values) {
        return of<T>(std::span<const T>(values));
    }
    static GgufArray bools(const std::vector<bool>& values);
    static GgufArray strings(const std::vector<std::string>& values);
    static GgufArray strings(const std::vector<std::string_view>& values);
    static GgufArray arrays(const std::vector<GgufArray>& values);

    GgufValueType elemType() const { return elemType_; }
    uint64_t count() const { return count_; }
    // u32 element type, u64 count, then the elements: exactly the bytes after an Array type tag.
    const std::vector<uint8_t>& encoded() const { return bytes_; }

private:
    GgufArray(GgufValueType elemType, uint64_t count);
    void appendBytes(const void* p, size_t n);
    template <class T> static constexpr GgufValueType numericType() {
        static_assert(std::is_arithmetic_v<T> && !std::is_same_v<T, bool>,
                      "use GgufArray::bools/strings/arrays for these element types");
        if constexpr (std::is_same_v<T, uint8_t>)
            return GgufValueType::UInt8;
        else if constexpr (std::is_same_v<T, int8_t>)
            return GgufValueType::Int8;
        else if constexpr (std::is_same_v<T, uint16_t>)
            return GgufValueType::UInt16;
        else if constexpr (std::is_same_v<T, int16_t>)
            return GgufValueType::Int16;
        else if constexpr (std::is_same_v<T, uint32_t>)
            return GgufValueType::UInt32;
        else if constexpr (std::is_same_v<T, int32_t>)
            return GgufValueType::Int32;
        else if constexpr (std::is_same_v<T, float>)
            return GgufValueType::Float32;
        else if constexpr (std::is_same_v<T, uint64_t>)
            return GgufValueType::UInt64;
        else if constexpr (std::is_same_v<T, int64_t>)
            return GgufValueType::Int64;
        else {
            static_assert(std::is_same_v<T, double>, "unsupported GGUF array element type");
            return GgufValueType::Float64;
        }
    }

    GgufValueType elemType_;
    uint64_t count_;
    std::vector<uint8_t> bytes_;
};

class GgufWriter {
public:
    // Fills out[0, nbytes) with a tensor's data when the file is written (streams big models).
    using TensorFill = std::function<Status(uint8_t* out, uint64_t nbytes)>;

    GgufWriter() = default;

    // GGUF version in the header: 3 (default) or 2 (same layout on little-endian machines).
    Status setVersion(uint32_t version);

    // Metadata. Setting an existing key replaces its value in place (its position is kept);
    // a new key is appended. Order is the order written.
    void setU8(std::string_view key, uint8_t v);
    void setI8(std::string_view key, int8_t v);
    void setU16(std::string_view key, uint16_t v);
    void setI16(std::string_view key, int16_t v);
    void setU32(std::string_view key, uint32_t v);
    void setI32(std::string_view key, int32_t v);
    void setU64(std::string_view key, uint64_t v);
    void setI64(std::string_view key, int64_t v);
    void setF32(std::string_view key, float v);
    void setF64(std::string_view key, double v);
    void setBool(std::string_view key, bool v);
    void setString(std::string_view key, std::string_view v);
    void setArray(std::string_view key, const GgufArray& v);
    // Any value read by GgufFile (arrays of arrays included).
    void setValue(std::string_view key, const GgufValue& v);
    // Copy every KV of a file, in its order (optionally only keys the filter accepts).
    void copyMetadata(const GgufFile& from,
                      const std::function<bool(std::string_view key)>& filter = {});
    bool remove(std::string_view key);
    bool has(std::string_view key) const;
    size_t metadataCount() const { return kvs_.size(); }
    // Sets general.alignment (a power of two); tensor data is padded to it.
    Status setAlignment(uint32_t alignment);

    // Tensors, written in the order added. ne[0] is the row length (ggml order), 1 to 4 dims.
    // The data pointer must stay valid until the file is written.
    Status addTensor(std::string_view name, GgmlType type, std::span<const int64_t> ne,
                     const void* data);
    Status addTensor(std::string_view name, GgmlType type, std::span<const int64_t> ne,
                     TensorFill fill);
    // Add every tensor of a file, in its order, as views into it (the file must outlive writes).
    Status copyTensors(const GgufFile& from);
    size_t tensorCount() const { return tensors_.size(); }

    // Where the data section starts (header plus padding) and the whole file's size.
    Result<uint64_t> headerBytes() const;
    Result<uint64_t> fileBytes() const;

    Result<std::vector<uint8_t>> writeToMemory() const;
    // Atomic: writes a temp file beside path, fsyncs, renames over path.
    Status writeFile(const std::string& path) const;

private:
    struct KV {
        std::string key;
        std::vector<uint8_t> value; // u32 type tag + payload
    };
    struct Tensor {
        std::string name;
        GgmlType type;
        uint32_t nDims;
        int64_t ne[4];
        uint64_t nbytes;
        const void* data = nullptr;
        TensorFill fill;
    };
    class Sink;

    void set(std::string_view key, std::vector<uint8_t> value);
    uint64_t unpaddedHeaderBytes() const;
    Result<Tensor*> newTensor(std::string_view name, GgmlType type, std::span<const int64_t> ne);
    Result<uint32_t> alignment() const;
    Status writeTo(Sink& sink) const;

    uint32_t version_ = 3;
    std::vector<KV> kvs_;
    std::vector<Tensor> tensors_;
};

} // namespace hearth
