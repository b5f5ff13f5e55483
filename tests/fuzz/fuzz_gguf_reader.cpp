// libFuzzer target for the GGUF reader: any byte string must parse or fail cleanly (never read
// outside the buffer, never crash), and whatever parses must survive the summary and a rewrite.
#include "engine/gguf/gguf_file.h"
#include "engine/gguf/gguf_writer.h"
#include "engine/gguf/model_summary.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>

namespace {

// Touches every byte a caller could reach through the parsed views.
uint64_t touch(const hearth::GgufFile& f) {
    uint64_t sum = 0;
    for (const hearth::GgufKV& kv : f.metadata()) {
        sum += kv.key.size();
        const hearth::GgufValue& v = kv.value;
        if (v.type == hearth::GgufValueType::String)
            sum += v.str.empty() ? 0 : uint8_t(v.str.back());
        if (v.isArray() && v.raw && v.count > 0)
            sum += uint64_t(v.intAt(v.count - 1)) + uint64_t(v.floatAt(0));
        for (std::string_view s : v.strings) sum += s.size();
    }
    for (const hearth::GgufTensor& t : f.tensors()) {
        sum += t.rowBytes();
        if (t.data && t.nbytes) sum += t.data[0] + t.data[t.nbytes - 1];
    }
    return sum;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static volatile uint64_t sink = 0;
    if (auto header = hearth::GgufFile::parse(data, size, /*allowTruncatedData=*/true))
        sink = sink + touch(**header) + hearth::summarizeModel(**header).parameterCount;
    auto f = hearth::GgufFile::parse(data, size);
    if (!f) return 0;
    sink = sink + touch(**f);
    // A file we accept must be writable and the rewrite must read back with the same content.
    hearth::GgufWriter w;
    w.copyMetadata(**f);
    if (!w.copyTensors(**f)) std::abort();
    auto bytes = w.writeToMemory();
    if (!bytes) {
        std::fprintf(stderr, "rewrite failed: %s\n", bytes.error().c_str());
        std::abort();
    }
    auto again = hearth::GgufFile::parse(bytes->data(), bytes->size());
    if (!again) {
        std::fprintf(stderr, "rewrite does not parse: %s\n", again.error().c_str());
        std::abort();
    }
    if ((*again)->metadata().size() != (*f)->metadata().size() ||
        (*again)->tensors().size() != (*f)->tensors().size())
        std::abort();
    return 0;
}
