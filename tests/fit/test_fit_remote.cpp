// Memory fit of a remote GGUF, read header-only with HTTP Range requests from a loopback mock of
// Hugging Face and its CDN (tests/net/mock_hub): the fit equals the local file's, far fewer bytes
// than the file are served, and 404s, non-GGUF files and servers that ignore Range fail clearly.
// A split model (gguf-split parts) is read part by part and fits like the unsplit file; a part
// that cannot be read fails the read instead of estimating from part 1's share of the tensors.
#include "app/core/remote_gguf_header.h"
#include "engine/fit/fit_report.h"
#include "engine/gguf/gguf_split.h"
#include "net/mock_hub.h"
#include "tests/fit/fit_report_compare.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTimer>
#include <QtTest>

using namespace hearth;

namespace {

const QString kModels = QStringLiteral(HEARTH_SHARED_DIR "/conformance/models/");
const QString kSpm = kModels + "cf-b-llama-spm/cf-b-llama-spm-F32.gguf";
const QString kTinyQ4 = kModels + "cf-q-llama-tinyvocab/cf-q-llama-tinyvocab-Q4_K_M.gguf";
const QString kTinyQ8 = kModels + "cf-q-llama-tinyvocab/cf-q-llama-tinyvocab-Q8_0.gguf";
constexpr qint64 kMiB = 1 << 20;

QByteArray readAll(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) qFatal("cannot read %s", qPrintable(path));
    return f.readAll();
}

fit::MachineMemory machine() {
    return {16ull << 30, 12ull << 30, 0, ""};
}

fit::FitReport reportFor(const GgufFile& file, int64_t nCtx) {
    fit::EstimateOptions o;
    o.nCtx = nCtx;
    o.threads = 4;
    auto r = fit::fitReportForGguf(file, {}, o, machine());
    if (!r) qFatal("%s", r.error().c_str());
    return std::move(r).value();
}

} // namespace

class TestFitRemote : public QObject {
    Q_OBJECT

    MockHub hub;
    QNetworkAccessManager nam;
    DownloadSettings settings;
    QTemporaryDir partsDir;

    // Runs one header read against the mock (its servers need this event loop).
    std::unique_ptr<RemoteGguf> fetch(const QString& spec, QString* error,
                                      RemoteHeaderLimits limits = {}) {
        RemoteGgufHeader h(&nam, settings, limits);
        QSignalSpy done(&h, &RemoteGgufHeader::finished);
        h.start(spec);
        if (!h.done()) done.wait(20000);
        *error = h.done() ? h.error() : QStringLiteral("timed out");
        return h.take();
    }
    qint64 served() const { return hub.api.bodyBytesSent + hub.cdn.bodyBytesSent; }

private slots:
    void initTestCase() {
        QVERIFY(hub.listen());
        MockHfRepo spm;
        spm.id = "fit/spm-GGUF";
        spm.files = {{"cf-b-llama-spm-F32.gguf", readAll(kSpm)}, {"README.md", "# spm"}};
        hub.addRepo(spm);
        MockHfRepo tiny;
        tiny.id = "fit/tiny-GGUF";
        tiny.files = {{"tiny-Q4_K_M.gguf", readAll(kTinyQ4)},
                      {"tiny-Q8_0.gguf", readAll(kTinyQ8)},
                      {"junk-Q4_0.gguf", QByteArray(300000, 'x')}};
        hub.addRepo(tiny);
        // The spm model as 3 gguf-split parts; and a copy of the set whose part 2 is missing.
        auto whole = GgufFile::open(kSpm.toStdString());
        QVERIFY(whole.ok());
        auto parts = splitGguf(kSpm.toStdString(), ((*whole)->tensors().size() + 2) / 3,
                               partsDir.filePath("spm-F32").toStdString());
        QVERIFY(parts.ok());
        QCOMPARE(parts->size(), size_t(3));
        MockHfRepo split, gap;
        split.id = "fit/split-GGUF";
        gap.id = "fit/split-gap-GGUF";
        for (size_t i = 0; i < parts->size(); ++i) {
            const QString path = QString::fromStdString((*parts)[i]);
            split.files.push_back({QFileInfo(path).fileName(), readAll(path)});
            if (i != 1) gap.files.push_back(split.files.back());
        }
        hub.addRepo(split);
        hub.addRepo(gap);
        settings.hfEndpoint = hub.apiUrl();
        settings.stallTimeoutMs = 10000;
    }

