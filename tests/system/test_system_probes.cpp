// The engine's CPU-feature and memory probes, checked against what the kernel itself reports
// in /proc/cpuinfo and /proc/meminfo (never against constants).
#include "engine/system/cpu_info.h"
#include "engine/system/memory_info.h"

#include <QFile>
#include <QRegularExpression>
#include <QtTest>

#include <set>

namespace {

QString procFile(const char* path) {
    QFile f(QString::fromLatin1(path));
    if (!f.open(QIODevice::ReadOnly)) return {};
    return QString::fromUtf8(f.readAll());
}

std::set<QString> cpuinfoFlags() {
    const QString text = procFile("/proc/cpuinfo");
    std::set<QString> flags;
    for (const QString& line : text.split(QLatin1Char('\n'))) {
        if (line.startsWith(QLatin1String("flags"))) {
            for (const QString& f :
                 line.section(QLatin1Char(':'), 1).split(QLatin1Char(' '), Qt::SkipEmptyParts))
                flags.insert(f);
            break;
        }
    }
    return flags;
}

uint64_t meminfoBytes(const QString& key) {
    const QString text = procFile("/proc/meminfo");
    QRegularExpression re(QStringLiteral("^%1:\\s+(\\d+) kB").arg(key),
                          QRegularExpression::MultilineOption);
    auto m = re.match(text);
    return m.hasMatch() ? m.captured(1).toULongLong() * 1024 : 0;
}

} // namespace

class TestSystemProbes : public QObject {
    Q_OBJECT
private slots:
    void featuresMatchProcCpuinfo() {
        const auto flags = cpuinfoFlags();
        QVERIFY2(!flags.empty(), "/proc/cpuinfo has no flags line");
        const auto& f = hearth::cpuInfo().features;
        auto has = [&](const char* n) { return flags.count(QString::fromLatin1(n)) > 0; };
        QCOMPARE(f.sse42, has("sse4_2"));
        QCOMPARE(f.avx2, has("avx2"));
        QCOMPARE(f.fma, has("fma"));
        QCOMPARE(f.f16c, has("f16c"));
        QCOMPARE(f.avx512f, has("avx512f"));
        QCOMPARE(f.avx512bw, has("avx512bw"));
        QCOMPARE(f.avx512vl, has("avx512vl"));
        QCOMPARE(f.avx512dq, has("avx512dq"));
        QCOMPARE(f.avx512vnni, has("avx512_vnni"));
        QCOMPARE(f.avx512bf16, has("avx512_bf16"));
        QCOMPARE(f.avxvnni, has("avx_vnni"));
    }

    void modelAndCoresMatchProcCpuinfo() {
        const QString text = procFile("/proc/cpuinfo");
        QRegularExpression re(QStringLiteral("^model name\\s*:\\s*(.*)$"),
                              QRegularExpression::MultilineOption);
        auto m = re.match(text);
        QVERIFY(m.hasMatch());
        QCOMPARE(QString::fromStdString(hearth::cpuInfo().model), m.captured(1).trimmed());
        const int processors = int(text.count(QRegularExpression(
            QStringLiteral("^processor\\s*:"), QRegularExpression::MultilineOption)));
        QCOMPARE(hearth::cpuInfo().logicalCores, processors);
        QVERIFY(hearth::cpuInfo().physicalCores >= 1);
        QVERIFY(hearth::cpuInfo().physicalCores <= processors);
    }

    void memoryMatchesProcMeminfo() {
        const auto mem = hearth::memoryInfo();
        QCOMPARE(mem.totalBytes, meminfoBytes(QStringLiteral("MemTotal")));
        QVERIFY(mem.totalBytes > 0);
        // MemAvailable moves while we read; allow 64 MiB of drift between the two reads.
        const qint64 avail = qint64(meminfoBytes(QStringLiteral("MemAvailable")));
        QVERIFY(qAbs(qint64(mem.availableBytes) - avail) < 64ll * 1024 * 1024);
        QVERIFY(mem.availableBytes <= mem.totalBytes);
    }

    void rssGrowsWhenMemoryIsTouched() {
        const uint64_t before = hearth::currentRssBytes();
        QVERIFY(before > 0);
        std::vector<char> block(64 << 20, 1); // 64 MiB, written so the pages are resident
        QVERIFY(hearth::currentRssBytes() >= before + (48u << 20));
        // Read the current size first: the peak is a high-water mark, so a later read of it can
        // only be larger, whereas the operands of >= may be read in either order and RSS grows
        // meanwhile.
        const uint64_t now = hearth::currentRssBytes();
        QVERIFY(hearth::peakRssBytes() >= now);
        QCOMPARE(block[12345], char(1));
    }
};

QTEST_GUILESS_MAIN(TestSystemProbes)
#include "test_system_probes.moc"
