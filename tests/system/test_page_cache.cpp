// engine/core/page_cache: written files leave the page cache (so a model is read back in large
// folios), checked with mincore(2) on a fresh map; the 2 MiB-page count of a mapping is read.
#include "engine/core/page_cache.h"
#include "engine/gguf/gguf_writer.h"
#include "system/cached_pages.h"

#include <QTemporaryDir>
#include <QtTest>

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <vector>

using hearth::test::cachedPages;

namespace {

constexpr size_t kFileBytes = 8 << 20;

void writeBytes(const std::string& path, size_t bytes) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    QVERIFY(fd >= 0);
    std::vector<char> chunk(1 << 20, 'x');
    for (size_t done = 0; done < bytes; done += chunk.size())
        QCOMPARE(::write(fd, chunk.data(), chunk.size()), ssize_t(chunk.size()));
    ::close(fd);
}

} // namespace

class TestPageCache : public QObject {
    Q_OBJECT
    QTemporaryDir dir_{QDir::tempPath() + QStringLiteral("/hearth-page-cache-XXXXXX")};

    std::string file(const char* name) const {
        return dir_.filePath(QLatin1String(name)).toStdString();
    }

private slots:
    void initTestCase() {
        QVERIFY(dir_.isValid());
        // tmpfs pages are the file itself: nothing to drop there.
        if (hearth::test::onTmpfs(dir_.path().toStdString()))
            QSKIP("temp dir is tmpfs: the page cache is the file");
    }

    void dropEvictsAWrittenFile() {
        const std::string path = file("written.bin");
        writeBytes(path, kFileBytes);
        const auto before = cachedPages(path);
        QVERIFY(before.has_value());
        if (*before == 0) QSKIP("written pages are not cached here");
        QVERIFY2(hearth::dropFromPageCache(path).ok(), "drop failed");
        const auto after = cachedPages(path);
        QVERIFY(after.has_value());
        QCOMPARE(*after, size_t(0));
        // The bytes are intact: read back from disk.
        QFile f(QString::fromStdString(path));
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray all = f.readAll();
        QCOMPARE(size_t(all.size()), kFileBytes);
        QCOMPARE(all.count('x'), qsizetype(kFileBytes));
    }

    void dropOfAMissingFileSaysWhich() {
        const std::string path = file("missing.bin");
        const auto st = hearth::dropFromPageCache(path);
        QVERIFY(!st.ok());
        QVERIFY(QString::fromStdString(st.error()).contains(QString::fromStdString(path)));
    }

    // GgufWriter::writeFile (merges, quantized and synthetic models) leaves nothing cached.
    void writtenModelsAreNotLeftCached() {
        hearth::GgufWriter w;
        w.setString("general.architecture", "llama");
        std::vector<float> data(kFileBytes / 4, 0.5f);
        const int64_t ne[2] = {1024, int64_t(data.size() / 1024)};
        QVERIFY(w.addTensor("t", hearth::GgmlType::F32, ne, data.data()).ok());
        const std::string path = file("model.gguf");
        QVERIFY(w.writeFile(path).ok());
        const auto cached = cachedPages(path);
        QVERIFY(cached.has_value());
        QCOMPARE(*cached, size_t(0));
    }

    void hugePageBytesOfAMapping() {
        const std::string path = file("mapped.bin");
        writeBytes(path, kFileBytes);
        const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        QVERIFY(fd >= 0);
        void* m = ::mmap(nullptr, kFileBytes, PROT_READ, MAP_SHARED, fd, 0);
        ::close(fd);
        QVERIFY(m != MAP_FAILED);
        volatile char sink = 0;
        for (size_t o = 0; o < kFileBytes; o += 4096) sink = sink + static_cast<const char*>(m)[o];
        const auto huge = hearth::hugePageMappedBytes(m, kFileBytes);
        ::munmap(m, kFileBytes);
        QVERIFY(huge.has_value()); // Linux has /proc/self/smaps
        QVERIFY(*huge <= kFileBytes);
        QVERIFY(*huge % (2 << 20) == 0); // whole 2 MiB pages
        // A range nothing maps counts nothing.
        const auto none = hearth::hugePageMappedBytes(m, kFileBytes);
        QVERIFY(none.has_value());
        QCOMPARE(*none, uint64_t(0));
    }
};

QTEST_GUILESS_MAIN(TestPageCache)
#include "test_page_cache.moc"
