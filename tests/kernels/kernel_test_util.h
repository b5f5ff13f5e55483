#pragma once
// Shared helpers for the kernel tests: deterministic random rows and the list of weight types.
#include "engine/cpu/kernels/kernels.h"
#include "engine/gguf/ggml_type.h"

#include <cstdint>
#include <random>
#include <vector>

namespace kt {

using hearth::GgmlType;

inline const std::vector<GgmlType>& weightTypes() {
    static const std::vector<GgmlType> types = {
        GgmlType::F32,  GgmlType::F16,  GgmlType::BF16, GgmlType::Q8_0,   GgmlType::Q4_0,
        GgmlType::Q4_1, GgmlType::Q5_0, GgmlType::Q5_1, GgmlType::Q2_K,   GgmlType::Q3_K,
        GgmlType::Q4_K, GgmlType::Q5_K, GgmlType::Q6_K, GgmlType::IQ4_NL, GgmlType::IQ4_XS};
    return types;
}

// Roughly normal values (std ~ scale) with occasional outliers, like real weights/activations.
inline std::vector<float> randomRow(int64_t n, uint32_t seed, float scale = 1.0f) {
    std::mt19937 rng(seed);
    std::normal_distribution<float> normal(0.0f, scale);
    std::vector<float> v(static_cast<size_t>(n));
    for (auto& x : v) x = normal(rng);
    for (int64_t i = 0; i < n; i += 97) v[static_cast<size_t>(i)] *= 4.0f;
    return v;
}

inline std::vector<uint8_t> quantizeRow(GgmlType type, const std::vector<float>& x,
                                        hearth::kernels::Isa isa = hearth::kernels::Isa::Scalar) {
    const auto bytes = hearth::ggmlRowBytes(type, static_cast<int64_t>(x.size()));
    std::vector<uint8_t> out(bytes ? *bytes : 0);
    hearth::kernels::kernelsFor(type, isa).quantize(x.data(), out.data(),
                                                    static_cast<int64_t>(x.size()));
    return out;
}

inline std::vector<float> dequantizeRow(GgmlType type, const void* data, int64_t n) {
    std::vector<float> out(static_cast<size_t>(n));
    hearth::kernels::kernelsFor(type, hearth::kernels::Isa::Scalar).dequantize(data, out.data(), n);
    return out;
}

} // namespace kt
