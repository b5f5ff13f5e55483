#pragma once
// SystemController: the System page's facts (CPU, SIMD, RAM, Vulkan devices) for QML.
#include <QObject>
#include <QVariantList>
#include <QtQml/qqmlregistration.h>

namespace hearth {

class SystemController : public QObject {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(QString cpuModel READ cpuModel NOTIFY changed)
    Q_PROPERTY(QString cpuVendor READ cpuVendor NOTIFY changed)
    Q_PROPERTY(int logicalCores READ logicalCores NOTIFY changed)
    Q_PROPERTY(int physicalCores READ physicalCores NOTIFY changed)
    Q_PROPERTY(QVariantList simdFeatures READ simdFeatures NOTIFY changed)
    Q_PROPERTY(QString kernelIsa READ kernelIsa NOTIFY changed)
    Q_PROPERTY(QString ramTotal READ ramTotal NOTIFY changed)
    Q_PROPERTY(QString ramAvailable READ ramAvailable NOTIFY changed)
    Q_PROPERTY(double ramAvailableFraction READ ramAvailableFraction NOTIFY changed)
    Q_PROPERTY(QStringList gpuDevices READ gpuDevices NOTIFY changed)
    Q_PROPERTY(QVariantList gpuDeviceDetails READ gpuDeviceDetails NOTIFY changed)
    Q_PROPERTY(QString gpuMessage READ gpuMessage NOTIFY changed)
    Q_PROPERTY(QString reportText READ reportText NOTIFY changed)

public:
    explicit SystemController(QObject* parent = nullptr);

    QString cpuModel() const;
    QString cpuVendor() const;
    int logicalCores() const;
    int physicalCores() const;
    QVariantList simdFeatures() const; // [{name, present}]
    QString kernelIsa() const;
    QString ramTotal() const;
    QString ramAvailable() const;
    double ramAvailableFraction() const;
    QStringList gpuDevices() const;
    QVariantList gpuDeviceDetails() const; // [{title, heaps: [string]}], from the same lines
    QString gpuMessage() const;
    QString reportText() const;

    Q_INVOKABLE void refresh();

signals:
    void changed();

private:
    struct Data;
    std::shared_ptr<Data> d;
};

} // namespace hearth
