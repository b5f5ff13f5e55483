// vector_math.h's entry points: the active ISA's functions, chosen once.
#include "engine/cpu/kernels/vector_math.h"
#include "engine/cpu/kernels/vector_math_isa.h"

namespace hearth::kernels {
namespace {

const vmath::Functions& functionsFor(Isa isa) {
    static const vmath::Functions scalar = vmath::scalarFunctions(),
                                  avx2 = isaSupported(Isa::Avx2) ? vmath::avx2Functions() : scalar,
                                  avx512 =
                                      isaSupported(Isa::Avx512) ? vmath::avx512Functions() : scalar;
    switch (isa) {
    case Isa::Avx512:
        return avx512;
    case Isa::Avx2:
        return avx2;
    case Isa::Scalar:
        break;
    }
    return scalar;
}

const vmath::Functions& active() {
    static const vmath::Functions& f = functionsFor(activeIsa());
    return f;
}

} // namespace

void expShifted(const float* x, float shift, float* y, int64_t n) {
    active().expShifted(x, shift, y, n);
}
void silu(const float* x, float* y, int64_t n) {
    active().silu(x, y, n);
}
void siluMul(const float* gate, const float* up, float* y, int64_t n) {
    active().siluMul(gate, up, y, n);
}

void expShifted(Isa isa, const float* x, float shift, float* y, int64_t n) {
    functionsFor(isa).expShifted(x, shift, y, n);
}
void silu(Isa isa, const float* x, float* y, int64_t n) {
    functionsFor(isa).silu(x, y, n);
}
void siluMul(Isa isa, const float* gate, const float* up, float* y, int64_t n) {
    functionsFor(isa).siluMul(gate, up, y, n);
}

} // namespace hearth::kernels
