#include "engine/gguf/gguf_writer.h"

#include "engine/core/page_cache.h"

#include <cerrno>
#include <fcntl.h>
#include <limits>
#include <set>
#include <sys/stat.h>
#include <unistd.h>

namespace hearth {
namespace {

constexpr uint32_t kGgufMagic = 0x46554747;
constexpr uint32_t kDefaultAlignment = 32;

template <class T> void put(std::vector<uint8_t>& out, T v) {
    const size_t at = out.size();
    out.resize(at + sizeof v);
    std::memcpy(out.data() + at, &v, sizeof v);
}

void putString(std::vector<uint8_t>& out, std::string_view s) {
    put<uint64_t>(out, s.size());
    out.insert(out.end(), s.begin(), s.end());
}

template <class T> std::vector<uint8_t> scalar(GgufValueType type, T v) {
    std::vector<uint8_t> out;
    put<uint32_t>(out, static_cast<uint32_t>(type));
    put<T>(out, v);
    return out;
}

// The payload of a value as GgufFile parsed it (no type tag), rebuilt byte for byte.
void encodePayload(std::vector<uint8_t>& out, const GgufValue& v) {
    switch (v.type) {
    case GgufValueType::UInt8:
        put<uint8_t>(out, static_cast<uint8_t>(v.u));
        return;
    case GgufValueType::Int8:
        put<int8_t>(out, static_cast<int8_t>(v.i));
        return;
    case GgufValueType::UInt16:
        put<uint16_t>(out, static_cast<uint16_t>(v.u));
        return;
    case GgufValueType::Int16:
        put<int16_t>(out, static_cast<int16_t>(v.i));
        return;
    case GgufValueType::UInt32:
        put<uint32_t>(out, static_cast<uint32_t>(v.u));
        return;
    case GgufValueType::Int32:
        put<int32_t>(out, static_cast<int32_t>(v.i));
        return;
    case GgufValueType::UInt64:
        put<uint64_t>(out, v.u);
        return;
    case GgufValueType::Int64:
        put<int64_t>(out, v.i);
        return;
    case GgufValueType::Float32:
        put<float>(out, static_cast<float>(v.f));
        return;
    case GgufValueType::Float64:
        put<double>(out, v.f);
        return;
    case GgufValueType::Bool:
        put<uint8_t>(out, v.b ? 1 : 0);
        return;
    case GgufValueType::String:
        putString(out, v.str);
        return;
    case GgufValueType::Array:
        break;
    }
    put<uint32_t>(out, static_cast<uint32_t>(v.elemType));
    put<uint64_t>(out, v.count);
    if (v.elemType == GgufValueType::String) {
        for (std::string_view s : v.strings) putString(out, s);
    } else if (v.elemType == GgufValueType::Array) {
        for (const GgufValue& e : v.arrays) encodePayload(out, e);
    } else if (v.count > 0 && v.raw) {
        const size_t n = v.count * ggufScalarSize(v.elemType);
        out.insert(out.end(), v.raw, v.raw + n);
    }
}

uint64_t padTo(uint64_t n, uint64_t alignment) {
    return (n + alignment - 1) / alignment * alignment;
}

} // namespace

// ---- GgufArray ----

GgufArray::GgufArray(GgufValueType elemType, uint64_t count) : elemType_(elemType), count_(count) {
    put<uint32_t>(bytes_, static_cast<uint32_t>(elemType));
    put<uint64_t>(bytes_, count);
}

void GgufArray::appendBytes(const void* p, size_t n) {
    const auto* b = static_cast<const uint8_t*>(p);
    bytes_.insert(bytes_.end(), b, b + n);
}

GgufArray GgufArray::bools(const std::vector<bool>& values) {
    GgufArray a(GgufValueType::Bool, values.size());
    for (bool b : values) a.bytes_.push_back(b ? 1 : 0);
    return a;
}

GgufArray GgufArray::strings(const std::vector<std::string>& values) {
    GgufArray a(GgufValueType::String, values.size());
    for (const std::string& s : values) putString(a.bytes_, s);
    return a;
}

GgufArray GgufArray::strings(const std::vector<std::string_view>& values) {
    GgufArray a(GgufValueType::String, values.size());
    for (std::string_view s : values) putString(a.bytes_, s);
    return a;
}

GgufArray GgufArray::arrays(const std::vector<GgufArray>& values) {
    GgufArray a(GgufValueType::Array, values.size());
    for (const GgufArray& e : values) a.appendBytes(e.bytes_.data(), e.bytes_.size());
    return a;
}

// ---- GgufWriter: metadata ----

Status GgufWriter::setVersion(uint32_t version) {
    if (version != 2 && version != 3)
        return makeError("GGUF version " + std::to_string(version) + " cannot be written (2 or 3)");
    version_ = version;
    return {};
}

void GgufWriter::set(std::string_view key, std::vector<uint8_t> value) {
    for (KV& kv : kvs_)
        if (kv.key == key) {
            kv.value = std::move(value);
            return;
        }
    kvs_.push_back(KV{std::string(key), std::move(value)});
}

void GgufWriter::setU8(std::string_view k, uint8_t v) {
    set(k, scalar(GgufValueType::UInt8, v));
}
void GgufWriter::setI8(std::string_view k, int8_t v) {
    set(k, scalar(GgufValueType::Int8, v));
}
void GgufWriter::setU16(std::string_view k, uint16_t v) {
    set(k, scalar(GgufValueType::UInt16, v));
}
void GgufWriter::setI16(std::string_view k, int16_t v) {
    set(k, scalar(GgufValueType::Int16, v));
}
void GgufWriter::setU32(std::string_view k, uint32_t v) {
    set(k, scalar(GgufValueType::UInt32, v));
}
void GgufWriter::setI32(std::string_view k, int32_t v) {
    set(k, scalar(GgufValueType::Int32, v));
}
void GgufWriter::setU64(std::string_view k, uint64_t v) {
    set(k, scalar(GgufValueType::UInt64, v));
}
void GgufWriter::setI64(std::string_view k, int64_t v) {
    set(k, scalar(GgufValueType::Int64, v));
}
void GgufWriter::setF32(std::string_view k, float v) {
    set(k, scalar(GgufValueType::Float32, v));
}
void GgufWriter::setF64(std::string_view k, double v) {
    set(k, scalar(GgufValueType::Float64, v));
}
void GgufWriter::setBool(std::string_view k, bool v) {
    set(k, scalar<uint8_t>(GgufValueType::Bool, v ? 1 : 0));
}

void GgufWriter::setString(std::string_view key, std::string_view v) {
    std::vector<uint8_t> out;
    put<uint32_t>(out, static_cast<uint32_t>(GgufValueType::String));
    putString(out, v);
    set(key, std::move(out));
}

void GgufWriter::setArray(std::string_view key, const GgufArray& v) {
    std::vector<uint8_t> out;
    put<uint32_t>(out, static_cast<uint32_t>(GgufValueType::Array));
    out.insert(out.end(), v.encoded().begin(), v.encoded().end());
    set(key, std::move(out));
}

void GgufWriter::setValue(std::string_view key, const GgufValue& v) {
    std::vector<uint8_t> out;
    put<uint32_t>(out, static_cast<uint32_t>(v.type));
    encodePayload(out, v);
    set(key, std::move(out));
}

void GgufWriter::copyMetadata(const GgufFile& from,
                              const std::function<bool(std::string_view key)>& filter) {
    for (const GgufKV& kv : from.metadata())
        if (!filter || filter(kv.key)) setValue(kv.key, kv.value);
}

bool GgufWriter::remove(std::string_view key) {
    for (auto it = kvs_.begin(); it != kvs_.end(); ++it)
        if (it->key == key) {
            kvs_.erase(it);
            return true;
        }
    return false;
}

bool GgufWriter::has(std::string_view key) const {
    for (const KV& kv : kvs_)
        if (kv.key == key) return true;
    return false;
}

Status GgufWriter::setAlignment(uint32_t alignment) {
    if (alignment == 0 || (alignment & (alignment - 1)) != 0)
        return makeError("alignment " + std::to_string(alignment) + " is not a power of two");
    setU32("general.alignment", alignment);
    return {};
}

Result<uint32_t> GgufWriter::alignment() const {
    for (const KV& kv : kvs_) {
        if (kv.key != "general.alignment") continue;
        uint32_t type = 0, value = 0;
        std::memcpy(&type, kv.value.data(), 4);
        if (type != static_cast<uint32_t>(GgufValueType::UInt32))
            return makeError("general.alignment must be a u32");
        std::memcpy(&value, kv.value.data() + 4, 4);
        if (value == 0 || (value & (value - 1)) != 0)
            return makeError("general.alignment " + std::to_string(value) +
                             " is not a power of two");
        return value;
    }
    return kDefaultAlignment;
}

// ---- GgufWriter: tensors ----

Result<GgufWriter::Tensor*> GgufWriter::newTensor(std::string_view name, GgmlType type,
                                                  std::span<const int64_t> ne) {
    const std::string n(name);
    if (name.empty()) return makeError("tensor name is empty");
    for (const Tensor& t : tensors_)
        if (t.name == name) return makeError("duplicate tensor name '" + n + "'");
    auto info = ggmlTypeInfo(static_cast<uint32_t>(type));
    if (!info) return makeError("tensor '" + n + "': unknown ggml type");
    if (ne.empty() || ne.size() > 4)
        return makeError("tensor '" + n + "' has " + std::to_string(ne.size()) +
                         " dimensions (1 to 4 allowed)");
    Tensor t;
    t.name = n;
    t.type = type;
    t.nDims = static_cast<uint32_t>(ne.size());
    uint64_t elems = 1;
    for (size_t d = 0; d < 4; ++d) {
        t.ne[d] = d < ne.size() ? ne[d] : 1;
        if (t.ne[d] <= 0)
            return makeError("tensor '" + n + "' dimension " + std::to_string(d) + " is " +
                             std::to_string(t.ne[d]));
        const uint64_t dim = static_cast<uint64_t>(t.ne[d]);
        if (elems > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) / dim)
            return makeError("tensor '" + n + "' element count overflows");
        elems *= dim;
    }
    if (t.ne[0] % info->blockSize != 0)
        return makeError("tensor '" + n + "' row length " + std::to_string(t.ne[0]) +
                         " is not a multiple of the " + std::string(info->name) + " block size " +
                         std::to_string(info->blockSize));
    const uint64_t blocks = elems / info->blockSize;
    if (blocks > std::numeric_limits<uint64_t>::max() / 2 / info->bytesPerBlock)
        return makeError("tensor '" + n + "' byte size overflows");
    t.nbytes = blocks * info->bytesPerBlock;
    tensors_.push_back(std::move(t));
    return &tensors_.back();
}

