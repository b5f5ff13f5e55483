// Matrix-vector products for decode (one token): several weight matrices that share the input
// (Q/K/V, gate/up, or just one) in a single hand-off to the thread pool. The token is converted
// once per vecDotType, and the rows of all matrices are cut into pieces of fixed size (a function
// of the shape only), so every output is computed the same way whatever the thread count, and a
// thread that falls behind never holds up the others.
#include "engine/cpu/cpu_backend.h"
#include "engine/cpu/kernels/kernels.h"

#include <algorithm>

namespace hearth::cpu {
namespace {
// Matrices one call can fuse (Q, K, V is the most the model asks for).
constexpr size_t kMaxMatrices = 4;
// Weight bytes per piece: large enough that claiming a piece costs nothing next to streaming it
// from memory, small enough that two threads finish a matrix within a few microseconds of each
// other.
constexpr size_t kPieceBytes = 128 * 1024;
// Pieces are whole multiples of this many rows, so the 4-row kernels never see a ragged edge.
constexpr int64_t kRowQuantum = 16;

int64_t rowsPerPiece(size_t rowBytes) {
    const int64_t rows = static_cast<int64_t>(kPieceBytes / std::max<size_t>(rowBytes, 1));
    return std::max(kRowQuantum, rows / kRowQuantum * kRowQuantum);
}
} // namespace

Status CpuBackend::matmuls(std::span<const TensorRef> ws, const TensorRef& x,
                           std::span<const TensorRef> outs) {
    if (ws.size() != outs.size()) return makeError("matmuls: weights and outputs differ in count");
    if (x.rows != 1 || ws.size() > kMaxMatrices) return Backend::matmuls(ws, x, outs);

    struct Matrix {
        const uint8_t* base;
        size_t stride;
        GgmlType type;
        const uint8_t* act;
        float* out;
        int64_t rows, pieceRows, firstPiece;
        const uint8_t* prepared; // the token arranged for this type's kernel, or null
        kernels::VecDotRowsPreparedFn rowsPrepared; // that kernel, looked up once
    };
    Matrix mats[kMaxMatrices];
    GgmlType actTypes[kMaxMatrices];
    size_t actOffsets[kMaxMatrices];
    size_t nActTypes = 0, scratchBytes = 0;
    const int64_t nIn = x.cols;
    for (size_t i = 0; i < ws.size(); ++i) {
        const auto& k = kernels::kernelsFor(ws[i].type);
        if (!k.vecDot)
            return makeError("matmul: weights of type " + std::string(ggmlTypeName(ws[i].type)) +
                             " cannot be computed (no dot-product kernel)");
        if (ws[i].cols != nIn || outs[i].cols != ws[i].rows || outs[i].rows != 1)
            return makeError("matmul: shape mismatch");
        if (k.vecDotType == GgmlType::F32) continue;
        const auto actBytes = ggmlRowBytes(k.vecDotType, nIn);
        if (!actBytes || !kernels::kernelsFor(k.vecDotType).quantize)
            return makeError("matmul: cannot convert activations to " +
                             std::string(ggmlTypeName(k.vecDotType)));
        if (std::find(actTypes, actTypes + nActTypes, k.vecDotType) != actTypes + nActTypes)
            continue;
        actTypes[nActTypes] = k.vecDotType;
        actOffsets[nActTypes++] = scratchBytes;
        scratchBytes += (static_cast<size_t>(*actBytes) + 63) / 64 * 64;
    }
    // Kernels that rearrange the token do it here, once per weight type, not once per piece.
    GgmlType prepTypes[kMaxMatrices];
    size_t prepOffsets[kMaxMatrices];
    size_t nPrepTypes = 0;
    for (size_t i = 0; i < ws.size(); ++i) {
        const auto& k = kernels::kernelsFor(ws[i].type);
        if (!k.prepareAct || k.vecDotType == GgmlType::F32 ||
            std::find(prepTypes, prepTypes + nPrepTypes, ws[i].type) != prepTypes + nPrepTypes)
            continue;
        prepTypes[nPrepTypes] = ws[i].type;
        prepOffsets[nPrepTypes++] = scratchBytes;
        scratchBytes += (k.preparedActBytes(nIn) + 63) / 64 * 64;
    }
    // Grows once to the largest need, then the token path allocates nothing.
    if (matvecScratch_.size() < scratchBytes + 64) matvecScratch_.resize(scratchBytes + 64);
    const uintptr_t raw = reinterpret_cast<uintptr_t>(matvecScratch_.data());
    uint8_t* scratch = matvecScratch_.data() + ((64 - raw % 64) % 64);
    for (size_t t = 0; t < nActTypes; ++t)
        kernels::kernelsFor(actTypes[t]).quantize(rowF32(x, 0), scratch + actOffsets[t], nIn);
    const auto quantizedToken = [&](GgmlType dotType) -> const uint8_t* {
        for (size_t t = 0; t < nActTypes; ++t)
            if (actTypes[t] == dotType) return scratch + actOffsets[t];
        return rowPtr(x, 0);
    };
    for (size_t t = 0; t < nPrepTypes; ++t) {
        const auto& k = kernels::kernelsFor(prepTypes[t]);
        k.prepareAct(nIn, quantizedToken(k.vecDotType), scratch + prepOffsets[t]);
    }

    int64_t pieces = 0;
    for (size_t i = 0; i < ws.size(); ++i) {
        const uint8_t* act = quantizedToken(kernels::kernelsFor(ws[i].type).vecDotType);
        const uint8_t* prepared = nullptr;
        for (size_t t = 0; t < nPrepTypes; ++t)
            if (prepTypes[t] == ws[i].type) prepared = scratch + prepOffsets[t];
        const size_t stride = ws[i].stride();
        mats[i] = Matrix{rowPtr(ws[i], 0),
                         stride,
                         ws[i].type,
                         act,
                         rowF32(outs[i], 0),
                         ws[i].rows,
                         rowsPerPiece(stride),
                         pieces,
                         prepared,
                         kernels::kernelsFor(ws[i].type).vecDotRowsPrepared};
        pieces += (ws[i].rows + mats[i].pieceRows - 1) / mats[i].pieceRows;
    }
    const size_t nMats = ws.size();
    pool_.parallelForGrains(pieces, 1, [&](int64_t p0, int64_t p1) {
        for (int64_t p = p0; p < p1; ++p) {
            size_t m = 0;
            while (m + 1 < nMats && mats[m + 1].firstPiece <= p) ++m;
            const Matrix& M = mats[m];
            const int64_t r0 = (p - M.firstPiece) * M.pieceRows;
            const int64_t r1 = std::min(M.rows, r0 + M.pieceRows);
            const uint8_t* rows = M.base + static_cast<size_t>(r0) * M.stride;
            if (M.prepared)
                M.rowsPrepared(nIn, rows, M.stride, r1 - r0, M.act, M.prepared, M.out + r0);
            else
                kernels::vecDotRows(M.type, nIn, rows, M.stride, r1 - r0, M.act, M.out + r0);
        }
    });
    return {};
}

} // namespace hearth::cpu
