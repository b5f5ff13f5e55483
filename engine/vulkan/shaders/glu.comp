#version 450
#extension GL_GOOGLE_include_directive : require
// Gated linear units: y = act(gate) * up, act = SiLU (SwiGLU) or tanh-GELU (GeGLU, ggml's form);
// with noUp set, y = act(gate) (plain activation; the up binding is not read).
layout(local_size_x = 256) in;
layout(binding = 0) readonly buffer G { float g_data[]; };
layout(binding = 1) readonly buffer U { float u_data[]; };
layout(binding = 2) writeonly buffer Y { float y_data[]; };
layout(push_constant) uniform Params {
    uint rows;
    uint n;
    uint gOffset;
    uint gStride;
    uint uOffset;
    uint uStride;
    uint yOffset;
    uint yStride;
    uint gelu;
    uint groupsX;
    uint noUp;
} p;
#include "exact.glsl"

void main() {
    const uint i = (gl_WorkGroupID.y * p.groupsX + gl_WorkGroupID.x) * 256u + gl_LocalInvocationID.x;
    if (i >= p.rows * p.n) return;
    const uint r = i / p.n, c = i % p.n;
    const float g = g_data[p.gOffset + r * p.gStride + c];
    float a;
    if (p.gelu != 0u) {
        const float k = 0.7978845608028654;  // sqrt(2/pi)
        a = 0.5 * g * (1.0 + tanh(k * (g + 0.044715 * g * g * g)));
    } else {
        a = div_rn(g, 1.0 + exp_rn(-g));  // the CPU's x / (1 + expf(-x))
    }
    precise float y = p.noUp != 0u ? a : a * u_data[p.uOffset + r * p.uStride + c];
    y_data[p.yOffset + r * p.yStride + c] = y;
}