Status GgufWriter::addTensor(std::string_view name, GgmlType type, std::span<const int64_t> ne,
                             const void* data) {
    if (!data) return makeError("tensor '" + std::string(name) + "' has no data");
    auto t = newTensor(name, type, ne);
    if (!t) return std::move(t).takeError();
    (*t)->data = data;
    return {};
}

Status GgufWriter::addTensor(std::string_view name, GgmlType type, std::span<const int64_t> ne,
                             TensorFill fill) {
    if (!fill) return makeError("tensor '" + std::string(name) + "' has no data source");
    auto t = newTensor(name, type, ne);
    if (!t) return std::move(t).takeError();
    (*t)->fill = std::move(fill);
    return {};
}

Status GgufWriter::copyTensors(const GgufFile& from) {
    for (const GgufTensor& t : from.tensors()) {
        if (!t.data)
            return makeError("tensor '" + std::string(t.name) + "' has no data in " + from.path());
        auto st = addTensor(t.name, t.type, std::span<const int64_t>(t.ne, t.nDims), t.data);
        if (!st) return st;
    }
    return {};
}

// ---- GgufWriter: output ----

uint64_t GgufWriter::unpaddedHeaderBytes() const {
    uint64_t n = 4 + 4 + 8 + 8;
    for (const KV& kv : kvs_) n += 8 + kv.key.size() + kv.value.size();
    for (const Tensor& t : tensors_) n += 8 + t.name.size() + 4 + 8 * t.nDims + 4 + 8;
    return n;
}

