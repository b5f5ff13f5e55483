// The model store on temporary directories: Ollama name rules, manifests (unknown layers kept),
// import (blob digest checked against the conformance manifest's sha256), list, resolve,
// verify, delete with garbage collection of shared blobs, missing blobs, linked folders, a
// read-only store, and split GGUFs imported from their first part.
#include "engine/core/json.h"
#include "engine/gguf/gguf_file.h"
#include "engine/gguf/gguf_split.h"
#include "engine/gguf/gguf_writer.h"
#include "engine/store/atomic_file.h"
#include "engine/store/manifest.h"
#include "engine/store/model_name.h"
#include "engine/store/model_store.h"
#include "engine/store/sha256.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace hearth;

namespace {

const QString kModels = QStringLiteral(HEARTH_SHARED_DIR "/conformance/models");
const QString kQ4 =
    kModels + QStringLiteral("/cf-q-llama-tinyvocab/cf-q-llama-tinyvocab-Q4_K_M.gguf");
const QString kStories = kModels + QStringLiteral("/stories260K/stories260K.gguf");

// The sha256 the reference tooling recorded for a conformance file.
QString manifestSha(const QString& fileName) {
    QFile f(kModels + QStringLiteral("/manifest.json"));
    if (!f.open(QIODevice::ReadOnly)) return {};
    for (const QJsonValue& v : QJsonDocument::fromJson(f.readAll()).array())
        if (v.toObject().value(QStringLiteral("file")).toString() == fileName)
            return v.toObject().value(QStringLiteral("sha256")).toString();
    return {};
}

QStringList blobNames(const QString& root) {
    return QDir(root + QStringLiteral("/blobs"))
        .entryList({QStringLiteral("sha256-*")}, QDir::Files);
}

bool writeText(const QString& path, const QByteArray& text) {
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(text) == text.size();
}

// A blob written the way Ollama does; returns its "sha256:<hex>" digest.
QString putBlob(const QString& root, const QByteArray& bytes) {
    const std::string hex = sha256Hex(std::string_view(bytes.constData(), size_t(bytes.size())));
    writeText(root + QStringLiteral("/blobs/sha256-") + QString::fromStdString(hex), bytes);
    return QStringLiteral("sha256:") + QString::fromStdString(hex);
}

void chmodTree(const QString& root, mode_t dirMode, mode_t fileMode) {
    QDirIterator it(root, QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden,
                    QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString p = it.next();
        ::chmod(p.toLocal8Bit().constData(), QFileInfo(p).isDir() ? dirMode : fileMode);
    }
    ::chmod(root.toLocal8Bit().constData(), dirMode);
}

// Runs fn as an unprivileged user when we are root (root ignores permission bits), else directly.
std::string asUnprivileged(const std::function<std::string()>& fn) {
    if (::geteuid() != 0) return fn();
    int pipefd[2];
    if (::pipe(pipefd) != 0) return "pipe failed";
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::close(pipefd[0]);
        std::string out = (::setgid(65534) == 0 && ::setuid(65534) == 0) ? fn() : "setuid failed";
        [[maybe_unused]] ssize_t w = ::write(pipefd[1], out.data(), out.size());
        ::_exit(0);
    }
    ::close(pipefd[1]);
    std::string out;
    char buf[4096];
    ssize_t n;
    while ((n = ::read(pipefd[0], buf, sizeof buf)) > 0) out.append(buf, size_t(n));
    ::close(pipefd[0]);
    ::waitpid(pid, nullptr, 0);
    return out;
}

ImportOptions named(const std::string& name, bool hardLink = true) {
    ImportOptions o;
    o.name = name;
    o.allowHardLink = hardLink;
    return o;
}

struct NameCase {
    const char* in;
    const char* full;
    const char* shortest;
};

// Every file and folder under root (hidden ones too), relative: what a failed import must leave.
QStringList entriesUnder(const QString& root) {
    QStringList out;
    QDirIterator it(root, QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden | QDir::System,
                    QDirIterator::Subdirectories);
    while (it.hasNext()) out << QDir(root).relativeFilePath(it.next());
    out.sort();
    return out;
}

QByteArray readAll(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

ImportOptions noLink() {
    ImportOptions o;
    o.allowHardLink = false;
    return o;
}

} // namespace

