#include "engine/gguf/gguf_file.h"

#include <algorithm>
#include <cstring>
#include <limits>

namespace hearth {
namespace {

constexpr uint32_t kGgufMagic = 0x46554747; // "GGUF" little-endian
constexpr uint32_t kMaxDims = 4;
constexpr int kMaxArrayDepth = 8;

std::string at(size_t offset) {
    return "at byte " + std::to_string(offset) + ": ";
}

template <class T> T loadLE(const uint8_t* p) {
    T v;
    std::memcpy(&v, p, sizeof v); // x86-64 and every target we build for is little-endian
    return v;
}

// Bounds-checked little-endian cursor over the file bytes.
class Cursor {
public:
    Cursor(const uint8_t* data, size_t size) : data_(data), size_(size) {}
    size_t pos() const { return pos_; }
    size_t remaining() const { return size_ - pos_; }

    template <class T> Result<T> read(const char* what) {
        if (remaining() < sizeof(T))
            return makeError(at(pos_) + "file truncated while reading " + what);
        T v = loadLE<T>(data_ + pos_);
        pos_ += sizeof(T);
        return v;
    }
    Result<std::string_view> readString(const char* what) {
        size_t start = pos_;
        auto len = read<uint64_t>(what);
        if (!len) return std::move(len).takeError();
        if (*len > remaining())
            return makeError(at(start) + what + " length " + std::to_string(*len) +
                             " runs past the end of the file");
        std::string_view s(reinterpret_cast<const char*>(data_ + pos_), *len);
        pos_ += *len;
        return s;
    }
    const uint8_t* here() const { return data_ + pos_; }
    void skip(size_t n) { pos_ += n; }

private:
    const uint8_t* data_;
    size_t size_;
    size_t pos_ = 0;
};

bool validType(uint32_t t) {
    return t <= static_cast<uint32_t>(GgufValueType::Float64);
}

void setScalar(GgufValue& v, const uint8_t* p) {
    switch (v.type) {
    case GgufValueType::UInt8:
        v.u = p[0];
        v.i = p[0];
        break;
    case GgufValueType::Int8:
        v.i = static_cast<int8_t>(p[0]);
        v.u = static_cast<uint64_t>(v.i);
        break;
    case GgufValueType::UInt16:
        v.u = loadLE<uint16_t>(p);
        v.i = static_cast<int64_t>(v.u);
        break;
    case GgufValueType::Int16:
        v.i = loadLE<int16_t>(p);
        v.u = static_cast<uint64_t>(v.i);
        break;
    case GgufValueType::UInt32:
        v.u = loadLE<uint32_t>(p);
        v.i = static_cast<int64_t>(v.u);
        break;
    case GgufValueType::Int32:
        v.i = loadLE<int32_t>(p);
        v.u = static_cast<uint64_t>(v.i);
        break;
    case GgufValueType::UInt64:
        v.u = loadLE<uint64_t>(p);
        v.i = static_cast<int64_t>(v.u);
        break;
    case GgufValueType::Int64:
        v.i = loadLE<int64_t>(p);
        v.u = static_cast<uint64_t>(v.i);
        break;
    case GgufValueType::Float32:
        v.f = loadLE<float>(p);
        break;
    case GgufValueType::Float64:
        v.f = loadLE<double>(p);
        break;
    case GgufValueType::Bool:
        v.b = p[0] != 0;
        v.u = v.b;
        v.i = v.b;
        break;
    default:
        break;
    }
    if (v.isInteger()) v.f = static_cast<double>(v.i);
    if (v.type == GgufValueType::UInt64) v.f = static_cast<double>(v.u);
}

Status readValue(Cursor& c, GgufValue& v, int depth) {
    if (v.type == GgufValueType::String) {
        auto s = c.readString("string value");
        if (!s) return std::move(s).takeError();
        v.str = *s;
        return {};
    }
    if (v.type != GgufValueType::Array) {
        size_t n = ggufScalarSize(v.type);
        if (c.remaining() < n) return makeError(at(c.pos()) + "file truncated inside a value");
        setScalar(v, c.here());
        c.skip(n);
        return {};
    }
    if (depth >= kMaxArrayDepth)
        return makeError(at(c.pos()) + "arrays nested deeper than " +
                         std::to_string(kMaxArrayDepth));
    size_t start = c.pos();
    auto et = c.read<uint32_t>("array element type");
    if (!et) return std::move(et).takeError();
    if (!validType(*et))
        return makeError(at(start) + "invalid array element type " + std::to_string(*et));
    auto count = c.read<uint64_t>("array length");
    if (!count) return std::move(count).takeError();
    v.elemType = static_cast<GgufValueType>(*et);
    v.count = *count;
    if (v.elemType == GgufValueType::String || v.elemType == GgufValueType::Array) {
        // Each element takes at least 8 (string length) or 12 (array header) bytes.
        const uint64_t minSize = v.elemType == GgufValueType::String ? 8 : 12;
        if (v.count > c.remaining() / minSize)
            return makeError(at(start) + "array of " + std::to_string(v.count) +
                             " elements cannot fit in the rest of the file");
        if (v.elemType == GgufValueType::String) {
            v.strings.reserve(v.count);
            for (uint64_t i = 0; i < v.count; ++i) {
                auto s = c.readString("string array element");
                if (!s) return std::move(s).takeError();
                v.strings.push_back(*s);
            }
        } else {
            // Grow as elements are actually read: a nested value is ~10x larger in memory than
            // its 12-byte minimum on disk, so sizing up front from a hostile count is a DoS.
            v.arrays.reserve(std::min<uint64_t>(v.count, 4096));
            for (uint64_t i = 0; i < v.count; ++i) {
                GgufValue e;
                e.type = GgufValueType::Array;
                if (auto st = readValue(c, e, depth + 1); !st) return st;
                v.arrays.push_back(std::move(e));
            }
        }
        return {};
    }
    const size_t es = ggufScalarSize(v.elemType);
    if (v.count > c.remaining() / es)
        return makeError(at(start) + "array of " + std::to_string(v.count) + " " +
                         std::string(ggufValueTypeName(v.elemType)) +
                         " runs past the end of the file");
    v.raw = c.here();
    c.skip(v.count * es);
    return {};
}

} // namespace

std::string_view ggufValueTypeName(GgufValueType t) {
    switch (t) {
    case GgufValueType::UInt8:
        return "u8";
    case GgufValueType::Int8:
        return "i8";
    case GgufValueType::UInt16:
        return "u16";
    case GgufValueType::Int16:
        return "i16";
    case GgufValueType::UInt32:
        return "u32";
    case GgufValueType::Int32:
        return "i32";
    case GgufValueType::Float32:
        return "f32";
    case GgufValueType::Bool:
        return "bool";
    case GgufValueType::String:
        return "str";
    case GgufValueType::Array:
        return "arr";
    case GgufValueType::UInt64:
        return "u64";
    case GgufValueType::Int64:
        return "i64";
    case GgufValueType::Float64:
        return "f64";
    }
    return "?";
}

size_t ggufScalarSize(GgufValueType t) {
    switch (t) {
    case GgufValueType::UInt8:
    case GgufValueType::Int8:
    case GgufValueType::Bool:
        return 1;
    case GgufValueType::UInt16:
    case GgufValueType::Int16:
        return 2;
    case GgufValueType::UInt32:
    case GgufValueType::Int32:
    case GgufValueType::Float32:
        return 4;
    case GgufValueType::UInt64:
    case GgufValueType::Int64:
    case GgufValueType::Float64:
        return 8;
    default:
        return 0;
    }
}

bool GgufValue::isInteger() const {
    switch (type) {
    case GgufValueType::UInt8:
    case GgufValueType::Int8:
    case GgufValueType::UInt16:
    case GgufValueType::Int16:
    case GgufValueType::UInt32:
    case GgufValueType::Int32:
    case GgufValueType::UInt64:
    case GgufValueType::Int64:
        return true;
    default:
        return false;
    }
}

int64_t GgufValue::intAt(uint64_t i) const {
    GgufValue e;
    e.type = elemType;
    if (!raw || ggufScalarSize(elemType) == 0) return 0;
    setScalar(e, raw + i * ggufScalarSize(elemType));
    return e.isInteger() || e.type == GgufValueType::Bool ? e.i : static_cast<int64_t>(e.f);
}

double GgufValue::floatAt(uint64_t i) const {
    GgufValue e;
    e.type = elemType;
    if (!raw || ggufScalarSize(elemType) == 0) return 0;
    setScalar(e, raw + i * ggufScalarSize(elemType));
    return e.f;
}

Result<std::unique_ptr<GgufFile>> GgufFile::open(const std::string& path) {
    auto m = MappedFile::open(path);
    if (!m) return makeError(m.error());
    std::unique_ptr<GgufFile> f(new GgufFile());
    f->mapping_ = std::move(m.value());
    f->data_ = f->mapping_->data();
    f->size_ = f->mapping_->size();
    f->path_ = path;
    if (auto st = f->parseImpl(false); !st) return makeError(path + ": " + st.error());
    return f;
}

Result<std::unique_ptr<GgufFile>> GgufFile::parse(const uint8_t* data, size_t size,
                                                  bool allowTruncatedData) {
    std::unique_ptr<GgufFile> f(new GgufFile());
    f->data_ = data;
    f->size_ = size;
    if (auto st = f->parseImpl(allowTruncatedData); !st) return std::move(st).takeError();
    return f;
}

Status GgufFile::parseImpl(bool allowTruncatedData) {
    Cursor c(data_, size_);
    auto magic = c.read<uint32_t>("magic");
    if (!magic) return makeError(at(0) + "not a GGUF file (shorter than 4 bytes)");
    if (*magic != kGgufMagic) return makeError(at(0) + "not a GGUF file (bad magic)");
    auto version = c.read<uint32_t>("version");
    if (!version) return std::move(version).takeError();
    if (*version != 2 && *version != 3) {
        // A byte-swapped version means a big-endian GGUF: say so instead of "version 50331648".
        const uint32_t swapped = __builtin_bswap32(*version);
        if (swapped == 2 || swapped == 3)
            return makeError(at(4) + "big-endian GGUF files are not supported");
        return makeError(at(4) + "unsupported GGUF version " + std::to_string(*version) +
                         " (supported: 2, 3)");
    }
    version_ = *version;
    auto nTensors = c.read<uint64_t>("tensor count");
    if (!nTensors) return std::move(nTensors).takeError();
    auto nKV = c.read<uint64_t>("metadata count");
    if (!nKV) return std::move(nKV).takeError();
    // Each metadata entry needs >= 13 bytes, each tensor info >= 32: reject absurd counts early.
    if (*nKV > c.remaining() / 13)
        return makeError(at(16) + "metadata count " + std::to_string(*nKV) + " is absurd for a " +
                         std::to_string(size_) + "-byte file");
    if (*nTensors > c.remaining() / 32)
        return makeError(at(8) + "tensor count " + std::to_string(*nTensors) + " is absurd for a " +
                         std::to_string(size_) + "-byte file");

    kvs_.reserve(*nKV);
    size_t alignmentAt = 0; // where general.alignment's value sits, for the error message
    for (uint64_t k = 0; k < *nKV; ++k) {
        size_t start = c.pos();
        auto key = c.readString("metadata key");
        if (!key) return std::move(key).takeError();
        if (kvIndex_.count(*key))
            return makeError(at(start) + "duplicate metadata key '" + std::string(*key) + "'");
        auto type = c.read<uint32_t>("metadata value type");
        if (!type) return std::move(type).takeError();
        if (!validType(*type))
            return makeError(at(c.pos() - 4) + "invalid value type " + std::to_string(*type) +
                             " for key '" + std::string(*key) + "'");
        GgufKV kv;
        kv.key = *key;
        kv.value.type = static_cast<GgufValueType>(*type);
        if (kv.key == "general.alignment") alignmentAt = c.pos();
        if (auto st = readValue(c, kv.value, 0); !st)
            return makeError(st.error() + " (key '" + std::string(*key) + "')");
        kvIndex_.emplace(kv.key, kvs_.size());
        kvs_.push_back(std::move(kv));
    }

    if (const GgufValue* a = find("general.alignment")) {
        if (a->type != GgufValueType::UInt32 || a->u == 0 || (a->u & (a->u - 1)) != 0)
            return makeError(at(alignmentAt) +
                             "general.alignment must be a power-of-two u32, got " +
                             std::string(ggufValueTypeName(a->type)) + " " + std::to_string(a->u));
        alignment_ = static_cast<uint32_t>(a->u);
    }

    tensors_.reserve(*nTensors);
    std::vector<size_t> infoAt; // byte offset of each tensor info, for error messages
    infoAt.reserve(*nTensors);
    for (uint64_t t = 0; t < *nTensors; ++t) {
        size_t start = c.pos();
        auto name = c.readString("tensor name");
        if (!name) return std::move(name).takeError();
        const std::string tname(*name);
        if (tensorIndex_.count(*name))
            return makeError(at(start) + "duplicate tensor name '" + tname + "'");
        auto nd = c.read<uint32_t>("tensor dimension count");
        if (!nd) return std::move(nd).takeError();
        if (*nd == 0 || *nd > kMaxDims)
            return makeError(at(c.pos() - 4) + "tensor '" + tname + "' has " + std::to_string(*nd) +
                             " dimensions (1 to 4 allowed)");
        GgufTensor ti;
        ti.name = *name;
        ti.nDims = *nd;
        for (uint32_t d = 0; d < *nd; ++d) {
            auto ne = c.read<uint64_t>("tensor dimension");
            if (!ne) return std::move(ne).takeError();
            if (*ne > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
                return makeError(at(c.pos() - 8) + "tensor '" + tname + "' dimension " +
                                 std::to_string(d) + " is negative or too large");
            // Empty tensors have no rows; row arithmetic downstream would divide by zero.
            if (*ne == 0)
                return makeError(at(c.pos() - 8) + "tensor '" + tname + "' dimension " +
                                 std::to_string(d) + " is 0");
            ti.ne[d] = static_cast<int64_t>(*ne);
        }
        auto type = c.read<uint32_t>("tensor type");
        if (!type) return std::move(type).takeError();
        auto info = ggmlTypeInfo(*type);
        if (!info)
            return makeError(at(c.pos() - 4) + "tensor '" + tname + "' has unknown ggml type " +
                             std::to_string(*type));
        ti.type = info->type;
        auto off = c.read<uint64_t>("tensor offset");
        if (!off) return std::move(off).takeError();
        ti.offset = *off;
        if (ti.offset % alignment_ != 0)
            return makeError(at(c.pos() - 8) + "tensor '" + tname + "' offset " +
                             std::to_string(ti.offset) + " is not a multiple of the alignment " +
                             std::to_string(alignment_));
        // Element count and byte size without overflow.
        uint64_t elems = 1;
        for (int d = 0; d < 4; ++d) {
            uint64_t ne = static_cast<uint64_t>(ti.ne[d]);
            if (ne != 0 && elems > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) / ne)
                return makeError(at(start) + "tensor '" + tname + "' element count overflows");
            elems *= ne;
        }
        if (ti.ne[0] % info->blockSize != 0)
            return makeError(at(start) + "tensor '" + tname + "' row length " +
                             std::to_string(ti.ne[0]) + " is not a multiple of the " +
                             std::string(info->name) + " block size " +
                             std::to_string(info->blockSize));
        const uint64_t blocks = elems / info->blockSize;
        if (blocks > std::numeric_limits<uint64_t>::max() / info->bytesPerBlock)
            return makeError(at(start) + "tensor '" + tname + "' byte size overflows");
        ti.nbytes = blocks * info->bytesPerBlock;
        tensorIndex_.emplace(ti.name, tensors_.size());
        tensors_.push_back(ti);
        infoAt.push_back(start);
    }

    uint64_t dataStart =
        (static_cast<uint64_t>(c.pos()) + alignment_ - 1) / alignment_ * alignment_;
    dataOffset_ = dataStart;
    const uint64_t dataSize = size_ > dataStart ? size_ - dataStart : 0;
    for (size_t i = 0; i < tensors_.size(); ++i) {
        GgufTensor& ti = tensors_[i];
        if (ti.offset > dataSize || ti.nbytes > dataSize - ti.offset) {
            if (allowTruncatedData) continue;
            // Offsets are relative to the data section; report them as such to avoid overflow.
            return makeError(at(infoAt[i]) + "tensor '" + std::string(ti.name) + "' data (offset " +
                             std::to_string(ti.offset) + ", " + std::to_string(ti.nbytes) +
                             " bytes, data section at byte " + std::to_string(dataStart) +
                             ") lies outside the " + std::to_string(size_) + "-byte file");
        }
        ti.data = data_ + dataStart + ti.offset;
    }
    // Two tensors sharing bytes would let a write through one corrupt the other: reject overlaps.
    std::vector<size_t> order(tensors_.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(),
              [this](size_t a, size_t b) { return tensors_[a].offset < tensors_[b].offset; });
    for (size_t k = 1; k < order.size(); ++k) {
        const GgufTensor& prev = tensors_[order[k - 1]];
        const GgufTensor& cur = tensors_[order[k]];
        if (cur.offset - prev.offset < prev.nbytes) // offsets sorted, so no underflow
            return makeError(at(infoAt[order[k]]) + "tensor '" + std::string(cur.name) +
                             "' data overlaps tensor '" + std::string(prev.name) + "'");
    }
    return {};
}

const GgufValue* GgufFile::find(std::string_view key) const {
    auto it = kvIndex_.find(key);
    return it == kvIndex_.end() ? nullptr : &kvs_[it->second].value;
}

std::optional<std::string_view> GgufFile::getString(std::string_view key) const {
    const GgufValue* v = find(key);
    if (!v || v->type != GgufValueType::String) return std::nullopt;
    return v->str;
}

std::optional<int64_t> GgufFile::getInt(std::string_view key) const {
    const GgufValue* v = find(key);
    if (!v || !(v->isInteger() || v->type == GgufValueType::Bool)) return std::nullopt;
    return v->i;
}

std::optional<double> GgufFile::getFloat(std::string_view key) const {
    const GgufValue* v = find(key);
    if (!v ||
        !(v->isInteger() || v->type == GgufValueType::Float32 || v->type == GgufValueType::Float64))
        return std::nullopt;
    return v->f;
}

std::optional<bool> GgufFile::getBool(std::string_view key) const {
    const GgufValue* v = find(key);
    if (!v || v->type != GgufValueType::Bool) return std::nullopt;
    return v->b;
}

const std::vector<std::string_view>* GgufFile::getStringArray(std::string_view key) const {
    const GgufValue* v = find(key);
    if (!v || v->type != GgufValueType::Array || v->elemType != GgufValueType::String)
        return nullptr;
    return &v->strings;
}

const GgufValue* GgufFile::getArray(std::string_view key) const {
    const GgufValue* v = find(key);
    return v && v->type == GgufValueType::Array ? v : nullptr;
}

const GgufTensor* GgufFile::tensor(std::string_view name) const {
    auto it = tensorIndex_.find(name);
    return it == tensorIndex_.end() ? nullptr : &tensors_[it->second];
}

} // namespace hearth
