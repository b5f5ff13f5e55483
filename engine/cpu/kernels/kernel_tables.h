#pragma once
// Internal: each ISA file fills the entries it implements; dispatch.cpp layers them
// (scalar first, then AVX2, then AVX-512 overrides) into the tables kernelsFor() returns.
#include "engine/cpu/kernels/kernels.h"

namespace hearth::kernels {

using KernelTable = TypeKernels[kGgmlTypeCount];

void registerScalarKernels(KernelTable& table);
void registerAvx2Kernels(KernelTable& table);
void registerAvx512Kernels(KernelTable& table);

// The scalar families registerScalarKernels combines.
void registerScalarFloatKernels(KernelTable& table);
void registerScalarLegacyKernels(KernelTable& table);
void registerScalarKQuantKernels(KernelTable& table);

} // namespace hearth::kernels
