// AVX2 + FMA + F16C kernels (compiled with -mavx2 -mfma -mf16c; used only when CPUID says so).
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
#define HEARTH_X86_VNNI 0
#include "engine/cpu/kernels/kernels_x86.h"
#undef HEARTH_X86_VNNI
} // namespace

void registerAvx2Kernels(KernelTable& table) {
    registerX86Kernels(table);
}

} // namespace hearth::kernels
