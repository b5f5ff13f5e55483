// Row-dot throughput of every weight type on every ISA this CPU supports, in GB/s of weight
// bytes read (the number that bounds token generation). A 1024-row x 4096-column weight matrix
// (2-16 MiB: out of L2, like a real layer's slice) is dotted with one quantized activation
// row, once per row (vecDot) and four rows at a time (vecDotRows), and with two activation rows
// per weight pass (vecDotRows2, prefill; GFLOP/s counts both). gemm/: the tiled prefill kernels
// (gemm.h), the same matrix against 64 token rows, one thread, in GFLOP/s.
// vecDotRows/l1l2/: the same on a 64-row matrix that stays in L2: the kernel's compute ceiling,
// to compare with its out-of-cache rate (how far decode is from being memory-bound).
//   bench_kernels --benchmark_filter='q4_0'     bench_kernels --benchmark_min_time=0.2
#include "engine/cpu/kernels/gemm.h"
#include "engine/cpu/kernels/kernels.h"

#include <benchmark/benchmark.h>

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
            if (isa != Isa::Scalar && gemmSupported(t, isa))
                benchmark::RegisterBenchmark(("gemm/" + name).c_str(), benchGemm, t, isa);
        }
        for (GgmlType t : {GgmlType::Q8_0, GgmlType::Q8_1, GgmlType::Q8_K, GgmlType::F16})
            benchmark::RegisterBenchmark(
                ("quantize/" + std::string(hearth::ggmlTypeName(t)) + "/" + isaName(isa)).c_str(),
                benchQuantizeActivations, t, isa);
    }
    return 0;
}

const int kRegistered = registerAll();

} // namespace

BENCHMARK_MAIN();