    // The URL the Hub shows, pointed at the endpoint: one 2 MiB range, then redirect to the CDN.
    void resolveUrlFitEqualsLocalFit() {
        const qint64 before = served();
        QString error;
        auto remote =
            fetch(QStringLiteral(
                      "https://huggingface.co/fit/spm-GGUF/resolve/main/cf-b-llama-spm-F32.gguf"),
                  &error);
        QVERIFY2(remote, qPrintable(error));
        const qint64 fileSize = QFileInfo(kSpm).size();
        QCOMPARE(remote->fileSize, fileSize);
        QCOMPARE(remote->displayName, QStringLiteral("fit/spm-GGUF/cf-b-llama-spm-F32.gguf"));
        QCOMPARE(remote->requests, 1);
        const qint64 cost = served() - before;
        qInfo("served %lld bytes of a %lld-byte file", cost, fileSize);
        QVERIFY(cost <= 2 * kMiB + 4096);
        QVERIFY(cost * 10 < fileSize);
        QCOMPARE(remote->bytesRead, qint64(remote->bytes.size()));

        auto local = GgufFile::open(kSpm.toStdString());
        QVERIFY(local.ok());
        QCOMPARE(remote->gguf->dataOffset(), (*local)->dataOffset());
        QCOMPARE(remote->gguf->tensors().size(), (*local)->tensors().size());
        for (int64_t ctx : {2048, 16384})
            compareFitReports(reportFor(*remote->gguf, ctx), reportFor(**local, ctx), false);
        // The Range header really was sent, and the CDN saw no token-bearing request.
        bool ranged = false;
        for (const MockRequest& r : hub.cdn.log)
            ranged = ranged || r.header("range") == "bytes=0-2097151";
        QVERIFY(ranged);
    }

    // hf.co/owner/repo:QUANT picks the file through the repository listing.
    void shorthandPicksTheQuant() {
        QString error;
        auto remote = fetch(QStringLiteral("hf.co/fit/tiny-GGUF:Q8_0"), &error);
        QVERIFY2(remote, qPrintable(error));
        QCOMPARE(remote->displayName, QStringLiteral("fit/tiny-GGUF/tiny-Q8_0.gguf"));
        auto local = GgufFile::open(kTinyQ8.toStdString());
        QVERIFY(local.ok());
        const auto r = reportFor(*remote->gguf, 2048);
        QCOMPARE(r.rows.front().variant, std::string("Q8_0"));
        compareFitReports(r, reportFor(**local, 2048), false);
        // hf: form, with a path.
        remote = fetch(QStringLiteral("hf:fit/tiny-GGUF/tiny-Q4_K_M.gguf"), &error);
        QVERIFY2(remote, qPrintable(error));
        QCOMPARE(reportFor(*remote->gguf, 2048).rows.front().variant, std::string("Q4_K_M"));
    }

    // A header longer than the first range: more ranges, each doubling what is held.
    void longHeaderTakesMoreRanges() {
        const qsizetype logBefore = hub.cdn.log.size();
        QString error;
        RemoteHeaderLimits small;
        small.firstRangeBytes = 16 * 1024;
        auto remote =
            fetch(hub.apiUrl().toString() + "/fit/spm-GGUF/resolve/main/cf-b-llama-spm-F32.gguf",
                  &error, small);
        QVERIFY2(remote, qPrintable(error));
        QVERIFY2(remote->requests >= 3, qPrintable(QString::number(remote->requests)));
        QCOMPARE(hub.cdn.log.size() - logBefore, qsizetype(remote->requests));
        // Ranges are contiguous: 0-16383, 16384-32767, 32768-65535, ...
        QCOMPARE(hub.cdn.log[logBefore + 1].header("range"), QByteArray("bytes=16384-32767"));
        QVERIFY(remote->bytes.size() <
                4 * qsizetype((*GgufFile::open(kSpm.toStdString()))->dataOffset()));
        auto local = GgufFile::open(kSpm.toStdString());
        compareFitReports(reportFor(*remote->gguf, 4096), reportFor(**local, 4096), false);
    }

