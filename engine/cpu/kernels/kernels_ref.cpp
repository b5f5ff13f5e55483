// Scalar reference kernels: the oracle every SIMD kernel is tested against. Each family lives in
// its own file (kernels_ref_float.cpp, kernels_ref_legacy.cpp, kernels_ref_kquants.cpp).
#include "engine/cpu/kernels/kernel_tables.h"

namespace hearth::kernels {

void registerScalarKernels(KernelTable& t) {
    registerScalarFloatKernels(t);
    registerScalarLegacyKernels(t);
    registerScalarKQuantKernels(t);
}

} // namespace hearth::kernels
