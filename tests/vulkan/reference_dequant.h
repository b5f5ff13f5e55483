#pragma once
// The test's own decoder for every ggml weight type the Vulkan kernels handle, written from
// ggml's block structs and dequantize_row_* loops (whole-block order, unlike the shaders'
// 32-element sub-blocks), so the two are independent.
#include "engine/gguf/ggml_type.h"

#include <cstdint>
#include <random>
#include <vector>

namespace vktest {

// Decodes n elements (a whole number of blocks) of `type` at src into dst.
void referenceDequantize(hearth::GgmlType type, const uint8_t* src, float* dst, int64_t n);

// Random but well-formed rows: every quant byte random, scales finite and moderate.
std::vector<uint8_t> randomRows(hearth::GgmlType type, int64_t rows, int64_t k, std::mt19937& rng);

} // namespace vktest