    // A 503 from the Hub and a connection dropped inside the range are retried, the second
    // continuing from the last byte that arrived.
    void transientFailuresAreRetried() {
        settings.backoffBaseMs = 20;
        auto local = GgufFile::open(kSpm.toStdString());
        QVERIFY(local.ok());
        const QString url =
            hub.apiUrl().toString() + "/fit/spm-GGUF/resolve/main/cf-b-llama-spm-F32.gguf";
        hub.fail5xx = 1;
        QString error;
        auto remote = fetch(url, &error);
        QVERIFY2(remote, qPrintable(error));
        QCOMPARE(hub.fail5xx, 0);
        compareFitReports(reportFor(*remote->gguf, 4096), reportFor(**local, 4096), false);

        const qsizetype logBefore = hub.cdn.log.size();
        hub.dropOnceAfter = 100000;
        remote = fetch(url, &error);
        QVERIFY2(remote, qPrintable(error));
        QCOMPARE(hub.dropOnceAfter, -1);
        // The cut range is asked again from its last byte. Qt may itself re-send a request
        // whose connection closed early, so count the resume, not the requests.
        QVERIFY(hub.cdn.log.size() - logBefore >= 2);
        bool resumed = false;
        for (qsizetype i = logBefore; i < hub.cdn.log.size(); ++i)
            resumed = resumed || hub.cdn.log.at(i).header("range") == "bytes=100000-2097151";
        QVERIFY2(resumed, "no request resumed the cut range at byte 100000");
        compareFitReports(reportFor(*remote->gguf, 4096), reportFor(**local, 4096), false);
        // Failing every time: the error names the answer, after a bounded number of tries.
        hub.fail5xx = 100;
        QVERIFY(!fetch(url, &error));
        QVERIFY2(error.contains("503"), qPrintable(error));
        QCOMPARE(hub.fail5xx, 100 - 4);
        hub.fail5xx = 0;
        settings.backoffBaseMs = 1000;
    }

    // hf.co/owner/repo:QUANT naming a split quant: all three headers, the unsplit file's fit
    // (the file row is the merged model: its size and header), a small read of each part.
    void splitModelFitEqualsUnsplitFile() {
        const qint64 before = served();
        const qsizetype logBefore = hub.cdn.log.size();
        QString error;
        auto remote = fetch(QStringLiteral("hf.co/fit/split-GGUF:F32"), &error);
        QVERIFY2(remote, qPrintable(error));
        QCOMPARE(remote->displayName, QStringLiteral("fit/split-GGUF/spm-F32-00001-of-00003.gguf"));
        QCOMPARE(remote->laterParts.size(), size_t(2));
        QCOMPARE(remote->headers().size(), size_t(3));
        QCOMPARE(remote->totalRequests(), 3);
        const qint64 fileSize = QFileInfo(kSpm).size();
        qInfo("split model: %lld bytes served for headers of %lld bytes of parts",
              served() - before, remote->totalFileSize());
        QVERIFY(remote->totalFileSize() > fileSize); // each part has its own header
        QVERIFY((served() - before) * 10 < fileSize);
        // Parts 2 and 3 hold no vocabulary: they are asked for a small first range.
        QStringList ranges;
        for (qsizetype i = logBefore; i < hub.cdn.log.size(); ++i)
            ranges << QString::fromLatin1(hub.cdn.log.at(i).path + " " +
                                          hub.cdn.log.at(i).header("range"));
        QCOMPARE(ranges.size(), 3);
        QVERIFY2(ranges[1].endsWith("bytes=0-262143"), qPrintable(ranges.join(", ")));

        auto local = GgufFile::open(kSpm.toStdString());
        QVERIFY(local.ok());
        for (int64_t ctx : {2048, 16384}) {
            fit::EstimateOptions o;
            o.nCtx = ctx;
            o.threads = 4;
            auto split = fit::fitReportForGgufParts(remote->headers(), {}, o, machine());
            QVERIFY2(split.ok(), split.ok() ? "" : split.error().c_str());
            const auto whole = reportFor(**local, ctx);
            compareFitReports(*split, whole, false);
            QCOMPARE(split->rows.front().fileBytes, uint64_t(fileSize));
        }
        // Part 1's header alone is refused by the estimator, not judged on a third of the model.
        QVERIFY(!fit::fitReportForGguf(*remote->gguf, {}, fit::EstimateOptions{}, machine()).ok());
    }

