// Fit of a split model (engine/fit/split_model.h, fitReportForGgufParts): conformance models
// split into 3 parts with splitGguf give the same report as the unsplit file (every row, byte
// totals, verdicts, the merged file's size), from mapped parts and from header-only buffers as a
// remote read holds them; part 1 alone is refused (its tensors are a fraction of the model's) and
// incomplete, reordered, repeated or mixed part sets are errors, not estimates.
#include "engine/fit/fit_report.h"
#include "engine/fit/split_model.h"
#include "engine/gguf/gguf_split.h"
#include "tests/fit/fit_report_compare.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <memory>
#include <set>
#include <string>
#include <vector>

using namespace hearth;

namespace {

const std::string kModels = HEARTH_SHARED_DIR "/conformance/models/";
const std::string kTiny = kModels + "cf-q-llama-tinyvocab/cf-q-llama-tinyvocab-Q4_K_M.gguf";
const std::string kSpm = kModels + "cf-b-llama-spm/cf-b-llama-spm-F32.gguf";
const std::string kPhi3 = kModels + "cf-d-phi3/cf-d-phi3-F32.gguf";

struct OpenParts {
    std::vector<std::unique_ptr<GgufFile>> files;
    std::vector<const GgufFile*> pointers() const {
        std::vector<const GgufFile*> out;
        for (const auto& f : files) out.push_back(f.get());
        return out;
    }
};

// Splits `model` into 3 parts under dir; returns their paths in order.
std::vector<std::string> splitInThree(const std::string& model, const QTemporaryDir& dir,
                                      const std::string& name) {
    auto whole = GgufFile::open(model);
    if (!whole) qFatal("%s", whole.error().c_str());
    const size_t n = (*whole)->tensors().size();
    auto parts =
        splitGguf(model, (n + 2) / 3, dir.filePath(QString::fromStdString(name)).toStdString());
    if (!parts) qFatal("%s", parts.error().c_str());
    if (parts->size() != 3) qFatal("expected 3 parts, got %zu", parts->size());
    return *parts;
}

OpenParts openAll(const std::vector<std::string>& paths) {
    OpenParts out;
    for (const auto& p : paths) {
        auto f = GgufFile::open(p);
        if (!f) qFatal("%s", f.error().c_str());
        out.files.push_back(std::move(f).value());
    }
    return out;
}

// What a remote header read holds: each part's bytes up to its data section, no tensor data.
struct HeaderOnly {
    std::vector<QByteArray> bytes;
    OpenParts parts;
};
std::unique_ptr<HeaderOnly> headersOnly(const std::vector<std::string>& paths) {
    auto out = std::make_unique<HeaderOnly>();
    for (const auto& p : paths) {
        QFile f(QString::fromStdString(p));
        if (!f.open(QIODevice::ReadOnly)) qFatal("cannot read %s", p.c_str());
        const uint64_t dataOffset = (*GgufFile::open(p))->dataOffset();
        out->bytes.push_back(f.read(qint64(dataOffset)));
    }
    for (const QByteArray& b : out->bytes) {
        auto g = GgufFile::parse(reinterpret_cast<const uint8_t*>(b.constData()), size_t(b.size()),
                                 true);
        if (!g) qFatal("%s", g.error().c_str());
        out->parts.files.push_back(std::move(g).value());
    }
    return out;
}

fit::EstimateOptions options(int64_t nCtx) {
    fit::EstimateOptions o;
    o.nCtx = nCtx;
    o.threads = 4;
    return o;
}

// Machines on which a small model lands on each verdict: roomy, GPU, too small.
std::vector<fit::MachineMemory> machines() {
    return {{16ull << 30, 12ull << 30, 0, ""},
            {16ull << 30, 12ull << 30, 8ull << 30, "test GPU"},
            {256ull << 20, 200ull << 20, 0, ""},
            {64ull << 20, 40ull << 20, 0, ""}};
}

} // namespace

