// AVX2 + FMA kernels (compiled with -mavx2 -mfma -mf16c; used only when CPUID says so).
#include "engine/cpu/kernels/kernel_tables.h"

namespace hearth::kernels {

void registerAvx2Kernels(KernelTable& /*table*/) {}

} // namespace hearth::kernels
