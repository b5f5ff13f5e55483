// Row-dot throughput of every weight type on every ISA this CPU supports, in GB/s of weight
// bytes read (the number that bounds token generation). A 1024-row x 4096-column weight matrix
// (2-16 MiB: out of L2, like a real layer's slice) is dotted with one quantized activation
// row, once per row (vecDot) and four rows at a time (vecDotRows), and with two activation rows
// per weight pass (vecDotRows2, prefill; GFLOP/s counts both). gemm/: the tiled prefill kernels
// (gemm.h), the same matrix against 64 token rows, one thread, in GFLOP/s.
// vecDotRows/l1l2/: the same on a 64-row matrix that stays in L2: the kernel's compute ceiling,
// to compare with its out-of-cache rate (how far decode is from being memory-bound).
// stream/: what decode sees — 512 MiB of rows (far past any cache, in 2 MiB pages) dotted one ~128
// KiB piece per call, 1 thread, 2048 or 8192 columns (attention/FFN-up rows, FFN-down rows);
// of_read = that rate / the plain read bandwidth of the same buffer (engine/system/read_bandwidth).
// The matrices of vecDotRows/ (2-16 MiB) fit this machine's 32 MiB L3, so only stream/ shows
// how a kernel streams from memory. swiglu/: vector_math.h's SiLU(gate) * up per ISA and a
// plain std::exp loop.
//   bench_kernels --benchmark_filter='q4_0'     bench_kernels --benchmark_min_time=0.2
#include "engine/core/page_cache.h"
#include "engine/cpu/kernels/gemm.h"
#include "engine/cpu/kernels/kernels.h"
#include "engine/cpu/kernels/vector_math.h"
#include "engine/system/read_bandwidth.h"

#include <benchmark/benchmark.h>
#include <sys/mman.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <string>
#include <vector>

using hearth::GgmlType;
using namespace hearth::kernels;

namespace {

constexpr int64_t kCols = 4096;
constexpr int64_t kRows = 1024;

struct Fixture {
    std::vector<uint8_t> weights, act;
    size_t rowBytes = 0;
};

Fixture makeFixture(GgmlType type, int64_t nRows = kRows) {
    Fixture f;
    f.rowBytes = size_t(*hearth::ggmlRowBytes(type, kCols));
    std::mt19937 rng(42);
    std::normal_distribution<float> normal(0.0f, 0.02f);
    std::vector<float> row(kCols);
    f.weights.resize(f.rowBytes * size_t(nRows));
    for (int64_t r = 0; r < nRows; ++r) {
        for (auto& x : row) x = normal(rng);
        (void)quantizeWeights(type, row.data(), f.weights.data() + r * f.rowBytes, 1, kCols);
    }
    const TypeKernels& k = kernelsFor(type, Isa::Scalar);
    for (auto& x : row) x = normal(rng) * 50.0f;
    f.act.resize(size_t(*hearth::ggmlRowBytes(k.vecDotType, kCols)));
    kernelsFor(k.vecDotType, Isa::Scalar).quantize(row.data(), f.act.data(), kCols);
    return f;
}

enum class DotMode { Single, Rows, RowsPair, RowsInCache };

void benchVecDot(benchmark::State& state, GgmlType type, Isa isa, DotMode mode) {
    const int64_t nRows = mode == DotMode::RowsInCache ? 64 : kRows;
    const Fixture f = makeFixture(type, nRows);
    const TypeKernels& k = kernelsFor(type, isa);
    std::vector<float> out(kRows), out2(kRows);
    const std::vector<uint8_t> act2 = f.act; // a second activation row (same values)
    for (auto _ : state) {
        if (mode == DotMode::RowsPair) {
            vecDotRows2(type, isa, kCols, f.weights.data(), f.rowBytes, kRows, f.act.data(),
                        act2.data(), out.data(), out2.data());
            benchmark::DoNotOptimize(out2.data());
        } else if (mode == DotMode::Rows || mode == DotMode::RowsInCache) {
            vecDotRows(type, isa, kCols, f.weights.data(), f.rowBytes, nRows, f.act.data(),
                       out.data());
        } else {
            for (int64_t r = 0; r < kRows; ++r)
                out[size_t(r)] = k.vecDot(kCols, f.weights.data() + r * f.rowBytes, f.act.data());
        }
        benchmark::DoNotOptimize(out.data());
        benchmark::ClobberMemory();
    }
    state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(f.weights.size()));
    const double acts = mode == DotMode::RowsPair ? 2.0 : 1.0;
    state.counters["GFLOP/s"] = benchmark::Counter(
        2.0 * acts * kCols * nRows * double(state.iterations()), benchmark::Counter::kIsRate);
}