class TestFitSplit : public QObject {
    Q_OBJECT
    QTemporaryDir dir_;

private slots:
    void splitEqualsUnsplit_data() {
        QTest::addColumn<QString>("model");
        QTest::newRow("llama Q4_K_M") << QString::fromStdString(kTiny);
        QTest::newRow("llama spm F32") << QString::fromStdString(kSpm);
        QTest::newRow("phi3 F32") << QString::fromStdString(kPhi3);
    }
    void splitEqualsUnsplit() {
        QFETCH(QString, model);
        QVERIFY(dir_.isValid());
        const std::string path = model.toStdString();
        const auto paths =
            splitInThree(path, dir_, QFileInfo(model).completeBaseName().toStdString());
        auto whole = GgufFile::open(path);
        QVERIFY(whole.ok());
        const OpenParts mapped = openAll(paths);
        const auto remote = headersOnly(paths);
        const std::vector<const OpenParts*> sources{&mapped, &remote->parts};

        // The merged file as the store keeps it: the original's header and size.
        for (const OpenParts* parts : sources) {
            auto layout = fit::splitModelLayout(parts->pointers());
            QVERIFY2(layout.ok(), layout.ok() ? "" : layout.error().c_str());
            QCOMPARE(layout->headerBytes, (*whole)->dataOffset());
            QCOMPARE(layout->fileBytes, (*whole)->fileSize());
            QCOMPARE(layout->tensorSlots.size(), (*whole)->tensors().size());
        }
        // Part 1 holds about a third of the tensors: an estimate from it alone would be far low.
        QVERIFY(mapped.files.front()->tensors().size() * 2 < (*whole)->tensors().size());

        std::set<int> verdicts; // of the file rows, so the comparisons span outcomes
        for (const auto& machine : machines())
            for (int64_t ctx : {int64_t(512), int64_t(4096)}) {
                auto expected = fit::fitReportForGguf(**whole, {}, options(ctx), machine);
                QVERIFY(expected.ok());
                for (const OpenParts* parts : sources) {
                    auto got =
                        fit::fitReportForGgufParts(parts->pointers(), {}, options(ctx), machine);
                    QVERIFY2(got.ok(), got.ok() ? "" : got.error().c_str());
                    compareFitReports(*got, *expected, true);
                }
                verdicts.insert(int(expected->rows.front().fit.verdict));
            }
        QVERIFY2(verdicts.size() >= 3, "the machines should reach several verdicts");
        // A single unsplit file through the parts entry point is the file's own report.
        auto single =
            fit::fitReportForGgufParts({whole->get()}, {"Q8_0"}, options(1024), machines().front());
        auto direct = fit::fitReportForGguf(**whole, {"Q8_0"}, options(1024), machines().front());
        QVERIFY(single.ok() && direct.ok());
        compareFitReports(*single, *direct, true);
    }

    // Part 1 alone must never give a verdict: its tensor table lists a third of the model.
    void firstPartAloneIsRefused() {
        const auto paths = splitInThree(kTiny, dir_, "alone");
        const OpenParts parts = openAll(paths);
        QVERIFY(fit::isSplitPart(*parts.files.front()));
        auto r = fit::fitReportForGguf(*parts.files.front(), {}, options(1024), machines().front());
        QVERIFY(!r.ok());
        QVERIFY2(r.error().find("one part of a split model (3 parts)") != std::string::npos,
                 r.error().c_str());
        auto one = fit::fitReportForGgufParts({parts.files.front().get()}, {}, options(1024),
                                              machines().front());
        QVERIFY(!one.ok());
        QVERIFY2(one.error().find("3 parts, but 1 were read") != std::string::npos,
                 one.error().c_str());
    }

    void badPartSetsAreErrors() {
        const OpenParts tiny = openAll(splitInThree(kTiny, dir_, "bad-tiny"));
        const OpenParts spm = openAll(splitInThree(kSpm, dir_, "bad-spm"));
        auto whole = GgufFile::open(kTiny);
        QVERIFY(whole.ok());
        const GgufFile* p1 = tiny.files[0].get();
        const GgufFile* p2 = tiny.files[1].get();
        const GgufFile* p3 = tiny.files[2].get();
        struct Case {
            const char* name;
            std::vector<const GgufFile*> parts;
            const char* error;
        };
        const std::vector<Case> cases = {
            {"none", {}, "at least one part"},
            {"missing part", {p1, p3}, "3 parts, but 2 were read"},
            {"null part", {p1, nullptr, p3}, "part 2 of 3 is missing"},
            {"out of order", {p1, p3, p2}, "part 2 of 3 is split.no 2, expected 1"},
            {"repeated part", {p1, p2, p2}, "part 3 of 3 is split.no 1, expected 2"},
            {"not a split part", {p1, whole->get(), p3}, "part 2 of 3 is not part of a split"},
            {"parts of another model", {p1, spm.files[1].get(), p3}, "tensors, part 1 says"},
        };
        for (const Case& c : cases) {
            auto r = fit::fitReportForGgufParts(c.parts, {}, options(1024), machines().front());
            QVERIFY2(!r.ok(), c.name);
            QVERIFY2(r.error().find(c.error) != std::string::npos,
                     (std::string(c.name) + ": " + r.error()).c_str());
        }
    }
};

QTEST_GUILESS_MAIN(TestFitSplit)
#include "test_fit_split.moc"