class TestModelStore : public QObject {
    Q_OBJECT

private slots:
    void nameParsing() {
        const NameCase good[] = {
            {"llama3.2", "registry.ollama.ai/library/llama3.2:latest", "llama3.2:latest"},
            {"llama3.2:1b", "registry.ollama.ai/library/llama3.2:1b", "llama3.2:1b"},
            {"user/m:q4", "registry.ollama.ai/user/m:q4", "user/m:q4"},
            {"hf.co/bartowski/Llama-3.2-1B-Instruct-GGUF:Q4_K_M",
             "hf.co/bartowski/Llama-3.2-1B-Instruct-GGUF:Q4_K_M",
             "hf.co/bartowski/Llama-3.2-1B-Instruct-GGUF:Q4_K_M"},
            {"localhost:5000/ns/m", "localhost:5000/ns/m:latest", "localhost:5000/ns/m:latest"},
            {"https://example.com/ns/m:v1", "example.com/ns/m:v1", "example.com/ns/m:v1"},
            {"_x/y_:z_", "registry.ollama.ai/_x/y_:z_", "_x/y_:z_"},
        };
        for (const NameCase& c : good) {
            auto n = ModelName::parse(c.in);
            QVERIFY2(n.ok(), n.ok() ? c.in : n.error().c_str());
            QCOMPARE(n->full(), std::string(c.full));
            QCOMPARE(n->displayShortest(), std::string(c.shortest));
        }
        QCOMPARE(ModelName::parse("llama3.2")->manifestRelPath(),
                 std::string("manifests/registry.ollama.ai/library/llama3.2/latest"));
        const char* bad[] = {"",       "ns/",     "/m",       "m:",      "a/b/c/d/e", "-m",  "m:-t",
                             "ns.x/m", "m/x:t/y", "bad name", "m:t@sha", "..",        "a//b"};
        for (const char* b : bad) {
            auto n = ModelName::parse(b);
            QVERIFY2(!n.ok(), b);
            QVERIFY2(n.error().find("invalid model name") != std::string::npos, n.error().c_str());
        }
        QVERIFY(ModelName::parse(std::string(81, 'm')).error().find("longer than 80") !=
                std::string::npos);
        QVERIFY(ModelName::parse("Foo:Latest")->equalFold(*ModelName::parse("foo:latest")));
        QVERIFY(!ModelName::parse("foo:1")->equalFold(*ModelName::parse("foo:2")));
    }

    void json() {
        auto j = Json::parse(
            R"( {"a":[1,-2.5e3,true,null,"x\u00e9\ud83d\ude00\n"],"b":{},"a2":9223372036854775807} )");
        QVERIFY(j.ok());
        QCOMPARE((*j)["a"].items()[1].asDouble(), -2500.0);
        QCOMPARE((*j)["a"].items()[4].asString(), std::string("x\xc3\xa9\xf0\x9f\x98\x80\n"));
        QCOMPARE((*j)["a2"].asInt(), int64_t(9223372036854775807));
        QCOMPARE(
            j->dump(),
            std::string(R"({"a":[1,-2500,true,null,"xé😀\n"],"b":{},"a2":9223372036854775807})"));
        Json o = Json::object();
        o.set("t", "<a&b>");
        o.set("f", 0.1);
        QCOMPARE(o.dump(), std::string(R"({"t":"\u003ca\u0026b\u003e","f":0.1})"));
        for (const char* bad :
             {"", "{", "[1,]", "{\"a\" 1}", "\"\\x\"", "01x", "tru", "[1] 2", "\"a\nb\""}) {
            auto r = Json::parse(bad);
            QVERIFY2(!r.ok(), bad);
            QVERIFY(r.error().find("at byte") != std::string::npos);
        }
        QVERIFY(!Json::parse(std::string(100000, '[')).ok()); // nesting limit, no stack overflow
    }

    void manifestKeepsUnknownLayersAndFields() {
        std::string text =
            R"({"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","config":{"mediaType":"application/vnd.docker.container.image.v1+json","digest":"sha256:A","size":483},"layers":[{"mediaType":"application/vnd.ollama.image.model","digest":"sha256:B","size":1678447520,"from":"/x/y"},{"mediaType":"application/vnd.example.future","digest":"sha256:C","size":5,"extra":{"k":[1]}}],"annotations":{"z":"1"}})";
        for (char c : {'A', 'B', 'C'}) {
            const size_t at = text.find(std::string("sha256:") + c);
            text.replace(at + 7, 1, std::string(64, char(c + 32)));
        }
        auto m = Manifest::parse(text);
        QVERIFY2(m.ok(), m.ok() ? "" : m.error().c_str());
        QCOMPARE(m->layers.size(), size_t(2));
        QCOMPARE(m->totalSize(), uint64_t(483 + 1678447520ull + 5));
        QCOMPARE(m->layers[1].mediaType, std::string("application/vnd.example.future"));
        QCOMPARE(m->serialize(), text + "\n"); // same bytes back, Go's trailing newline added
        QCOMPARE(m->digests().size(), size_t(3));
        QVERIFY(!Manifest::parse("{}").ok());
        QVERIFY(!Manifest::parse(R"({"schemaVersion":1,"config":{},"layers":[]})").ok());
        auto badDigest = Manifest::parse(
            R"({"schemaVersion":2,"config":{"digest":"sha256:zz","size":1},"layers":[]})");
        QVERIFY(!badDigest.ok() && badDigest.error().find("invalid digest") != std::string::npos);
        QVERIFY(isValidDigest("sha256-" + std::string(64, 'F')));
        QVERIFY(!isValidDigest("sha256:" + std::string(63, 'a')));
        QVERIFY(!isValidDigest("md5:" + std::string(64, 'a')));
    }