// An anonymous buffer advised for 2 MiB pages (2 MiB-aligned, so whole pages can back it).
class HugeBuffer {
public:
    explicit HugeBuffer(size_t bytes) : size_(bytes) {
        constexpr size_t kHuge = size_t(2) << 20;
        span_ = (bytes + 2 * kHuge - 1) / kHuge * kHuge;
        raw_ = ::mmap(nullptr, span_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (raw_ == MAP_FAILED) throw std::bad_alloc();
        const auto at = (reinterpret_cast<uintptr_t>(raw_) + kHuge - 1) / kHuge * kHuge;
        data_ = reinterpret_cast<uint8_t*>(at);
        ::madvise(data_, bytes, MADV_HUGEPAGE);
    }
    ~HugeBuffer() { ::munmap(raw_, span_); }
    HugeBuffer(const HugeBuffer&) = delete;
    HugeBuffer& operator=(const HugeBuffer&) = delete;
    uint8_t* data() const { return data_; }
    size_t size() const { return size_; }

private:
    void* raw_ = nullptr;
    uint8_t* data_ = nullptr;
    size_t size_ = 0, span_ = 0;
};

void benchStream(benchmark::State& state, GgmlType type, Isa isa, int64_t cols) {
    constexpr size_t kBufferBytes = size_t(512) << 20, kPieceBytes = 128 * 1024;
    const size_t rowBytes = size_t(*hearth::ggmlRowBytes(type, cols));
    const int64_t nRows = int64_t(kBufferBytes / rowBytes);
    // 64 distinct random rows repeated: the values do not change the speed, only the bytes read.
    // Mapped with 2 MiB pages, as decode maps a model's weights (engine/core/page_cache.h).
    HugeBuffer weights(rowBytes * size_t(nRows));
    std::mt19937 rng(7);
    std::normal_distribution<float> normal(0.0f, 0.02f);
    std::vector<float> row(static_cast<size_t>(cols));
    for (int64_t r = 0; r < nRows; ++r) {
        uint8_t* dst = weights.data() + size_t(r) * rowBytes;
        if (r < 64) {
            for (auto& x : row) x = normal(rng);
            (void)quantizeWeights(type, row.data(), dst, 1, cols);
        } else {
            std::copy_n(weights.data() + size_t(r % 64) * rowBytes, rowBytes, dst);
        }
    }
    const TypeKernels& k = kernelsFor(type, isa);
    for (auto& x : row) x = normal(rng) * 50.0f;
    std::vector<uint8_t> act(size_t(*hearth::ggmlRowBytes(k.vecDotType, cols)));
    kernelsFor(k.vecDotType, Isa::Scalar).quantize(row.data(), act.data(), cols);
    std::vector<float> out(static_cast<size_t>(nRows));
    const int64_t piece = std::max<int64_t>(16, int64_t(kPieceBytes / rowBytes) / 16 * 16);
    // As decode runs it: the token prepared once where the kernel has that form.
    std::vector<uint64_t> prepBuffer(k.prepareAct ? k.preparedActBytes(cols) / 8 + 8 : 0);
    void* prep =
        reinterpret_cast<void*>((reinterpret_cast<uintptr_t>(prepBuffer.data()) + 63) / 64 * 64);
    for (auto _ : state) {
        if (k.prepareAct) k.prepareAct(cols, act.data(), prep);
        for (int64_t r = 0; r < nRows; r += piece) {
            const uint8_t* rows = weights.data() + size_t(r) * rowBytes;
            if (k.prepareAct)
                k.vecDotRowsPrepared(cols, rows, rowBytes, std::min(piece, nRows - r), act.data(),
                                     prep, out.data() + r);
            else
                vecDotRows(type, isa, cols, rows, rowBytes, std::min(piece, nRows - r), act.data(),
                           out.data() + r);
        }
        benchmark::DoNotOptimize(out.data());
        benchmark::ClobberMemory();
    }
    const double bytes = double(weights.size());
    state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(weights.size()));
    const double readRate = hearth::measureReadBandwidth(weights.data(), weights.size(), 1, 3);
    state.counters["read_GB/s"] = readRate / 1e9;
    if (const auto huge = hearth::hugePageMappedBytes(weights.data(), weights.size()))
        state.counters["huge_pages_%"] = std::min(100.0, 100.0 * double(*huge) / bytes);
    state.counters["of_read"] = benchmark::Counter(bytes * double(state.iterations()) / readRate,
                                                   benchmark::Counter::kIsRate);
}

void benchGemm(benchmark::State& state, GgmlType type, Isa isa) {
    constexpr int64_t kTokens = 64;
    const Fixture f = makeFixture(type);
    std::vector<uint8_t> acts;
    for (int64_t t = 0; t < kTokens; ++t) acts.insert(acts.end(), f.act.begin(), f.act.end());
    std::vector<int32_t> info(gemmTokenInfoSize(type, kCols) * kTokens + 1);
    gemmPrepareTokens(type, kCols, acts.data(), f.act.size(), 0, kTokens, info.data());
    std::vector<float> out(size_t(kRows * kTokens));
    for (auto _ : state) {
        gemmRows(type, isa, kCols, f.weights.data(), f.rowBytes, 0, kRows, acts.data(),
                 f.act.size(), info.data(), kTokens, out.data(), kRows);
        benchmark::DoNotOptimize(out.data());
        benchmark::ClobberMemory();
    }
    state.counters["GFLOP/s"] = benchmark::Counter(
        2.0 * kTokens * kCols * kRows * double(state.iterations()), benchmark::Counter::kIsRate);
}