    // A part that 404s fails the whole read (the error names the part); a later part named
    // directly points at the first.
    void splitModelPartErrors() {
        QString error;
        QVERIFY(!fetch(QStringLiteral("hf.co/fit/split-gap-GGUF:F32"), &error));
        QVERIFY2(error.contains("part 2 of 3") && error.contains("not found"), qPrintable(error));
        QVERIFY(!fetch(QStringLiteral("hf:fit/split-GGUF/spm-F32-00002-of-00003.gguf"), &error));
        QVERIFY2(error.contains("is part 2 of a 3-part split model; give its first part"),
                 qPrintable(error));
    }

    void errorsAreClear() {
        QString error;
        QVERIFY(!fetch(QStringLiteral("hf.co/fit/no-such-repo:Q4_K_M"), &error));
        QVERIFY2(error.contains("not found"), qPrintable(error));
        QVERIFY(
            !fetch(hub.apiUrl().toString() + "/fit/tiny-GGUF/resolve/main/missing.gguf", &error));
        QVERIFY2(error.contains("file not found in fit/tiny-GGUF"), qPrintable(error));
        QVERIFY(!fetch(QStringLiteral("hf.co/fit/tiny-GGUF:Q2_K"), &error));
        QVERIFY2(error.contains("no GGUF file matching 'Q2_K'"), qPrintable(error));
        // Not a GGUF: refused after the first bytes, not after the whole range.
        QVERIFY(!fetch(QStringLiteral("hf:fit/tiny-GGUF/junk-Q4_0.gguf"), &error));
        QVERIFY2(error.contains("is not a GGUF file"), qPrintable(error));
        // Plain http off loopback is refused before any connection is made.
        const qsizetype requests = hub.api.log.size() + hub.cdn.log.size();
        QVERIFY(!fetch(QStringLiteral("http://example.com/x.gguf"), &error));
        QVERIFY2(error.contains("refusing plain http"), qPrintable(error));
        settings.hfEndpoint = QUrl(QStringLiteral("http://hub.example.com"));
        QVERIFY(!fetch(QStringLiteral("hf.co/fit/tiny-GGUF:Q8_0"), &error));
        settings.hfEndpoint = hub.apiUrl();
        QVERIFY2(error.contains("refusing plain http"), qPrintable(error));
        QCOMPARE(hub.api.log.size() + hub.cdn.log.size(), requests);
        QVERIFY(!fetch(QStringLiteral("ftp://x/y.gguf"), &error));
        QVERIFY(!error.isEmpty());
    }