    void defaultRoot() {
        const QByteArray saved = qgetenv("OLLAMA_MODELS");
        qputenv("OLLAMA_MODELS", "/srv/models");
        QCOMPARE(ModelStore::defaultRoot(), std::string("/srv/models"));
        qunsetenv("OLLAMA_MODELS");
        QCOMPARE(ModelStore::defaultRoot(),
                 qEnvironmentVariable("HOME").toStdString() + "/.ollama/models");
        if (!saved.isEmpty()) qputenv("OLLAMA_MODELS", saved);
    }

    void importListResolve() {
        QTemporaryDir tmp;
        const QString root = tmp.filePath(QStringLiteral("models"));
        ModelStore store(root.toStdString());
        QVERIFY(store.list()->empty()); // a store that does not exist yet is empty, not an error

        int calls = 0;
        uint64_t last = 0, lastTotal = 0;
        auto name = store.importGguf(kQ4.toStdString(), {}, [&](uint64_t done, uint64_t total) {
            ++calls;
            if (done < last) return false; // progress never goes back
            last = done;
            lastTotal = total;
            return true;
        });
        QVERIFY2(name.ok(), name.ok() ? "" : name.error().c_str());
        QCOMPARE(name->displayShortest(), std::string("cf-q-llama-tinyvocab-Q4_K_M:latest"));
        QVERIFY(calls > 0 && last == lastTotal);
        // The blob is named by the digest the reference tooling recorded for this file.
        const QString sha = manifestSha(QStringLiteral("cf-q-llama-tinyvocab-Q4_K_M.gguf"));
        QVERIFY(!sha.isEmpty());
        QVERIFY(QFile::exists(root + QStringLiteral("/blobs/sha256-") + sha));
        QVERIFY(QFile::exists(
            root +
            QStringLiteral(
                "/manifests/registry.ollama.ai/library/cf-q-llama-tinyvocab-Q4_K_M/latest")));
        QCOMPARE(blobNames(root).size(), 2); // model + config

        auto entries = store.list();
        QVERIFY(entries.ok());
        QCOMPARE(entries->size(), size_t(1));
        const StoreEntry& e = entries->front();
        QVERIFY(e.problems.empty());
        QCOMPARE(e.displayName, std::string("cf-q-llama-tinyvocab-Q4_K_M:latest"));
        QVERIFY(e.summary.has_value());
        QCOMPARE(e.summary->typeMix, std::string("Q4_K_M: 13 tensors Q4_K, 3 Q6_K, 5 F32"));
        QVERIFY(e.size > uint64_t(QFileInfo(kQ4).size())); // model + config
        QVERIFY(e.modifiedTime > 0);
        QFile mf(QString::fromStdString(e.manifestPath));
        QVERIFY(mf.open(QIODevice::ReadOnly));
        const QByteArray manifestBytes = mf.readAll();
        QCOMPARE(e.manifestDigest, sha256Hex(manifestBytes.toStdString()));
        QVERIFY(manifestBytes.endsWith("}\n"));

        // The config blob carries what Ollama's /api/tags shows.
        auto m = Manifest::parse(manifestBytes.toStdString());
        QVERIFY(m.ok());
        QCOMPARE(m->layers[0].digest, "sha256:" + sha.toStdString());
        auto config = readSmallFile(store.blobPath(m->config.digest));
        QVERIFY(config.ok());
        auto cj = Json::parse(*config);
        QVERIFY(cj.ok());
        QCOMPARE((*cj)["model_format"].asString(), std::string("gguf"));
        QCOMPARE((*cj)["model_family"].asString(), std::string("llama"));
        QCOMPARE((*cj)["file_type"].asString(), std::string("Q4_K_M"));
        QCOMPARE((*cj)["model_type"].asString(), formatParameterCount(e.summary->parameterCount));
        QCOMPARE((*cj)["rootfs"]["diff_ids"].items()[0].asString(), m->layers[0].digest);
        QCOMPARE(m->config.size, uint64_t(config->size()));

        // Resolve: exact, case-insensitive, full name; a path; unknown names.
        for (const char* n : {"cf-q-llama-tinyvocab-Q4_K_M", "CF-Q-LLAMA-TINYVOCAB-q4_k_m:LATEST",
                              "registry.ollama.ai/library/cf-q-llama-tinyvocab-Q4_K_M:latest"}) {
            auto r = store.resolve(n);
            QVERIFY2(r.ok(), n);
            QCOMPARE(r->modelPath, store.blobPath("sha256:" + sha.toStdString()));
            QVERIFY(r->missingBlobs.empty());
            QVERIFY(GgufFile::open(r->modelPath).ok());
        }
        auto byPath = store.resolve(kStories.toStdString());
        QVERIFY(byPath.ok() && byPath->linked && byPath->modelPath == kStories.toStdString());
        auto unknown = store.resolve("nope");
        QVERIFY(!unknown.ok() && unknown.error().find("not found") != std::string::npos);
        QVERIFY(!store.resolve("bad name!").ok());
        auto noFile = store.resolve("/nonexistent/x.gguf");
        QVERIFY(!noFile.ok() && noFile.error().find("does not exist") != std::string::npos);

        // Importing something that is not a GGUF fails before touching the store.
        const QString junk = tmp.filePath(QStringLiteral("junk.gguf"));
        QVERIFY(writeText(junk, "not a model"));
        auto bad = store.importGguf(junk.toStdString());
        QVERIFY(!bad.ok() && bad.error().find("not a GGUF") != std::string::npos);
        QVERIFY(!store.importGguf(kQ4.toStdString(), named("bad name")).ok());
    }

