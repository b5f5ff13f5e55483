// Work-group sum of NC partial values per thread (NC columns at once). Uses subgroupAdd when
// compiled with USE_SUBGROUP (device reports subgroup arithmetic), else a shared-memory tree.
// Every thread of the group must call it; the result is valid in all threads.
#ifndef WG_SIZE
#define WG_SIZE 64u
#endif
shared float red_shared[NC][WG_SIZE];

void reduce_columns(inout float acc[NC]) {
#ifdef USE_SUBGROUP
    for (uint c = 0u; c < NC; ++c) acc[c] = subgroupAdd(acc[c]);
    if (gl_SubgroupInvocationID == 0u)
        for (uint c = 0u; c < NC; ++c) red_shared[c][gl_SubgroupID] = acc[c];
    barrier();
    for (uint c = 0u; c < NC; ++c) {
        float s = 0.0;
        for (uint g = 0u; g < gl_NumSubgroups; ++g) s += red_shared[c][g];
        acc[c] = s;
    }
    barrier();
#else
    const uint t = gl_LocalInvocationID.x;
    for (uint c = 0u; c < NC; ++c) red_shared[c][t] = acc[c];
    barrier();
    for (uint s = WG_SIZE / 2u; s > 0u; s >>= 1) {
        if (t < s)
            for (uint c = 0u; c < NC; ++c) red_shared[c][t] += red_shared[c][t + s];
        barrier();
    }
    for (uint c = 0u; c < NC; ++c) acc[c] = red_shared[c][0];
    barrier();
#endif
}
