#include "app/core/system_report.h"

#include "app/core/byte_size.h"
#include "engine/cpu/kernels/kernels.h"
#include "engine/system/cpu_info.h"
#include "engine/system/gpu_devices.h"
#include "engine/system/memory_info.h"

namespace hearth {

SystemReport SystemReport::gather() {
    SystemReport r;
    const CpuInfo& cpu = cpuInfo();
    r.cpuModel = QString::fromStdString(cpu.model);
    r.cpuVendor = QString::fromStdString(cpu.vendor);
    r.logicalCores = cpu.logicalCores;
    r.physicalCores = cpu.physicalCores;
    for (const auto& [name, on] : cpu.featureList())
        r.simd.emplace_back(QString::fromStdString(name), on);
    r.kernelIsa = QString::fromLatin1(kernels::isaName(kernels::activeIsa()));
    const MemoryInfo mem = memoryInfo();
    r.ramTotal = mem.totalBytes;
    r.ramAvailable = mem.availableBytes;
    const GpuReport gpu = probeGpuDevices();
    r.vulkanBuilt = gpu.vulkanBuilt;
    r.gpuMessage = QString::fromStdString(gpu.message);
    for (const auto& d : gpu.devices) {
        QStringList heaps;
        for (const auto& h : d.heaps)
            heaps << QStringLiteral("%1%2").arg(byteSizeText(h.sizeBytes),
                                                h.deviceLocal ? QStringLiteral(" device-local")
                                                              : QString());
        r.gpuLines << QStringLiteral("#%1 %2 (%3, Vulkan %4, %5) heaps: %6")
                          .arg(d.index)
                          .arg(QString::fromStdString(d.name), QString::fromStdString(d.type),
                               QString::fromStdString(d.apiVersion),
                               QString::fromStdString(d.driver), heaps.join(QStringLiteral(", ")));
    }
    return r;
}

QString SystemReport::toText() const {
    QString t;
    t += QStringLiteral("CPU:           %1 (%2)\n").arg(cpuModel, cpuVendor);
    t += QStringLiteral("Cores:         %1 logical, %2 physical\n")
             .arg(logicalCores)
             .arg(physicalCores);
    QStringList on, off;
    for (const auto& [name, present] : simd) (present ? on : off) << name;
    t += QStringLiteral("SIMD:          %1\n").arg(on.join(QLatin1Char(' ')));
    if (!off.isEmpty()) t += QStringLiteral("SIMD missing:  %1\n").arg(off.join(QLatin1Char(' ')));
    t += QStringLiteral("Kernels:       %1\n").arg(kernelIsa);
    t += QStringLiteral("RAM total:     %1 (%2 bytes)\n").arg(byteSizeText(ramTotal)).arg(ramTotal);
    t += QStringLiteral("RAM available: %1 (%2 bytes)\n")
             .arg(byteSizeText(ramAvailable))
             .arg(ramAvailable);
    if (gpuLines.isEmpty()) t += QStringLiteral("Vulkan:        %1\n").arg(gpuMessage);
    for (const auto& l : gpuLines) t += QStringLiteral("Vulkan device: %1\n").arg(l);
    return t;
}

} // namespace hearth
