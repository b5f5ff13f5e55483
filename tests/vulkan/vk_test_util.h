#pragma once
// Shared helpers for the Vulkan tests: a context per test binary (skipped with a visible reason
// when there is no device), host<->device copies and tolerance checks.
#include "engine/vulkan/vk_context.h"
#include "engine/vulkan/vk_ops.h"

#include <QtTest>

#include <cmath>
#include <cstring>
#include <vector>

namespace vktest {

using hearth::vk::Buffer;
using hearth::vk::Context;

inline Buffer upload(Context& ctx, const void* data, size_t bytes) {
    auto b = ctx.createBuffer(bytes);
    if (!b) qFatal("allocating a test buffer failed: %s", b.error().c_str());
    auto s = ctx.upload(*b, 0, data, bytes);
    if (!s) qFatal("upload failed: %s", s.error().c_str());
    return std::move(*b);
}
template <class T> Buffer upload(Context& ctx, const std::vector<T>& v) {
    return upload(ctx, v.data(), v.size() * sizeof(T));
}
inline Buffer zeros(Context& ctx, size_t floats) {
    return upload(ctx, std::vector<float>(floats, 0.0f));
}
template <class T = float> std::vector<T> download(Context& ctx, const Buffer& b, size_t count) {
    std::vector<T> out(count);
    auto s = ctx.download(b, 0, out.data(), count * sizeof(T));
    if (!s) qFatal("download failed: %s", s.error().c_str());
    return out;
}

// Largest |got - want| / (absTol + relTol * |scale|) over the arrays (<= 1 passes).
struct Check {
    double worst = 0;
    size_t at = 0;
    double got = 0, want = 0;
    void add(size_t i, double g, double w, double tol) {
        const double e = std::isfinite(g) ? std::fabs(g - w) / tol : 1e30;
        if (e > worst) {
            worst = e;
            at = i;
            got = g;
            want = w;
        }
    }
    QString describe() const {
        return QStringLiteral("worst at %1: got %2, want %3 (%4 x tolerance)")
            .arg(at)
            .arg(got, 0, 'g', 9)
            .arg(want, 0, 'g', 9)
            .arg(worst, 0, 'g', 3);
    }
};

} // namespace vktest