void benchQuantizeActivations(benchmark::State& state, GgmlType actType, Isa isa) {
    std::vector<float> x(kCols);
    std::mt19937 rng(1);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    for (auto& v : x) v = normal(rng);
    std::vector<uint8_t> out(size_t(*hearth::ggmlRowBytes(actType, kCols)));
    const TypeKernels& k = kernelsFor(actType, isa);
    for (auto _ : state) {
        k.quantize(x.data(), out.data(), kCols);
        benchmark::DoNotOptimize(out.data());
    }
    state.SetBytesProcessed(int64_t(state.iterations()) * kCols * 4);
}

// SwiGLU over one token's FFN row (8192 elements), elements per second; std::exp's loop for
// comparison ("libm").
void benchSiluMul(benchmark::State& state, Isa isa, bool libm) {
    constexpr int64_t kN = 8192;
    std::vector<float> g(kN), u(kN), y(kN);
    std::mt19937 rng(2);
    std::normal_distribution<float> normal(0.0f, 2.0f);
    for (auto& v : g) v = normal(rng);
    for (auto& v : u) v = normal(rng);
    for (auto _ : state) {
        if (libm)
            for (int64_t i = 0; i < kN; ++i) y[i] = g[i] / (1.0f + std::exp(-g[i])) * u[i];
        else
            siluMul(isa, g.data(), u.data(), y.data(), kN);
        benchmark::DoNotOptimize(y.data());
        benchmark::ClobberMemory();
    }
    state.counters["elements/s"] =
        benchmark::Counter(double(kN) * double(state.iterations()), benchmark::Counter::kIsRate);
}

const GgmlType kTypes[] = {GgmlType::Q4_0,   GgmlType::Q8_0, GgmlType::Q4_K, GgmlType::Q6_K,
                           GgmlType::F16,    GgmlType::Q5_K, GgmlType::Q3_K, GgmlType::Q2_K,
                           GgmlType::Q4_1,   GgmlType::Q5_0, GgmlType::Q5_1, GgmlType::IQ4_NL,
                           GgmlType::IQ4_XS, GgmlType::BF16, GgmlType::F32};

int registerAll() {
    for (Isa isa : {Isa::Scalar, Isa::Avx2, Isa::Avx512}) {
        if (!isaSupported(isa)) continue;
        for (GgmlType t : kTypes) {
            const std::string name = std::string(hearth::ggmlTypeName(t)) + "/" + isaName(isa);
            benchmark::RegisterBenchmark(("vecDot/" + name).c_str(), benchVecDot, t, isa,
                                         DotMode::Single);
            benchmark::RegisterBenchmark(("vecDotRows/" + name).c_str(), benchVecDot, t, isa,
                                         DotMode::Rows);
            benchmark::RegisterBenchmark(("vecDotRows2/" + name).c_str(), benchVecDot, t, isa,
                                         DotMode::RowsPair);
            benchmark::RegisterBenchmark(("vecDotRows/l1l2/" + name).c_str(), benchVecDot, t, isa,
                                         DotMode::RowsInCache);
            if (isa != Isa::Scalar && (t == GgmlType::Q4_0 || t == GgmlType::Q8_0 ||
                                       t == GgmlType::Q4_K || t == GgmlType::Q6_K))
                for (int64_t cols : {2048, 8192})
                    benchmark::RegisterBenchmark(
                        ("stream/" + name + "/" + std::to_string(cols)).c_str(), benchStream, t,
                        isa, cols)
                        ->Unit(benchmark::kMillisecond)
                        ->Iterations(4);
            if (isa != Isa::Scalar && gemmSupported(t, isa))
                benchmark::RegisterBenchmark(("gemm/" + name).c_str(), benchGemm, t, isa);
        }
        for (GgmlType t : {GgmlType::Q8_0, GgmlType::Q8_1, GgmlType::Q8_K, GgmlType::F16})
            benchmark::RegisterBenchmark(
                ("quantize/" + std::string(hearth::ggmlTypeName(t)) + "/" + isaName(isa)).c_str(),
                benchQuantizeActivations, t, isa);
        benchmark::RegisterBenchmark(("swiglu/" + std::string(isaName(isa))).c_str(), benchSiluMul,
                                     isa, false);
    }
    benchmark::RegisterBenchmark("swiglu/libm", benchSiluMul, Isa::Scalar, true);
    return 0;
}

const int kRegistered = registerAll();

} // namespace

BENCHMARK_MAIN();
