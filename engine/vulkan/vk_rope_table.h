#pragma once
// Rotary-embedding angles computed on the host exactly as the CPU backend (and ggml) computes
// them: theta starts at the position and is multiplied by freqBase^(-2/nRot) once per pair, in
// float, with the C library's cos/sin. GPU sin/cos/pow are only required to be accurate to
// about 2^-11, and angles reach hundreds of radians, so the device reads this table instead.
#include <cstdint>
#include <span>
#include <vector>

namespace hearth::vk {

// [positions.size()][nRot / 2][cos, sin] as floats.
std::vector<float> ropeTable(std::span<const int32_t> positions, int nRot, float freqBase,
                             float freqScale);

} // namespace hearth::vk