Result<uint64_t> GgufWriter::headerBytes() const {
    auto align = alignment();
    if (!align) return std::move(align).takeError();
    return padTo(unpaddedHeaderBytes(), *align);
}

Result<uint64_t> GgufWriter::fileBytes() const {
    auto header = headerBytes();
    if (!header) return header;
    if (tensors_.empty()) return unpaddedHeaderBytes(); // vocab-only files end unpadded
    const uint64_t align = *alignment();
    uint64_t n = *header;
    for (const Tensor& t : tensors_) n += padTo(t.nbytes, align);
    return n;
}

// Where bytes go: a growing buffer or a file descriptor (buffered).
class GgufWriter::Sink {
public:
    explicit Sink(std::vector<uint8_t>* memory) : memory_(memory) {}
    explicit Sink(int fd) : fd_(fd) { buffer_.reserve(kBuffer); }

    Status write(const void* p, size_t n) {
        const auto* b = static_cast<const uint8_t*>(p);
        if (memory_) {
            memory_->insert(memory_->end(), b, b + n);
            return {};
        }
        if (buffer_.size() + n > kBuffer) {
            if (auto st = flush(); !st) return st;
            if (n >= kBuffer) return writeFd(b, n);
        }
        buffer_.insert(buffer_.end(), b, b + n);
        return {};
    }
    Status zeros(size_t n) {
        static const uint8_t kZero[256] = {};
        while (n > 0) {
            const size_t k = n < sizeof kZero ? n : sizeof kZero;
            if (auto st = write(kZero, k); !st) return st;
            n -= k;
        }
        return {};
    }
    Status flush() {
        if (memory_ || buffer_.empty()) return {};
        auto st = writeFd(buffer_.data(), buffer_.size());
        buffer_.clear();
        return st;
    }

private:
    static constexpr size_t kBuffer = 1 << 20;
    Status writeFd(const uint8_t* p, size_t n) {
        while (n > 0) {
            const ssize_t w = ::write(fd_, p, n);
            if (w < 0 && errno == EINTR) continue;
            if (w <= 0) return makeError(std::string("write failed: ") + std::strerror(errno));
            p += w;
            n -= static_cast<size_t>(w);
        }
        return {};
    }
    std::vector<uint8_t>* memory_ = nullptr;
    int fd_ = -1;
    std::vector<uint8_t> buffer_;
};

