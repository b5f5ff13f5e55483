#include "system_controller.h"

#include "app/core/byte_size.h"
#include "app/core/system_report.h"

#include <QVariantMap>

namespace hearth {

struct SystemController::Data {
    SystemReport report;
};

SystemController::SystemController(QObject* parent) : QObject(parent), d(std::make_shared<Data>()) {
    refresh();
}

void SystemController::refresh() {
    d->report = SystemReport::gather();
    emit changed();
}

QString SystemController::cpuModel() const {
    return d->report.cpuModel;
}
QString SystemController::cpuVendor() const {
    return d->report.cpuVendor;
}
int SystemController::logicalCores() const {
    return d->report.logicalCores;
}
int SystemController::physicalCores() const {
    return d->report.physicalCores;
}
QString SystemController::kernelIsa() const {
    return d->report.kernelIsa;
}
QString SystemController::ramTotal() const {
    return byteSizeText(d->report.ramTotal);
}
QString SystemController::ramAvailable() const {
    return byteSizeText(d->report.ramAvailable);
}
double SystemController::ramAvailableFraction() const {
    return d->report.ramTotal ? double(d->report.ramAvailable) / double(d->report.ramTotal) : 0.0;
}
QStringList SystemController::gpuDevices() const {
    return d->report.gpuLines;
}
QString SystemController::gpuMessage() const {
    return d->report.gpuMessage;
}
QVariantList SystemController::gpuDeviceDetails() const {
    // Split the report's device line so the page can show heaps as chips while still showing
    // exactly the facts `hearth-cli system` prints.
    static const QString heapsMarker = QStringLiteral(" heaps: ");
    QVariantList list;
    for (const QString& line : d->report.gpuLines) {
        const qsizetype at = line.lastIndexOf(heapsMarker);
        const QString title = at < 0 ? line : line.left(at);
        const QStringList heaps =
            at < 0
                ? QStringList()
                : line.mid(at + heapsMarker.size()).split(QStringLiteral(", "), Qt::SkipEmptyParts);
        list.append(
            QVariantMap{{QStringLiteral("title"), title}, {QStringLiteral("heaps"), heaps}});
    }
    return list;
}

QString SystemController::reportText() const {
    return d->report.toText();
}

QVariantList SystemController::simdFeatures() const {
    QVariantList list;
    for (const auto& [name, present] : d->report.simd)
        list.append(
            QVariantMap{{QStringLiteral("name"), name}, {QStringLiteral("present"), present}});
    return list;
}

} // namespace hearth