    // A CDN that ignores Range and streams the whole file: the reader takes the start it needs
    // and hangs up; with a cap below the header it stops there with a clear error.
    void serverIgnoringRangeIsCut() {
        const qint64 fileSize = QFileInfo(kSpm).size();
        const QString url =
            hub.apiUrl().toString() + "/fit/spm-GGUF/resolve/main/cf-b-llama-spm-F32.gguf";
        hub.cdnBytesPerSecond = 16 * kMiB; // trickled, so hanging up really stops the server
        hub.ignoreRangeOnce = true;
        qint64 before = served();
        QString error;
        auto remote = fetch(url, &error);
        QVERIFY2(remote, qPrintable(error));
        QVERIFY(!hub.ignoreRangeOnce); // the fault was used
        qInfo("Range ignored: %lld bytes served of %lld", served() - before, fileSize);
        QVERIFY(served() - before < fileSize / 4);
        auto local = GgufFile::open(kSpm.toStdString());
        compareFitReports(reportFor(*remote->gguf, 4096), reportFor(**local, 4096), false);

        hub.ignoreRangeOnce = true;
        before = served();
        RemoteHeaderLimits cap;
        cap.firstRangeBytes = 16 * 1024;
        cap.maxHeaderBytes = 64 * 1024;
        QVERIFY(!fetch(url, &error, cap));
        QVERIFY2(error.contains("ignored the range request") && error.contains("stopped"),
                 qPrintable(error));
        QVERIFY(served() - before < fileSize / 4);
        hub.cdnBytesPerSecond = 0;
        hub.ignoreRangeOnce = false;
    }

    // hearth-cli fit URL --json: the same objects as for the local file (the size from the server),
    // for a single file and for a split model.
    void cliFitsAUrlLikeTheFile() {
        auto run = [](const QStringList& args) {
            QProcess p;
            QEventLoop loop;
            connect(&p, &QProcess::finished, &loop, &QEventLoop::quit);
            QTimer::singleShot(30000, &loop, &QEventLoop::quit);
            p.start(QStringLiteral(HEARTH_BINARY_DIR "/app/hearth-cli"), QStringList{"fit"} + args);
            // The mock serves from this thread: wait in its event loop, not in waitForFinished.
            if (p.state() != QProcess::NotRunning) loop.exec();
            if (p.state() != QProcess::NotRunning) {
                p.kill();
                p.waitForFinished();
                return QPair<int, QByteArray>(-1, "timed out");
            }
            return QPair<int, QByteArray>(p.exitCode(),
                                          p.readAllStandardOutput() + p.readAllStandardError());
        };
        const QStringList common{"--json", "--ctx", "4096", "--ram-total", "16G", "--vram", "0"};
        const auto remote =
            run(QStringList{"hf.co/fit/spm-GGUF:F32", "--hf-endpoint", hub.apiUrl().toString()} +
                common);
        const auto local = run(QStringList{kSpm} + common);
        QCOMPARE(local.first, 0);
        QVERIFY2(remote.first == 0, remote.second.constData());
        QCOMPARE(remote.second, local.second);
        const auto bad =
            run(QStringList{"hf.co/fit/spm-GGUF:Q3_K_S", "--hf-endpoint", hub.apiUrl().toString()} +
                common);
        QCOMPARE(bad.first, 1);
        QVERIFY2(bad.second.contains("no GGUF file matching 'Q3_K_S'"), bad.second.constData());
        // A split quant: every part's header; the output is the unsplit file's, byte for byte.
        const auto split =
            run(QStringList{"hf.co/fit/split-GGUF:F32", "--hf-endpoint", hub.apiUrl().toString()} +
                common);
        QVERIFY2(split.first == 0, split.second.constData());
        QCOMPARE(split.second, local.second);
        const auto gap = run(QStringList{"hf:fit/split-gap-GGUF/spm-F32-00001-of-00003.gguf",
                                         "--hf-endpoint", hub.apiUrl().toString()} +
                             common);
        QCOMPARE(gap.first, 1);
        QVERIFY2(gap.second.contains("part 2 of 3") && !gap.second.contains("verdict"),
                 gap.second.constData());
        const auto table = run(
            {"hf.co/fit/split-GGUF:F32", "--hf-endpoint", hub.apiUrl().toString(), "--vram", "0"});
        QCOMPARE(table.first, 0);
        QVERIFY2(table.second.contains("spm-F32-00001-of-00003.gguf and 2 more part(s), headers "
                                       "read with 3 range request(s)"),
                 table.second.constData());
    }
};

QTEST_GUILESS_MAIN(TestFitRemote)
#include "test_fit_remote.moc"
