#include "engine/cpu/kernels/kernel_tables.h"
#include "engine/system/cpu_info.h"

#include <cstdlib>
#include <cstring>

namespace hearth::kernels {
namespace {

struct Tables {
    KernelTable scalar{}, avx2{}, avx512{};
    Tables() {
        registerScalarKernels(scalar);
        std::memcpy(static_cast<void*>(avx2), scalar, sizeof scalar);
        registerAvx2Kernels(avx2);
        std::memcpy(static_cast<void*>(avx512), avx2, sizeof avx2);
        registerAvx512Kernels(avx512);
    }
};

const Tables& tables() {
    static const Tables t;
    return t;
}

Isa detectIsa() {
    Isa best = Isa::Scalar;
    if (isaSupported(Isa::Avx512))
        best = Isa::Avx512;
    else if (isaSupported(Isa::Avx2))
        best = Isa::Avx2;
    // HEARTH_ISA lowers the choice (tests and benchmarks compare ISAs); it never raises it.
    if (const char* env = std::getenv("HEARTH_ISA")) {
        if (std::strcmp(env, "scalar") == 0)
            best = Isa::Scalar;
        else if (std::strcmp(env, "avx2") == 0 && best == Isa::Avx512)
            best = Isa::Avx2;
    }
    return best;
}

} // namespace

bool isaSupported(Isa isa) {
    const auto& f = cpuInfo().features;
    switch (isa) {
    case Isa::Scalar:
        return true;
    case Isa::Avx2:
        return f.avx2 && f.fma && f.f16c;
    case Isa::Avx512:
        return f.avx2 && f.fma && f.f16c && f.avx512f && f.avx512bw && f.avx512vl && f.avx512dq &&
               f.avx512vnni;
    }
    return false;
}

Isa activeIsa() {
    static const Isa isa = detectIsa();
    return isa;
}

const char* isaName(Isa isa) {
    switch (isa) {
    case Isa::Scalar:
        return "scalar";
    case Isa::Avx2:
        return "avx2";
    case Isa::Avx512:
        return "avx512";
    }
    return "?";
}

const TypeKernels& kernelsFor(GgmlType type, Isa isa) {
    const auto& t = tables();
    const uint32_t id = static_cast<uint32_t>(type);
    if (!isaSupported(isa)) isa = Isa::Scalar;
    switch (isa) {
    case Isa::Avx512:
        return t.avx512[id];
    case Isa::Avx2:
        return t.avx2[id];
    case Isa::Scalar:
        break;
    }
    return t.scalar[id];
}

const TypeKernels& kernelsFor(GgmlType type) {
    return kernelsFor(type, activeIsa());
}

bool canCompute(GgmlType type) {
    const auto& k = kernelsFor(type, Isa::Scalar);
    return k.vecDot != nullptr && k.dequantize != nullptr;
}

} // namespace hearth::kernels

namespace hearth::kernels {

void vecDotRows(GgmlType type, Isa isa, int64_t n, const void* weights, size_t rowStride,
                int64_t nRows, const void* act, float* out) {
    const TypeKernels& k = kernelsFor(type, isa);
    if (k.vecDotRows) {
        k.vecDotRows(n, weights, rowStride, nRows, act, out);
        return;
    }
    const auto* w = static_cast<const uint8_t*>(weights);
    for (int64_t r = 0; r < nRows; ++r) out[r] = k.vecDot(n, w + r * rowStride, act);
}

void vecDotRows(GgmlType type, int64_t n, const void* weights, size_t rowStride, int64_t nRows,
                const void* act, float* out) {
    vecDotRows(type, activeIsa(), n, weights, rowStride, nRows, act, out);
}

void vecDotRows2(GgmlType type, Isa isa, int64_t n, const void* weights, size_t rowStride,
                 int64_t nRows, const void* act0, const void* act1, float* out0, float* out1) {
    const TypeKernels& k = kernelsFor(type, isa);
    if (k.vecDotRows2) {
        k.vecDotRows2(n, weights, rowStride, nRows, act0, act1, out0, out1);
        return;
    }
    vecDotRows(type, isa, n, weights, rowStride, nRows, act0, out0);
    vecDotRows(type, isa, n, weights, rowStride, nRows, act1, out1);
}

void vecDotRows2(GgmlType type, int64_t n, const void* weights, size_t rowStride, int64_t nRows,
                 const void* act0, const void* act1, float* out0, float* out1) {
    vecDotRows2(type, activeIsa(), n, weights, rowStride, nRows, act0, act1, out0, out1);
}

} // namespace hearth::kernels