    void importLayersAndHardLink() {
        QTemporaryDir tmp;
        const QString root = tmp.filePath(QStringLiteral("models"));
        const QString local = tmp.filePath(QStringLiteral("Stories 260K.gguf"));
        QVERIFY(QFile::copy(kStories, local));
        ModelStore store(root.toStdString());
        ImportOptions opts;
        opts.templateText = "{{ .Prompt }}";
        opts.systemText = "Be brief.";
        opts.paramsJson = R"({"stop":["</s>"]})";
        opts.license = "MIT";
        auto name = store.importGguf(local.toStdString(), opts);
        QVERIFY2(name.ok(), name.ok() ? "" : name.error().c_str());
        QCOMPARE(name->model, std::string("Stories-260K")); // the space is not allowed in names
        auto r = store.resolve("stories-260k");
        QVERIFY(r.ok());
        QCOMPARE(*r->templateText, std::string("{{ .Prompt }}"));
        QCOMPARE(*r->systemText, std::string("Be brief."));
        QCOMPARE(*r->paramsJson, std::string(R"({"stop":["</s>"]})"));
        QCOMPARE(r->licenses, std::vector<std::string>{"MIT"});
        // Same filesystem: the blob is a hard link to the file, not a copy.
        struct stat a {
        }, b{};
        QCOMPARE(::stat(local.toLocal8Bit().constData(), &a), 0);
        QCOMPARE(::stat(r->modelPath.c_str(), &b), 0);
        QCOMPARE(a.st_ino, b.st_ino);
        // With links disallowed it is copied (different inode, same bytes).
        ModelStore other(tmp.filePath(QStringLiteral("other")).toStdString());
        auto copied = other.importGguf(local.toStdString(), noLink());
        QVERIFY(copied.ok());
        auto rc = other.resolve(copied->full());
        QVERIFY(rc.ok());
        QCOMPARE(::stat(rc->modelPath.c_str(), &b), 0);
        QVERIFY(a.st_ino != b.st_ino);
        QCOMPARE(*sha256File(rc->modelPath), *sha256File(local.toStdString()));
    }

    // The first part of a 3-part split imports the whole model: the blob is the unsplit original
    // byte for byte (the merge drops the split.* keys), under the parts' prefix, with no temp
    // files left and the parts untouched.
    void importSplitFirstPart() {
        QTemporaryDir tmp;
        const QString root = tmp.filePath(QStringLiteral("models"));
        auto parts = splitGguf(kQ4.toStdString(), 8,
                               tmp.filePath(QStringLiteral("tiny-Q4_K_M")).toStdString());
        QVERIFY2(parts.ok(), parts.ok() ? "" : parts.error().c_str());
        QCOMPARE(parts->size(), size_t(3));
        ModelStore store(root.toStdString());
        uint64_t last = 0, lastTotal = 0;
        bool backwards = false;
        auto name = store.importGguf((*parts)[0], noLink(), [&](uint64_t done, uint64_t total) {
            backwards = backwards || done < last || (lastTotal && total != lastTotal);
            last = done;
            lastTotal = total;
            return true;
        });
        QVERIFY2(name.ok(), name.ok() ? "" : name.error().c_str());
        QCOMPARE(name->displayShortest(), std::string("tiny-Q4_K_M:latest"));
        QVERIFY(!backwards);
        QVERIFY(lastTotal > 0 && last == lastTotal);

        auto r = store.resolve("tiny-Q4_K_M");
        QVERIFY(r.ok());
        QVERIFY(readAll(QString::fromStdString(r->modelPath)) == readAll(kQ4));
        const QString sha = manifestSha(QStringLiteral("cf-q-llama-tinyvocab-Q4_K_M.gguf"));
        QCOMPARE(QString::fromStdString(r->modelPath),
                 root + QStringLiteral("/blobs/sha256-") + sha);
        QVERIFY(store.verify("tiny-Q4_K_M")->ok());
        auto listed = store.list();
        QVERIFY(listed.ok() && listed->size() == 1 && listed->front().summary.has_value());
        QCOMPARE(listed->front().summary->typeMix,
                 std::string("Q4_K_M: 13 tensors Q4_K, 3 Q6_K, 5 F32"));
        QCOMPARE(QDir(root).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden),
                 QStringList({"blobs", "manifests"}));
        QCOMPARE(blobNames(root).size(), 2); // model + config, no temp files
        QCOMPARE(QDir(root + QStringLiteral("/blobs")).entryList(QDir::Files | QDir::Hidden).size(),
                 2);
        for (const std::string& p : *parts) QVERIFY(QFile::exists(QString::fromStdString(p)));

