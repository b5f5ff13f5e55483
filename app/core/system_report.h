#pragma once
// The facts the System page and `hearth-cli system` both show, gathered in one place so the two
// can never disagree.
#include <QString>
#include <QStringList>

#include <cstdint>
#include <utility>
#include <vector>

namespace hearth {

struct SystemReport {
    QString cpuModel;
    QString cpuVendor;
    int logicalCores = 0;
    int physicalCores = 0;
    std::vector<std::pair<QString, bool>> simd; // feature name, present
    QString kernelIsa;                          // the kernels the engine will use
    uint64_t ramTotal = 0;
    uint64_t ramAvailable = 0;
    bool vulkanBuilt = false;
    QString gpuMessage;   // why no device, when none
    QStringList gpuLines; // one line per device: name, type, heaps

    static SystemReport gather();
    QString toText() const; // the CLI's plain-text form
};

} // namespace hearth
