// AVX-512 (F/BW/VL/DQ + VNNI) kernels; used only when CPUID says so. The x86 kernels compiled
// with AVX-512 encodings, their int8 dot products on vpdpbusd.
#include "engine/cpu/kernels/block_types.h"
#include "engine/cpu/kernels/kernel_tables.h"
#include "engine/cpu/kernels/quant_math.h"

#include <immintrin.h>

#include <cmath>
#include <cstring>
#include <type_traits>

// kernels_x86.h is included inside an anonymous namespace below; everything it needs is
// included here first, outside it.

namespace hearth::kernels {
namespace {
#define HEARTH_X86_VNNI 1
#include "engine/cpu/kernels/kernels_x86.h"
#undef HEARTH_X86_VNNI
} // namespace

void registerAvx512Kernels(KernelTable& table) {
    registerX86Kernels(table);
}

} // namespace hearth::kernels
