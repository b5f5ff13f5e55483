#include "engine/vulkan/vk_rope_table.h"

#include <cmath>

namespace hearth::vk {

std::vector<float> ropeTable(std::span<const int32_t> positions, int nRot, float freqBase,
                             float freqScale) {
    const int pairs = nRot / 2;
    std::vector<float> table(positions.size() * size_t(pairs) * 2);
    // The same float expressions as CpuBackend::rope, so the angles match bit for bit.
    const float thetaScale = std::pow(freqBase, -2.0f / static_cast<float>(nRot));
    float* out = table.data();
    for (int32_t pos : positions) {
        float theta = static_cast<float>(pos);
        for (int i = 0; i < pairs; ++i) {
            const float t = freqScale * theta;
            *out++ = std::cos(t);
            *out++ = std::sin(t);
            theta *= thetaScale;
        }
    }
    return table;
}

} // namespace hearth::vk
