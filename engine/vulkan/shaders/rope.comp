#version 450
// Rotary position embedding over x[token][head][dim]; pairs are (2i, 2i+1) in normal mode and
// (i, i + nRot/2) in NeoX mode. Dimensions past nRot pass through. y may alias x.
// The angles come from a host-computed table [token][nRot/2][cos, sin] (vk_rope_table.h), so
// they match the CPU backend's bit for bit; `precise` keeps the products from being fused.
layout(local_size_x = 64) in;
layout(binding = 0) readonly buffer X { float x_data[]; };
layout(binding = 1) readonly buffer CS { float cs[]; };
layout(binding = 2) buffer Y { float y_data[]; };
layout(push_constant) uniform Params {
    uint nTok;
    uint nHead;
    uint headDim;
    uint nRot;
    uint neox;
    uint xOffset;
    uint xTokStride;
    uint xHeadStride;
    uint yOffset;
    uint yTokStride;
    uint yHeadStride;
    uint tableOffset;
} p;

void main() {
    const uint head = gl_WorkGroupID.x, tok = gl_WorkGroupID.y;
    if (head >= p.nHead || tok >= p.nTok) return;
    const uint xb = p.xOffset + tok * p.xTokStride + head * p.xHeadStride;
    const uint yb = p.yOffset + tok * p.yTokStride + head * p.yHeadStride;
    const uint half_ = p.nRot / 2u;
    const uint tb = p.tableOffset + tok * p.nRot;
    for (uint i = gl_LocalInvocationID.x; i < half_; i += 64u) {
        const float c = cs[tb + 2u * i], s = cs[tb + 2u * i + 1u];
        const uint a = p.neox != 0u ? i : 2u * i;
        const uint b = p.neox != 0u ? i + half_ : 2u * i + 1u;
        const float x0 = x_data[xb + a], x1 = x_data[xb + b];
        precise float c0 = x0 * c;
        precise float s1 = x1 * s;
        precise float s0 = x0 * s;
        precise float c1 = x1 * c;
        precise float y0 = c0 - s1;
        precise float y1 = s0 + c1;
        y_data[yb + a] = y0;
        y_data[yb + b] = y1;
    }
    for (uint i = p.nRot + gl_LocalInvocationID.x; i < p.headDim; i += 64u)
        y_data[yb + i] = x_data[xb + i];
}