        // A name given by the caller wins over the prefix; the blob is shared.
        QVERIFY(store.importGguf((*parts)[0], named("user/split:v2")).ok());
        QCOMPARE(store.resolve("user/split:v2")->modelPath, r->modelPath);
        QCOMPARE(blobNames(root).size(), 2);
    }

    // Later parts, missing or broken parts, a renamed first part and a cancelled import are
    // refused with the reason and leave the store as it was.
    void importSplitRefusals() {
        QTemporaryDir tmp;
        const QString root = tmp.filePath(QStringLiteral("models"));
        const QString prefix = tmp.filePath(QStringLiteral("tiny"));
        auto parts = splitGguf(kQ4.toStdString(), 8, prefix.toStdString());
        QVERIFY(parts.ok() && parts->size() == 3);
        ModelStore store(root.toStdString());
        auto expectRefused = [&](const std::string& file, const QStringList& words,
                                 const ProgressFn& progress = {}) {
            const QStringList before = entriesUnder(root);
            auto r = store.importGguf(file, {}, progress);
            if (r.ok()) return QStringLiteral("imported ") + QString::fromStdString(file);
            const QString error = QString::fromStdString(r.error());
            for (const QString& w : words)
                if (!error.contains(w)) return QStringLiteral("'") + w + "' not in: " + error;
            if (entriesUnder(root) != before)
                return QStringLiteral("store changed: ") + entriesUnder(root).join(' ');
            return QString();
        };
        auto check = [](const QString& problem) { return problem.isEmpty(); };

        // Nothing at all is written for these: the store does not even get created.
        QString p = expectRefused(
            (*parts)[1], {"part 2 of 3", "import its first part", "tiny-00001-of-00003.gguf"});
        QVERIFY2(check(p), qPrintable(p));
        p = expectRefused((*parts)[2], {"part 3 of 3", "import its first part"});
        QVERIFY2(check(p), qPrintable(p));
        {
            // A header whose split.no is past split.count.
            auto second = GgufFile::open((*parts)[1]);
            QVERIFY(second.ok());
            GgufWriter w;
            w.copyMetadata(**second);
            w.setU16("split.no", 7);
            QVERIFY(w.copyTensors(**second).ok());
            const std::string odd = tmp.filePath(QStringLiteral("odd.gguf")).toStdString();
            QVERIFY(w.writeFile(odd).ok());
            p = expectRefused(odd, {"split.no 7 is out of range"});
            QVERIFY2(check(p), qPrintable(p));
        }
        const QString third = QString::fromStdString((*parts)[2]);
        const QString away = tmp.filePath(QStringLiteral("away.gguf"));
        QVERIFY(QFile::rename(third, away));
        p = expectRefused((*parts)[0], {"part 3 of 3", third, "is missing"});
        QVERIFY2(check(p), qPrintable(p));
        QVERIFY(!QFileInfo::exists(root));
        const QString renamed = tmp.filePath(QStringLiteral("renamed.gguf"));
        QVERIFY(QFile::copy(QString::fromStdString((*parts)[0]), renamed));
        p = expectRefused(renamed.toStdString(),
                          {"first of 3 parts", "-00001-of-00003.gguf", "cannot be found"});
        QVERIFY2(check(p), qPrintable(p));

        // With a model in the store: a broken part fails in the merge, a cancel after it; both
        // leave exactly what was there (no temp folder, no half blob).
        QVERIFY(store.importGguf(kStories.toStdString(), named("stories")).ok());
        QFile cut(third);
        const QByteArray bytes = readAll(away);
        QVERIFY(cut.open(QIODevice::WriteOnly));
        QVERIFY(cut.write(bytes.left(bytes.size() - 100)) == bytes.size() - 100);
        cut.close();
        p = expectRefused((*parts)[0], {"part 3 of 3", third});
        QVERIFY2(check(p), qPrintable(p));
        QVERIFY(QFile::remove(third));
        QVERIFY(QFile::rename(away, third));
        for (int stopAt : {1, 2, 3}) {
            int calls = 0;
            p = expectRefused((*parts)[0], {"cancelled"},
                              [&](uint64_t, uint64_t) { return ++calls < stopAt; });
            QVERIFY2(check(p), qPrintable(QString::number(stopAt) + ": " + p));
        }
        QCOMPARE(store.list()->size(), size_t(1));
        QVERIFY(store.importGguf((*parts)[0]).ok()); // the set itself was fine all along
    }

    void sharedBlobsAndGarbageCollection() {
        QTemporaryDir tmp;
        const QString root = tmp.filePath(QStringLiteral("models"));
        ModelStore store(root.toStdString());
        QVERIFY(store.importGguf(kQ4.toStdString(), named("first")).ok());
        QVERIFY(store.importGguf(kQ4.toStdString(), named("user/second:v1")).ok());
        QVERIFY(store.importGguf(kStories.toStdString(), named("stories")).ok());
        QCOMPARE(store.list()->size(), size_t(3));
        QCOMPARE(blobNames(root).size(), 4); // one shared Q4 blob + its config, stories + config

        auto r1 = store.remove("first");
        QVERIFY2(r1.ok(), r1.ok() ? "" : r1.error().c_str());
        QVERIFY(r1->removedBlobs.empty()); // both blobs are still used by user/second:v1
        QCOMPARE(r1->keptBlobs.size(), size_t(2));
        QVERIFY(
            !QFile::exists(root + QStringLiteral("/manifests/registry.ollama.ai/library/first")));
        QVERIFY(QDir(root + QStringLiteral("/manifests/registry.ollama.ai/library"))
                    .exists()); // stories
        QCOMPARE(blobNames(root).size(), 4);
        QVERIFY(store.resolve("user/second:v1").ok());

        auto r2 = store.remove("user/second:v1");
        QVERIFY(r2.ok());
        QCOMPARE(r2->removedBlobs.size(), size_t(2));
        QVERIFY(
            !QDir(root + QStringLiteral("/manifests/registry.ollama.ai/user")).exists()); // pruned
        QCOMPARE(blobNames(root).size(), 2);
        QVERIFY(store.resolve("stories").ok());
        QVERIFY(GgufFile::open(store.resolve("stories")->modelPath).ok());

        auto again = store.remove("first");
        QVERIFY(!again.ok() && again.error().find("not found") != std::string::npos);
        QVERIFY(store.remove("stories").ok());
        QCOMPARE(blobNames(root).size(), 0);
        QVERIFY(store.list()->empty());
    }

    void unreadableManifestBlocksCollection() {
        QTemporaryDir tmp;
        const QString root = tmp.filePath(QStringLiteral("models"));
        ModelStore store(root.toStdString());
        QVERIFY(store.importGguf(kStories.toStdString(), named("a")).ok());
        QVERIFY(
            writeText(root + QStringLiteral("/manifests/registry.ollama.ai/library/broken/latest"),
                      "{not json"));
        auto entries = store.list();
        QVERIFY(entries.ok());
        QCOMPARE(entries->size(), size_t(2)); // the broken one is listed with its problem
        bool sawBroken = false;
        for (const StoreEntry& e : *entries)
            if (e.displayName == "broken:latest") sawBroken = !e.problems.empty();
        QVERIFY(sawBroken);
        auto r = store.remove("a");
        QVERIFY(r.ok());
        QVERIFY(r->removedBlobs.empty());
        QVERIFY(!r->warnings.empty());
        QCOMPARE(blobNames(root).size(), 2); // nothing collected while a manifest is unreadable
    }

    void missingBlobIsReportedNotFatal() {
        QTemporaryDir tmp;
        const QString root = tmp.filePath(QStringLiteral("models"));
        ModelStore store(root.toStdString());
        auto name = store.importGguf(kStories.toStdString(), named("m"));
        QVERIFY(name.ok());
        const std::string modelBlob = store.resolve("m")->modelPath;
        QVERIFY(QFile::remove(QString::fromStdString(modelBlob)));
        auto entries = store.list();
        QVERIFY(entries.ok());
        QCOMPARE(entries->size(), size_t(1));
        QVERIFY(!entries->front().problems.empty());
        QVERIFY(entries->front().problems[0].find("missing") != std::string::npos);
        QVERIFY(!entries->front().summary.has_value());
        auto r = store.resolve("m");
        QVERIFY(r.ok());
        QCOMPARE(r->missingBlobs.size(), size_t(1));
        auto v = store.verify("m");
        QVERIFY(v.ok());
        QVERIFY(!v->ok());
        int missing = 0;
        for (const BlobCheck& b : v->blobs) missing += b.problem == "missing";
        QCOMPARE(missing, 1);
        QVERIFY(store.remove("m").ok()); // deleting still works
    }

    void verifyDetectsCorruption() {
        QTemporaryDir tmp;
        const QString root = tmp.filePath(QStringLiteral("models"));
        ModelStore store(root.toStdString());
        QVERIFY(store.importGguf(kStories.toStdString(), named("m", false)).ok());
        uint64_t last = 0, total = 0;
        auto good = store.verify("m", [&](uint64_t d, uint64_t t) {
            last = d;
            total = t;
            return true;
        });
        QVERIFY(good.ok());
        QVERIFY(good->ok());
        QCOMPARE(good->blobs.size(), size_t(2));
        QVERIFY(total > 0 && last == total);
        auto cancelled = store.verify("m", [](uint64_t, uint64_t) { return false; });
        QVERIFY(!cancelled.ok());

        const QString blob = QString::fromStdString(store.resolve("m")->modelPath);
        QFile f(blob);
        QVERIFY(f.open(QIODevice::ReadWrite));
        f.seek(f.size() - 1);
        char c = 0;
        f.getChar(&c);
        f.seek(f.size() - 1);
        f.putChar(char(c ^ 1));
        f.close();
        auto flipped = store.verify("m");
        QVERIFY(flipped.ok() && !flipped->ok());
        QVERIFY(flipped->blobs[1].problem.find("sha256 mismatch") != std::string::npos);
        QVERIFY(f.resize(10));
        auto cut = store.verify("m");
        QVERIFY(cut.ok() && !cut->ok());
        QVERIFY(cut->blobs[1].problem.find("size 10") != std::string::npos);
        QVERIFY(!store.verify("absent").ok());
    }

    void readsAnOllamaStore() {
        // A store laid out by hand exactly as Ollama writes it, with every small layer type and
        // one layer type from the future.
        QTemporaryDir tmp;
        const QString root = tmp.filePath(QStringLiteral("ollama"));
        QFile src(kStories);
        QVERIFY(src.open(QIODevice::ReadOnly));
        auto layer = [&](const char* type, const QByteArray& bytes) {
            return QStringLiteral(R"({"mediaType":"%1","digest":"%2","size":%3})")
                .arg(QLatin1String(type), putBlob(root, bytes))
                .arg(bytes.size());
        };
        const QString manifest =
            QStringLiteral(
                R"({"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","config":%1,"layers":[%2,%3,%4,%5,%6,%7]})")
                .arg(
                    layer(
                        "application/vnd.docker.container.image.v1+json",
                        R"({"model_format":"gguf","model_family":"llama","architecture":"amd64","os":"linux"})"),
                    layer("application/vnd.ollama.image.model", src.readAll()),
                    layer("application/vnd.ollama.image.template", "{{ .System }} {{ .Prompt }}"),
                    layer("application/vnd.ollama.image.params", R"({"temperature":0.5})"),
                    layer("application/vnd.ollama.image.license", "License A"),
                    layer("application/vnd.ollama.image.license", "License B"),
                    layer("application/vnd.example.future", "future"));
        QVERIFY(writeText(root + QStringLiteral("/manifests/hf.co/someone/Stories-GGUF/Q8_0"),
                          manifest.toUtf8()));
        // Things Ollama's listing ignores: wrong depth, temp files, non-digest blobs.
        QVERIFY(writeText(root + QStringLiteral("/manifests/registry.ollama.ai/library/x"), "{}"));
        QVERIFY(writeText(
            root + QStringLiteral("/manifests/registry.ollama.ai/library/y/.latest.tmp-abc"),
            "{}"));
        QVERIFY(writeText(root + QStringLiteral("/blobs/sha256-abc-partial"), "x"));

        ModelStore store(root.toStdString());
        auto entries = store.list();
        QVERIFY(entries.ok());
        QCOMPARE(entries->size(), size_t(1));
        QCOMPARE(entries->front().displayName, std::string("hf.co/someone/Stories-GGUF:Q8_0"));
        QVERIFY2(entries->front().problems.empty(),
                 entries->front().problems.empty() ? "" : entries->front().problems[0].c_str());
        QCOMPARE(entries->front().summary->parameterCount,
                 summarizeModel(**GgufFile::open(kStories.toStdString())).parameterCount);
        auto r = store.resolve("hf.co/someone/stories-gguf:q8_0");
        QVERIFY(r.ok());
        QCOMPARE(*r->templateText, std::string("{{ .System }} {{ .Prompt }}"));
        QCOMPARE(*r->paramsJson, std::string(R"({"temperature":0.5})"));
        QCOMPARE(r->licenses, (std::vector<std::string>{"License A", "License B"}));
        QCOMPARE(r->manifest->layers.back().mediaType,
                 std::string("application/vnd.example.future"));
        QVERIFY(store.verify("hf.co/someone/Stories-GGUF:Q8_0")->ok());
        // Deleting it removes every blob it used, the unknown layer's included.
        auto rm = store.remove("hf.co/someone/Stories-GGUF:Q8_0");
        QVERIFY(rm.ok());
        QCOMPARE(rm->removedBlobs.size(), size_t(7));
        QCOMPARE(blobNames(root), QStringList{QStringLiteral("sha256-abc-partial")});
    }

    void safetensorsModelsAreRefused() {
        QTemporaryDir tmp;
        const QString root = tmp.filePath(QStringLiteral("m"));
        const QString cfg = putBlob(root, "{}"), t = putBlob(root, "tensor");
        QVERIFY(writeText(
            root + QStringLiteral("/manifests/registry.ollama.ai/library/mlx/latest"),
            QStringLiteral(
                R"({"schemaVersion":2,"mediaType":"x","config":{"mediaType":"c","digest":"%1","size":2},"layers":[{"mediaType":"application/vnd.ollama.image.tensor","digest":"%2","size":6,"name":"w"}]})")
                .arg(cfg, t)
                .toUtf8()));
        ModelStore store(root.toStdString());
        auto r = store.resolve("mlx");
        QVERIFY(!r.ok() && r.error().find("safetensors") != std::string::npos);
        QVERIFY(!store.list()->front().problems.empty());
    }

    void linkedFolders() {
        QTemporaryDir tmp;
        const QString folder = tmp.filePath(QStringLiteral("lmstudio"));
        QVERIFY(QDir().mkpath(folder + QStringLiteral("/publisher/repo")));
        QVERIFY(
            QFile::copy(kStories, folder + QStringLiteral("/publisher/repo/tiny-stories.gguf")));
        QVERIFY(
            QFile::link(kQ4, folder + QStringLiteral("/linked-q4.gguf"))); // HF-cache style symlink
        QVERIFY(writeText(folder + QStringLiteral("/big-00001-of-00002.gguf"), "shard1"));
        QVERIFY(writeText(folder + QStringLiteral("/big-00002-of-00002.gguf"), "shard2"));
        QVERIFY(writeText(folder + QStringLiteral("/readme.txt"), "hi"));
        QVERIFY(QFile::copy(kStories,
                            folder + QStringLiteral("/publisher/repo/mmproj-model-f16.gguf")));
        QVERIFY(QFile::link(folder, folder + QStringLiteral("/publisher/loop"))); // not followed

        ModelStore store(tmp.filePath(QStringLiteral("store")).toStdString());
        store.setLinkedFolders(
            {folder.toStdString(), tmp.filePath(QStringLiteral("absent")).toStdString()});
        auto entries = store.list();
        QVERIFY(entries.ok());
        QStringList names;
        for (const StoreEntry& e : *entries) {
            QVERIFY(e.linked);
            names << QString::fromStdString(e.displayName);
        }
        names.sort();
        QCOMPARE(names.size(), 4);
        QVERIFY(names.contains(QStringLiteral("tiny-stories")));
        QVERIFY(names.contains(QStringLiteral("linked-q4")));
        QVERIFY(names.contains(QStringLiteral("big-00001-of-00002"))); // first shard only
        for (const StoreEntry& e : *entries) {
            if (e.displayName == "linked-q4")
                QCOMPARE(e.summary->fileTypeName, std::string("Q4_K_M"));
            if (e.displayName == "big-00001-of-00002") QVERIFY(!e.problems.empty()); // not a GGUF
            if (e.displayName.find("absent") != std::string::npos) QVERIFY(!e.problems.empty());
        }
        auto r = store.resolve("tiny-stories");
        QVERIFY(r.ok() && r->linked);
        QCOMPARE(r->modelPath,
                 (folder + QStringLiteral("/publisher/repo/tiny-stories.gguf")).toStdString());
        QVERIFY(store.resolve("linked-q4.gguf").ok());
        auto rm = store.remove("tiny-stories");
        QVERIFY(!rm.ok() && rm.error().find("linked folder") != std::string::npos);
        QVERIFY(QFile::exists(folder + QStringLiteral("/publisher/repo/tiny-stories.gguf")));
        QVERIFY(store.verify("tiny-stories")->ok());
    }

    void readOnlyStore() {
        QTemporaryDir tmp;
        ::chmod(tmp.path().toLocal8Bit().constData(), 0755);
        const QString root = tmp.filePath(QStringLiteral("models"));
        {
            ModelStore store(root.toStdString());
            QVERIFY(store.importGguf(kStories.toStdString(), named("m")).ok());
        }
        chmodTree(root, 0555, 0444);
        const std::string rootStd = root.toStdString(), stories = kStories.toStdString();
        const std::string result = asUnprivileged([&] {
            ModelStore store(rootStd);
            std::string out;
            auto list = store.list();
            out += list.ok() && list->size() == 1 && list->front().problems.empty() ? "list-ok;"
                                                                                    : "list-bad;";
            out += store.resolve("m").ok() ? "resolve-ok;" : "resolve-bad;";
            out += store.verify("m").ok() && store.verify("m")->ok() ? "verify-ok;" : "verify-bad;";
            auto rm = store.remove("m");
            out += rm.ok() ? "rm-succeeded;" : "rm:" + rm.error() + ";";
            auto imp = store.importGguf(stories, named("n"));
            out += imp.ok() ? "import-succeeded;" : "import:" + imp.error() + ";";
            return out;
        });
        chmodTree(root, 0755, 0644);
        QVERIFY2(result.find("list-ok;resolve-ok;verify-ok;") == 0, result.c_str());
        QVERIFY2(result.find("rm:the model store " + rootStd + " is read-only") !=
                     std::string::npos,
                 result.c_str());
        QVERIFY2(result.find("import:the model store " + rootStd + " is read-only") !=
                     std::string::npos,
                 result.c_str());
        QVERIFY(ModelStore(rootStd).resolve("m").ok()); // nothing was removed
    }

    void atomicWrites() {
        QTemporaryDir tmp;
        const std::string path = tmp.filePath(QStringLiteral("a/b/file")).toStdString();
        QVERIFY(makeDirectories(tmp.filePath(QStringLiteral("a/b")).toStdString()).ok());
        QVERIFY(writeFileAtomic(path, "one").ok());
        QVERIFY(writeFileAtomic(path, "two").ok());
        QCOMPARE(*readSmallFile(path), std::string("two"));
        QCOMPARE(
            QDir(tmp.filePath(QStringLiteral("a/b"))).entryList(QDir::Files | QDir::Hidden).size(),
            1);
        QVERIFY(!writeFileAtomic("/nonexistent/dir/file", "x").ok());
        QVERIFY(!makeDirectories(path + "/sub").ok()); // a file is in the way
    }
};

QTEST_GUILESS_MAIN(TestModelStore)
#include "test_model_store.moc"
