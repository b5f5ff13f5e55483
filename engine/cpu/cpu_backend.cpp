// CPU backend: buffers, transfers and the element-wise ops. matmul, rope and attention live in
// their own files.
#include "engine/cpu/cpu_backend.h"

#include "engine/cpu/fp16.h"
#include "engine/cpu/kernels/kernels.h"
#include "engine/cpu/kernels/vector_math.h"
#include "engine/system/cpu_info.h"
#include "engine/system/memory_info.h"

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <new>

namespace hearth::cpu {
namespace {

class HostBuffer final : public Buffer {
public:
    HostBuffer(uint8_t* data, size_t size, bool owned) : data_(data), size_(size), owned_(owned) {}
    ~HostBuffer() override {
        if (owned_) std::free(data_);
    }
    size_t size() const override { return size_; }
    uint8_t* hostData() override { return data_; }

private:
    uint8_t* data_;
    size_t size_;
    bool owned_;
};

// Rows are split across threads only when there is enough work to pay for the hand-off.
constexpr int64_t kMinElementsPerThread = 16384;

template <class F> void forRows(ThreadPool& pool, int64_t rows, int64_t cols, F&& f) {
    if (rows * cols < 2 * kMinElementsPerThread || rows == 1) {
        f(int64_t{0}, rows);
        return;
    }
    pool.parallelFor(rows, f);
}

// One token's FFN row (8192 elements in a 1B model) is split into fixed pieces so every thread
// takes some (GeGLU's tanh costs ~2 ns an element; SwiGLU in vector_math ~0.5 ns); rows
// otherwise.
constexpr int64_t kActivationGrain = 2048;
template <class F> void forActivation(ThreadPool& pool, int64_t rows, int64_t cols, F&& f) {
    if (rows == 1 && cols >= 2 * kActivationGrain) {
        pool.parallelForGrains(cols, kActivationGrain,
                               [&](int64_t c0, int64_t c1) { f(0, c0, c1); });
        return;
    }
    forRows(pool, rows, cols, [&](int64_t r0, int64_t r1) {
        for (int64_t r = r0; r < r1; ++r) f(r, int64_t{0}, cols);
    });
}

float geluTanh(float x) {
    constexpr float kSqrt2OverPi = 0.79788456080286535587989211986876f;
    constexpr float kCoef = 0.044715f;
    return 0.5f * x * (1.0f + std::tanh(kSqrt2OverPi * x * (1.0f + kCoef * x * x)));
}

} // namespace

uint8_t* rowPtr(const TensorRef& t, int64_t row) {
    return t.buffer->hostData() + t.offset + static_cast<size_t>(row) * t.stride();
}

CpuBackend::CpuBackend(int nThreads) : pool_(nThreads) {}
CpuBackend::~CpuBackend() = default;

DeviceInfo CpuBackend::info() const {
    DeviceInfo d;
    d.name = "CPU (" + std::string(kernels::isaName(kernels::activeIsa())) + ", " +
             std::to_string(pool_.size()) + (pool_.size() == 1 ? " thread)" : " threads)");
    d.kind = "cpu";
    d.memoryBytes = memoryInfo().totalBytes;
    d.hostVisible = true;
    return d;
}

bool CpuBackend::supports(BackendOp op, GgmlType type) const {
    switch (op) {
    case BackendOp::MatMul:
        return kernels::kernelsFor(type).vecDot != nullptr &&
               kernels::kernelsFor(kernels::kernelsFor(type).vecDotType).quantize != nullptr;
    case BackendOp::GetRows:
        return kernels::kernelsFor(type).dequantize != nullptr;
    case BackendOp::StoreKv:
    case BackendOp::Attention:
    case BackendOp::Copy:
        return type == GgmlType::F32 || type == GgmlType::F16;
    default:
        return type == GgmlType::F32;
    }
}

Result<std::unique_ptr<Buffer>> CpuBackend::allocate(size_t bytes) {
    const size_t rounded = (bytes + 63) / 64 * 64;
    void* p = std::aligned_alloc(64, rounded == 0 ? 64 : rounded);
    if (!p) return makeError("out of memory allocating " + std::to_string(bytes) + " bytes");
    std::memset(p, 0, rounded == 0 ? 64 : rounded);
    return std::unique_ptr<Buffer>(new HostBuffer(static_cast<uint8_t*>(p), bytes, true));
}

Result<std::unique_ptr<Buffer>> CpuBackend::wrapWeights(const uint8_t* data, size_t bytes) {
    // Read-only by contract: weight buffers are only ever op inputs.
    return std::unique_ptr<Buffer>(new HostBuffer(const_cast<uint8_t*>(data), bytes, false));
}

Status CpuBackend::write(const TensorRef& t, const void* src) {
    const size_t packed = static_cast<size_t>(ggmlRowBytes(t.type, t.cols).value_or(0));
    const auto* s = static_cast<const uint8_t*>(src);
    for (int64_t r = 0; r < t.rows; ++r) std::memcpy(rowPtr(t, r), s + r * packed, packed);
    return {};
}

Status CpuBackend::read(const TensorRef& t, void* dst) {
    const size_t packed = static_cast<size_t>(ggmlRowBytes(t.type, t.cols).value_or(0));
    auto* d = static_cast<uint8_t*>(dst);
    for (int64_t r = 0; r < t.rows; ++r) std::memcpy(d + r * packed, rowPtr(t, r), packed);
    return {};
}

Status CpuBackend::getRows(const TensorRef& table, std::span<const int32_t> ids,
                           const TensorRef& out) {
    const auto& k = kernels::kernelsFor(table.type);
    if (!k.dequantize)
        return makeError("get_rows: no dequantize kernel for " +
                         std::string(ggmlTypeName(table.type)));
    for (size_t i = 0; i < ids.size(); ++i) {
        if (ids[i] < 0 || ids[i] >= table.rows)
            return makeError("get_rows: token id " + std::to_string(ids[i]) + " out of range");
        k.dequantize(rowPtr(table, ids[i]), rowF32(out, static_cast<int64_t>(i)), table.cols);
    }
    return {};
}

Status CpuBackend::rmsNorm(const TensorRef& x, const TensorRef& weight, float eps,
                           const TensorRef& out) {
    const int64_t n = x.cols;
    const float* w = weight.buffer ? rowF32(weight, 0) : nullptr;
    forRows(pool_, x.rows, n, [&](int64_t r0, int64_t r1) {
        for (int64_t r = r0; r < r1; ++r) {
            const float* xr = rowF32(x, r);
            float* yr = rowF32(out, r);
            double sum = 0; // ggml sums squares in double
            for (int64_t i = 0; i < n; ++i) sum += static_cast<double>(xr[i] * xr[i]);
            const float mean = static_cast<float>(sum / static_cast<double>(n));
            const float scale = 1.0f / std::sqrt(mean + eps);
            if (w)
                for (int64_t i = 0; i < n; ++i) yr[i] = (xr[i] * scale) * w[i];
            else
                for (int64_t i = 0; i < n; ++i) yr[i] = xr[i] * scale;
        }
    });
    return {};
}

Status CpuBackend::layerNorm(const TensorRef& x, const TensorRef& weight, const TensorRef& bias,
                             float eps, const TensorRef& out) {
    const int64_t n = x.cols;
    const float* w = weight.buffer ? rowF32(weight, 0) : nullptr;
    const float* b = bias.buffer ? rowF32(bias, 0) : nullptr;
    forRows(pool_, x.rows, n, [&](int64_t r0, int64_t r1) {
        for (int64_t r = r0; r < r1; ++r) {
            const float* xr = rowF32(x, r);
            float* yr = rowF32(out, r);
            double sum = 0;
            for (int64_t i = 0; i < n; ++i) sum += xr[i];
            const float mean = static_cast<float>(sum / static_cast<double>(n));
            double var = 0;
            for (int64_t i = 0; i < n; ++i) {
                const float d = xr[i] - mean;
                yr[i] = d;
                var += static_cast<double>(d * d);
            }
            const float scale =
                1.0f / std::sqrt(static_cast<float>(var / static_cast<double>(n)) + eps);
            for (int64_t i = 0; i < n; ++i) {
                float v = yr[i] * scale;
                if (w) v *= w[i];
                if (b) v += b[i];
                yr[i] = v;
            }
        }
    });
    return {};
}

Status CpuBackend::add(const TensorRef& a, const TensorRef& b, const TensorRef& out) {
    const int64_t n = a.cols;
    const bool broadcast = b.rows == 1;
    forRows(pool_, a.rows, n, [&](int64_t r0, int64_t r1) {
        for (int64_t r = r0; r < r1; ++r) {
            const float* ar = rowF32(a, r);
            const float* br = rowF32(b, broadcast ? 0 : r);
            float* yr = rowF32(out, r);
            for (int64_t i = 0; i < n; ++i) yr[i] = ar[i] + br[i];
        }
    });
    return {};
}

Status CpuBackend::mul(const TensorRef& a, const TensorRef& b, const TensorRef& out) {
    const int64_t n = a.cols;
    const bool broadcast = b.rows == 1;
    forRows(pool_, a.rows, n, [&](int64_t r0, int64_t r1) {
        for (int64_t r = r0; r < r1; ++r) {
            const float* ar = rowF32(a, r);
            const float* br = rowF32(b, broadcast ? 0 : r);
            float* yr = rowF32(out, r);
            for (int64_t i = 0; i < n; ++i) yr[i] = ar[i] * br[i];
        }
    });
    return {};
}

Status CpuBackend::scale(const TensorRef& x, float s, const TensorRef& out) {
    const int64_t n = x.cols;
    forRows(pool_, x.rows, n, [&](int64_t r0, int64_t r1) {
        for (int64_t r = r0; r < r1; ++r) {
            const float* xr = rowF32(x, r);
            float* yr = rowF32(out, r);
            for (int64_t i = 0; i < n; ++i) yr[i] = xr[i] * s;
        }
    });
    return {};
}

Status CpuBackend::softmax(const TensorRef& x, const TensorRef& out) {
    const int64_t n = x.cols;
    forRows(pool_, x.rows, n, [&](int64_t r0, int64_t r1) {
        for (int64_t r = r0; r < r1; ++r) {
            const float* xr = rowF32(x, r);
            float* yr = rowF32(out, r);
            float mx = -INFINITY;
            for (int64_t i = 0; i < n; ++i) mx = std::max(mx, xr[i]);
            kernels::expShifted(xr, mx, yr, n);
            double sum = 0;
            for (int64_t i = 0; i < n; ++i) sum += yr[i];
            const float inv = static_cast<float>(1.0 / sum);
            for (int64_t i = 0; i < n; ++i) yr[i] *= inv;
        }
    });
    return {};
}

Status CpuBackend::silu(const TensorRef& x, const TensorRef& out) {
    const int64_t n = x.cols;
    forRows(pool_, x.rows, n, [&](int64_t r0, int64_t r1) {
        for (int64_t r = r0; r < r1; ++r) {
            const float* xr = rowF32(x, r);
            float* yr = rowF32(out, r);
            kernels::silu(xr, yr, n);
        }
    });
    return {};
}

Status CpuBackend::gelu(const TensorRef& x, const TensorRef& out) {
    const int64_t n = x.cols;
    forRows(pool_, x.rows, n, [&](int64_t r0, int64_t r1) {
        for (int64_t r = r0; r < r1; ++r) {
            const float* xr = rowF32(x, r);
            float* yr = rowF32(out, r);
            for (int64_t i = 0; i < n; ++i) yr[i] = geluTanh(xr[i]);
        }
    });
    return {};
}

Status CpuBackend::swiglu(const TensorRef& gate, const TensorRef& up, const TensorRef& out) {
    forActivation(pool_, gate.rows, gate.cols, [&](int64_t r, int64_t c0, int64_t c1) {
        const float* g = rowF32(gate, r);
        const float* u = rowF32(up, r);
        float* y = rowF32(out, r);
        kernels::siluMul(g + c0, u + c0, y + c0, c1 - c0);
    });
    return {};
}

Status CpuBackend::geglu(const TensorRef& gate, const TensorRef& up, const TensorRef& out) {
    forActivation(pool_, gate.rows, gate.cols, [&](int64_t r, int64_t c0, int64_t c1) {
        const float* g = rowF32(gate, r);
        const float* u = rowF32(up, r);
        float* y = rowF32(out, r);
        for (int64_t i = c0; i < c1; ++i) y[i] = geluTanh(g[i]) * u[i];
    });
    return {};
}

Status CpuBackend::copy(const TensorRef& src, const TensorRef& out) {
    const int64_t n = src.cols;
    if (src.type == out.type) {
        const size_t bytes = static_cast<size_t>(ggmlRowBytes(src.type, n).value_or(0));
        for (int64_t r = 0; r < src.rows; ++r) std::memmove(rowPtr(out, r), rowPtr(src, r), bytes);
        return {};
    }
    if (src.type != GgmlType::F32 || out.type != GgmlType::F16)
        return makeError("copy: unsupported conversion " + std::string(ggmlTypeName(src.type)) +
                         " -> " + std::string(ggmlTypeName(out.type)));
    for (int64_t r = 0; r < src.rows; ++r) {
        const float* s = rowF32(src, r);
        auto* d = reinterpret_cast<uint16_t*>(rowPtr(out, r));
        for (int64_t i = 0; i < n; ++i) d[i] = floatToHalf(s[i]);
    }
    return {};
}

} // namespace hearth::cpu
