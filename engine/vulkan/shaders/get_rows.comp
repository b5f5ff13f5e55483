#version 450
// Embedding lookup: out[i][:] = dequantize(table[ids[i]][:]) for ids in [rowBegin, rowEnd);
// ids outside that range are skipped (a big table is bound in several row ranges).
#extension GL_GOOGLE_include_directive : require
layout(local_size_x = 64) in;

layout(binding = 1) readonly buffer Ids { int ids[]; };
layout(binding = 2) writeonly buffer Out { float out_data[]; };

layout(push_constant) uniform Params {
    uint count;     // ids
    uint K;         // elements per row
    uint rowBytes;
    uint wOffset;   // byte offset of table row rowBegin inside binding 0
    uint rowBegin;
    uint rowEnd;
    uint idOffset;
    uint outOffset;
    uint outStride;
    uint groupsX;
} p;

#include "bytes.glsl"
#include "dequant.glsl"

void main() {
    const uint i = gl_WorkGroupID.y * p.groupsX + gl_WorkGroupID.x;
    if (i >= p.count) return;
    const int id = ids[p.idOffset + i];
    if (id < int(p.rowBegin) || id >= int(p.rowEnd)) return;
    const uint rowOff = p.wOffset + (uint(id) - p.rowBegin) * p.rowBytes;
    const uint o = p.outOffset + i * p.outStride;
    const uint t = gl_LocalInvocationID.x;
#ifdef FLOAT_TYPE
    for (uint k = t; k < p.K; k += 64u) out_data[o + k] = dequant1(rowOff, k);
#else
    for (uint s = t; s < p.K / 32u; s += 64u) {
        float v[32];
        dequant32(rowOff + (s / SUBS_PER_BLOCK) * BLOCK_BYTES, s % SUBS_PER_BLOCK, v);
        for (uint j = 0u; j < 32u; ++j) out_data[o + s * 32u + j] = v[j];
    }
#endif
}
