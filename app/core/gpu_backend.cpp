#include "app/core/gpu_backend.h"

#include "engine/fit/gpu_layer_fit.h"
#include "engine/gguf/gguf_file.h"
#include "engine/system/cpu_info.h"

#if HEARTH_HAVE_VULKAN
#include "engine/vulkan/vulkan_backend.h"
#endif

#include <QCoreApplication>

#include <algorithm>

namespace hearth {

namespace {

QString qs(const std::string& s) {
    return QString::fromStdString(s);
}

// Offloading to a CPU-type device only adds copies on the same cores; tests opt in to it.
bool cpuDeviceAllowed() {
    return qEnvironmentVariableIntValue("HEARTH_VULKAN_ALLOW_CPU_DEVICE") == 1;
}

bool isCpuDevice([[maybe_unused]] Backend& backend) {
#if HEARTH_HAVE_VULKAN
    if (auto* vb = dynamic_cast<vk::VulkanBackend*>(&backend))
        return vb->context().info().type == "cpu";
#endif
    return false;
}

} // namespace

Result<int> parseGpuLayers(const QString& text) {
    const QString t = text.trimmed();
    if (t.compare(QLatin1String("auto"), Qt::CaseInsensitive) == 0) return kAutoGpuLayers;
    bool ok = false;
    const int n = t.toInt(&ok);
    if (ok && n >= 0) return n;
    return makeError("GPU layers must be \"auto\" or a whole number of layers (0 = CPU only), "
                     "not \"" +
                     text.toStdString() + "\"");
}

Result<std::unique_ptr<Backend>> createGpuBackend() {
#if HEARTH_HAVE_VULKAN
    auto vb = vk::VulkanBackend::create();
    if (!vb) return makeError("no usable GPU (" + vb.error() + ")");
    return std::unique_ptr<Backend>(std::move(vb).value());
#else
    return makeError("this build has no GPU backend");
#endif
}

std::unique_ptr<Backend> makeGpuBackend(int gpuLayers, QString* note) {
    if (gpuLayers <= 0) return nullptr;
    auto gpu = createGpuBackend();
    if (gpu) return std::move(gpu).value();
    if (note) *note = QString::fromStdString(gpu.error()) + QStringLiteral("; running on the CPU");
    return nullptr;
}

GpuPlan planGpuLayers(int requested, const std::string& ggufPath, int nCtx, int threads) {
    GpuPlan plan;
    if (requested > 0) {
        plan.backend = makeGpuBackend(requested, &plan.note);
        plan.layers = plan.backend ? requested : 0;
        return plan;
    }
    if (requested != kAutoGpuLayers) return plan;
    plan.automatic = true;
    auto gpu = createGpuBackend();
    if (!gpu) {
        plan.note = qs(gpu.error()) + QStringLiteral("; running on the CPU");
        return plan;
    }
    const DeviceInfo device = (*gpu)->info();
    if (isCpuDevice(**gpu) && !cpuDeviceAllowed()) {
        plan.note = QCoreApplication::translate(
                        "GpuBackend", "%1 is a CPU-type device, where offloading only adds "
                                      "copies; running on the CPU")
                        .arg(qs(device.name));
        return plan;
    }
    auto file = GgufFile::open(ggufPath);
    if (!file) {
        plan.note = qs(file.error()) + QStringLiteral("; running on the CPU");
        return plan;
    }
    fit::EstimateOptions options;
    options.nCtx = std::max(1, nCtx);
    options.batch = std::min<int64_t>(options.batch, options.nCtx); // as ModelContext clamps it
    options.threads = threads > 0 ? threads : std::max(1, cpuInfo().physicalCores);
    auto fitted = fit::fitGpuLayersForGguf(**file, options, device.memoryBytes);
    if (!fitted) {
        plan.note = qs(fitted.error()) + QStringLiteral("; running on the CPU");
        return plan;
    }
    if (fitted->layers == 0) {
        plan.note = QCoreApplication::translate("GpuBackend", "%1: %2; running on the CPU")
                        .arg(qs(device.name), qs(fitted->summary));
        return plan;
    }
    plan.layers = static_cast<int>(fitted->layers);
    plan.backend = std::move(gpu).value();
    return plan;
}

} // namespace hearth
