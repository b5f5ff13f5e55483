#version 450
// Element-wise y[r][c] = a[r][c] op b[r % bRows][c % bCols] (b broadcasts over rows/columns):
// op 0 add, 1 mul, 2 scale (y = a * scale; b is ignored).
layout(local_size_x = 256) in;
layout(binding = 0) readonly buffer A { float a_data[]; };
layout(binding = 1) readonly buffer B { float b_data[]; };
layout(binding = 2) writeonly buffer Y { float y_data[]; };
layout(push_constant) uniform Params {
    uint rows;
    uint n;
    uint aOffset;
    uint aStride;
    uint bOffset;
    uint bStride;
    uint bRows;
    uint bCols;
    uint yOffset;
    uint yStride;
    uint op;
    float scale;
    uint groupsX;
} p;

void main() {
    const uint i = (gl_WorkGroupID.y * p.groupsX + gl_WorkGroupID.x) * 256u + gl_LocalInvocationID.x;
    if (i >= p.rows * p.n) return;
    const uint r = i / p.n, c = i % p.n;
    const float a = a_data[p.aOffset + r * p.aStride + c];
    float y;
    if (p.op == 2u) {
        y = a * p.scale;
    } else {
        const float b = b_data[p.bOffset + (r % p.bRows) * p.bStride + (c % p.bCols)];
        y = p.op == 0u ? a + b : a * b;
    }
    y_data[p.yOffset + r * p.yStride + c] = y;
}
