#pragma once
// Internal: the IQ4_NL / IQ4_XS quantizer (ggml's quantize_row_iq4_nl_impl with 7 scale trials
// and no importance matrix). superBlock is 32 (IQ4_NL: one scale) or 256 (IQ4_XS: eight 6-bit
// sub-scales in scalesH/scalesL under one half scale).
#include <cstdint>

namespace hearth::kernels {

void quantizeNonLinearSuperBlock(const float* x, int superBlock, uint16_t* dh, uint8_t* q4,
                                 uint16_t* scalesH, uint8_t* scalesL, float* scales);

} // namespace hearth::kernels
