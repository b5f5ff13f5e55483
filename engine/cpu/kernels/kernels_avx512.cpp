// AVX-512 (F/BW/VL/DQ + VNNI) kernels; used only when CPUID says so.
#include "engine/cpu/kernels/kernel_tables.h"

namespace hearth::kernels {

void registerAvx512Kernels(KernelTable& /*table*/) {}

} // namespace hearth::kernels
