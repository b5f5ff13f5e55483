#pragma once
// SPIR-V compiled from shaders/*.comp at build time (glslc) and embedded in the binary.
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace hearth::vk {

struct ShaderBlob {
    const char* name; // e.g. "mul_mat_q4_K", "rms_norm"
    const uint32_t* words;
    size_t wordCount;
};

// nullptr when no shader has this name.
const ShaderBlob* findShader(std::string_view name);
size_t shaderCount();
const ShaderBlob& shaderAt(size_t i);

} // namespace hearth::vk
