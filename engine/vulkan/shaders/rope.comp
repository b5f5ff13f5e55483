#version 450
// Rotary position embedding over x[token][head][dim]; pairs are (2i, 2i+1) in normal mode and
// (i, i + nRot/2) in NeoX mode. Dimensions past nRot pass through. y may alias x.
layout(local_size_x = 64) in;
layout(binding = 0) readonly buffer X { float x_data[]; };
layout(binding = 1) readonly buffer Pos { int pos[]; };
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
    uint posOffset;
    float freqBase;
    float freqScale;
} p;

void main() {
    const uint head = gl_WorkGroupID.x, tok = gl_WorkGroupID.y;
    if (head >= p.nHead || tok >= p.nTok) return;
    const uint xb = p.xOffset + tok * p.xTokStride + head * p.xHeadStride;
    const uint yb = p.yOffset + tok * p.yTokStride + head * p.yHeadStride;
    const float position = float(pos[p.posOffset + tok]);
    const uint half_ = p.nRot / 2u;
    for (uint i = gl_LocalInvocationID.x; i < half_; i += 64u) {
        const float theta =
            position * p.freqScale * pow(p.freqBase, -2.0 * float(i) / float(p.nRot));
        const float c = cos(theta), s = sin(theta);
        const uint a = p.neox != 0u ? i : 2u * i;
        const uint b = p.neox != 0u ? i + half_ : 2u * i + 1u;
        const float x0 = x_data[xb + a], x1 = x_data[xb + b];
        y_data[yb + a] = x0 * c - x1 * s;
        y_data[yb + b] = x0 * s + x1 * c;
    }
    for (uint i = p.nRot + gl_LocalInvocationID.x; i < p.headDim; i += 64u)
        y_data[yb + i] = x_data[xb + i];
}
