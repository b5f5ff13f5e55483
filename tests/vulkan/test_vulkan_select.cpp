// Vulkan device choice (pure logic, no device needed): discrete > integrated > virtual > CPU,
// the user's index wins, and bad requests are clear errors.
#include "engine/vulkan/vk_device_select.h"

#include <QtTest>

#include <cstdlib>

using namespace hearth::vk;

class TestVulkanSelect : public QObject {
    Q_OBJECT
    static DeviceCandidate dev(int i, const char* type, bool usable = true) {
        DeviceCandidate c;
        c.index = i;
        c.name = std::string("dev") + std::to_string(i);
        c.type = type;
        c.apiAtLeast12 = usable;
        return c;
    }

private slots:
    void prefersDiscreteThenIntegratedThenCpu() {
        QCOMPARE(*selectDevice({dev(0, "cpu"), dev(1, "integrated"), dev(2, "discrete")}, -1), 2);
        QCOMPARE(*selectDevice({dev(0, "cpu"), dev(1, "integrated")}, -1), 1);
        QCOMPARE(*selectDevice({dev(0, "other"), dev(1, "cpu")}, -1), 1);
        QCOMPARE(*selectDevice({dev(0, "virtual"), dev(1, "cpu")}, -1), 0);
        // Ties keep the driver's order; unusable devices are passed over.
        QCOMPARE(*selectDevice({dev(0, "discrete"), dev(1, "discrete")}, -1), 0);
        QCOMPARE(*selectDevice({dev(0, "discrete", false), dev(1, "cpu")}, -1), 1);
    }
    void userChoiceWins() {
        QCOMPARE(*selectDevice({dev(0, "cpu"), dev(1, "discrete")}, 0), 0);
        auto missing = selectDevice({dev(0, "cpu")}, 3);
        QVERIFY(!missing.ok());
        QVERIFY(QString::fromStdString(missing.error()).contains(QLatin1String("does not exist")));
        auto unusable = selectDevice({dev(0, "discrete", false)}, 0);
        QVERIFY(!unusable.ok());
        QVERIFY(!selectDevice({}, -1).ok());
        QVERIFY(!selectDevice({dev(0, "cpu", false)}, -1).ok());
    }
    void environmentOverride() {
        ::unsetenv("HEARTH_VULKAN_DEVICE");
        QCOMPARE(*requestedDeviceIndex(-1), -1);
        QCOMPARE(*requestedDeviceIndex(2), 2);
        ::setenv("HEARTH_VULKAN_DEVICE", "1", 1);
        QCOMPARE(*requestedDeviceIndex(-1), 1);
        QCOMPARE(*requestedDeviceIndex(0), 0); // an explicit option beats the environment
        for (const char* bad : {"gpu", "-1", "1x", "99999"}) {
            ::setenv("HEARTH_VULKAN_DEVICE", bad, 1);
            auto r = requestedDeviceIndex(-1);
            QVERIFY2(!r.ok(), bad);
            QVERIFY(
                QString::fromStdString(r.error()).contains(QLatin1String("HEARTH_VULKAN_DEVICE")));
        }
        ::unsetenv("HEARTH_VULKAN_DEVICE");
    }
};

QTEST_GUILESS_MAIN(TestVulkanSelect)
#include "test_vulkan_select.moc"
