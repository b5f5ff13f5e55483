// The one byte-size formatter (engine/core/byte_size.h, app/core/byte_size.h): decimal units,
// three significant digits, exact half-up rounding at every unit edge.
#include "app/core/byte_size.h"
#include "engine/core/byte_size.h"

#include <QRegularExpression>
#include <QtTest>

#include <cmath>
#include <limits>
#include <random>

class TestByteSize : public QObject {
    Q_OBJECT

private slots:
    void edges_data() {
        QTest::addColumn<quint64>("bytes");
        QTest::addColumn<QString>("text");
        QTest::newRow("zero") << quint64(0) << "0 B";
        QTest::newRow("one") << quint64(1) << "1 B";
        QTest::newRow("999 B") << quint64(999) << "999 B";
        QTest::newRow("1000 B") << quint64(1000) << "1.00 kB";
        QTest::newRow("1234 B") << quint64(1234) << "1.23 kB";
        QTest::newRow("1235 B rounds up") << quint64(1235) << "1.24 kB";
        QTest::newRow("9994 B") << quint64(9994) << "9.99 kB";
        QTest::newRow("9995 B") << quint64(9995) << "10.0 kB";
        QTest::newRow("99949 B") << quint64(99949) << "99.9 kB";
        QTest::newRow("99950 B") << quint64(99950) << "100 kB";
        QTest::newRow("379 kB") << quint64(379'200) << "379 kB";
        QTest::newRow("999499 B") << quint64(999'499) << "999 kB";
        QTest::newRow("999500 B") << quint64(999'500) << "1.00 MB";
        QTest::newRow("1101888 B") << quint64(1'101'888) << "1.10 MB";
        QTest::newRow("37.9 MB") << quint64(37'912'345) << "37.9 MB";
        QTest::newRow("770 MB") << quint64(770'123'456) << "770 MB";
        QTest::newRow("1e9 - 1") << quint64(999'999'999) << "1.00 GB";
        QTest::newRow("1.32 GB") << quint64(1'321'000'000) << "1.32 GB";
        QTest::newRow("1 TB") << quint64(1'000'000'000'000) << "1.00 TB";
        QTest::newRow("12.3 TB") << quint64(12'345'678'901'234) << "12.3 TB";
        QTest::newRow("999.4 TB") << quint64(999'499'999'999'999) << "999 TB";
        QTest::newRow("999.5 TB") << quint64(999'500'000'000'000) << "1000 TB";
        QTest::newRow("1 EB") << quint64(1'000'000'000'000'000'000) << "1000000 TB";
        QTest::newRow("2^64 - 1") << std::numeric_limits<quint64>::max() << "18446744 TB";
    }
    void edges() {
        QFETCH(quint64, bytes);
        QFETCH(QString, text);
        QCOMPARE(hearth::byteSizeText(bytes), text);
        QCOMPARE(QString::fromStdString(hearth::formatByteSize(bytes)), text);
    }

    // Other integer types reach the same formatter; Qt's "unknown" size (-1) is not a huge one.
    void integerTypes() {
        QCOMPARE(hearth::byteSizeText(qint64(379'200)), QStringLiteral("379 kB"));
        QCOMPARE(hearth::byteSizeText(uint64_t(37'912'345)), QStringLiteral("37.9 MB"));
        QCOMPARE(hearth::byteSizeText(int(1000)), QStringLiteral("1.00 kB"));
        QCOMPARE(hearth::byteSizeText(qint64(-1)), QStringLiteral("0 B"));
        QCOMPARE(hearth::byteSizeText(std::numeric_limits<qint64>::min()), QStringLiteral("0 B"));
    }

    void rates() {
        QCOMPARE(hearth::byteRateText(12'345'678.0), QStringLiteral("12.3 MB/s"));
        QCOMPARE(hearth::byteRateText(999.4), QStringLiteral("999 B/s"));
        QCOMPARE(hearth::byteRateText(999.5), QStringLiteral("1.00 kB/s"));
        QCOMPARE(hearth::byteRateText(0.0), QStringLiteral("0 B/s"));
        QCOMPARE(hearth::byteRateText(-5.0), QStringLiteral("0 B/s"));
        QCOMPARE(hearth::byteRateText(std::nan("")), QStringLiteral("0 B/s"));
        QCOMPARE(hearth::byteRateText(std::numeric_limits<double>::infinity()),
                 QStringLiteral("0 B/s"));
        QCOMPARE(hearth::byteRateText(1e30), QStringLiteral("18446744 TB/s"));
    }

    // Over many magnitudes: three significant digits (whole bytes below 1 kB, whole TB above
    // 999 TB), a value under 1000 of its unit, and never more than half a last digit off.
    void threeSignificantDigitsEverywhere() {
        static const QRegularExpression shape(
            QStringLiteral("^(?:(\\d{1,3}) B|(\\d\\.\\d\\d|\\d\\d\\.\\d|\\d{3}) (kB|MB|GB|TB)|"
                           "(\\d{4,}) TB)$"));
        std::mt19937_64 rng(20261129);
        for (int i = 0; i < 20000; ++i) {
            const int digits = 1 + i % 19;
            const quint64 bytes = rng() % quint64(std::pow(10.0, digits));
            const QString text = hearth::byteSizeText(bytes);
            const auto m = shape.match(text);
            QVERIFY2(m.hasMatch(), qPrintable(QString::number(bytes) + " -> " + text));
            if (!m.captured(1).isEmpty()) {
                QCOMPARE(m.captured(1).toULongLong(), bytes);
                continue;
            }
            const QString unit = m.captured(3).isEmpty() ? QStringLiteral("TB") : m.captured(3);
            const QString number = m.captured(2).isEmpty() ? m.captured(4) : m.captured(2);
            const double scale =
                std::pow(1000.0, QStringList{"kB", "MB", "GB", "TB"}.indexOf(unit) + 1);
            const qsizetype dot = number.indexOf(QLatin1Char('.'));
            const double lastDigit = dot < 0 ? 1.0 : std::pow(10.0, -(number.size() - dot - 1));
            const double shown = number.toDouble() * scale;
            QVERIFY2(std::abs(shown - double(bytes)) <= 0.5 * lastDigit * scale * (1 + 1e-9),
                     qPrintable(QString::number(bytes) + " -> " + text));
        }
    }
};

QTEST_GUILESS_MAIN(TestByteSize)
#include "test_byte_size.moc"