Status GgufWriter::writeTo(Sink& sink) const {
    auto align = alignment();
    if (!align) return std::move(align).takeError();
    std::vector<uint8_t> head;
    put<uint32_t>(head, kGgufMagic);
    put<uint32_t>(head, version_);
    put<uint64_t>(head, tensors_.size());
    put<uint64_t>(head, kvs_.size());
    for (const KV& kv : kvs_) {
        putString(head, kv.key);
        head.insert(head.end(), kv.value.begin(), kv.value.end());
    }
    uint64_t offset = 0;
    for (const Tensor& t : tensors_) {
        putString(head, t.name);
        put<uint32_t>(head, t.nDims);
        for (uint32_t d = 0; d < t.nDims; ++d) put<uint64_t>(head, static_cast<uint64_t>(t.ne[d]));
        put<uint32_t>(head, static_cast<uint32_t>(t.type));
        put<uint64_t>(head, offset);
        offset += padTo(t.nbytes, *align);
    }
    // Like the reference writers, pad to the data section only when there is one.
    if (!tensors_.empty()) head.resize(padTo(head.size(), *align), 0);
    if (auto st = sink.write(head.data(), head.size()); !st) return st;

    std::vector<uint8_t> scratch;
    for (const Tensor& t : tensors_) {
        const void* data = t.data;
        if (!data) {
            scratch.assign(t.nbytes, 0);
            if (auto st = t.fill(scratch.data(), t.nbytes); !st)
                return makeError("tensor '" + t.name + "': " + st.error());
            data = scratch.data();
        }
        if (auto st = sink.write(data, t.nbytes); !st) return st;
        if (auto st = sink.zeros(padTo(t.nbytes, *align) - t.nbytes); !st) return st;
    }
    return sink.flush();
}

Result<std::vector<uint8_t>> GgufWriter::writeToMemory() const {
    std::vector<uint8_t> out;
    if (auto size = fileBytes(); size) out.reserve(*size);
    Sink sink(&out);
    if (auto st = writeTo(sink); !st) return std::move(st).takeError();
    return out;
}

Status GgufWriter::writeFile(const std::string& path) const {
    std::string tmp = path + ".tmp-XXXXXX";
    const int fd = ::mkstemp(tmp.data());
    if (fd < 0) return makeError("cannot create " + tmp + ": " + std::strerror(errno));
    Sink sink(fd);
    Status st = writeTo(sink);
    if (st && ::fsync(fd) != 0) st = makeError("cannot sync " + tmp + ": " + std::strerror(errno));
    // Read back from disk, a model comes in large page-cache folios (page_cache.h); failing to
    // drop the written ones only costs speed.
    if (st) (void)dropFromPageCache(fd);
    ::fchmod(fd, 0644); // mkstemp creates 0600; a model file is not secret
    if (::close(fd) != 0 && st) st = makeError("cannot close " + tmp + ": " + std::strerror(errno));
    if (st && ::rename(tmp.c_str(), path.c_str()) != 0)
        st = makeError("cannot rename " + tmp + " to " + path + ": " + std::strerror(errno));
    if (!st) {
        ::unlink(tmp.c_str());
        return makeError("writing " + path + ": " + st.error());
    }
    // Make the rename itself durable.
    const size_t slash = path.find_last_of('/');
    const std::string dir = slash == std::string::npos ? "." : path.substr(0, slash + 1);
    if (int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dfd >= 0) {
        ::fsync(dfd);
        ::close(dfd);
    }
    return {};
}

} // namespace hearth
