#include "models_controller.h"

#include "app/core/byte_size.h"
#include "engine/gguf/model_summary.h"
#include "fit_controller.h"
#include "model_store_location.h"

#include <QCoreApplication>
#include <QDesktopServices>
#include <QDir>
#include <QDirIterator>
#include <QFileInfo>
#include <QSet>
#include <QSettings>
#include <QtConcurrent/QtConcurrentRun>

namespace hearth {

namespace {

const QString kLinkedFoldersKey = QStringLiteral("models/linkedFolders");

QString qs(const std::string& s) {
    return QString::fromStdString(s);
}

} // namespace

QStringList savedLinkedFolders() {
    return QSettings().value(kLinkedFoldersKey).toStringList();
}

void saveLinkedFolders(const QStringList& folders) {
    QSettings settings;
    settings.setValue(kLinkedFoldersKey, folders);
    settings.sync();
}

ModelsController::ModelsController(QObject* parent) : QObject(parent) {
    refresh();
}

ModelsController::~ModelsController() {
    waitForIdle();
}

void ModelsController::waitForIdle() {
    work_.waitForFinished();
    // The worker's completion is queued to this thread; deliver it.
    QCoreApplication::sendPostedEvents(this);
}

ModelStore ModelsController::makeStore() const {
    ModelStore store(storePath_.toStdString());
    std::vector<std::string> folders;
    for (const QString& f : linkedFolders_) folders.push_back(f.toStdString());
    store.setLinkedFolders(std::move(folders));
    return store;
}

void ModelsController::setMessage(const QString& text, bool isError) {
    message_ = text;
    messageIsError_ = isError;
    emit messageChanged();
}

void ModelsController::setBusy(const QString& name) {
    busyName_ = name;
    progress_ = 0;
    lastPercent_ = -1;
    emit busyChanged();
    emit progressChanged();
}

void ModelsController::reportProgress(uint64_t done, uint64_t total) {
    // Called from the worker: only whole-percent steps cross to the UI thread.
    const int percent = total ? static_cast<int>(done * 100 / total) : 0;
    if (percent == lastPercent_.exchange(percent)) return;
    QMetaObject::invokeMethod(
        this,
        [this, percent] {
            progress_ = percent / 100.0;
            emit progressChanged();
        },
        Qt::QueuedConnection);
}

QString ModelsController::storeFingerprint() const {
    // Names, sizes and times of the manifests and of linked folders' GGUFs: cheap to list, and
    // any pull, delete or import changes one of them.
    QStringList parts{ModelStoreLocation::defaultPath()};
    QStringList roots{ModelStoreLocation::defaultPath() + QStringLiteral("/manifests")};
    roots << savedLinkedFolders();
    parts << roots;
    for (const QString& root : std::as_const(roots)) {
        QDirIterator it(root, QDir::Files, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QFileInfo f(it.next());
            parts << f.filePath() + QLatin1Char(' ') + QString::number(f.size()) +
                         QLatin1Char(' ') + QString::number(f.lastModified().toMSecsSinceEpoch());
        }
    }
    return parts.join(QLatin1Char('\n'));
}

void ModelsController::refreshIfChanged() {
    if (storeFingerprint() != fingerprint_) refresh();
}

void ModelsController::refresh() {
    fingerprint_ = storeFingerprint();
    storePath_ = ModelStoreLocation::defaultPath();
    linkedFolders_ = savedLinkedFolders();
    const ModelStore store = makeStore();
    QVector<ModelRow> rows;
    auto entries = store.list(true);
    if (!entries) {
        setMessage(tr("Cannot list the library: %1").arg(qs(entries.error())), true);
    } else {
        const fit::MachineMemory machine = fit::probeMachineMemory();
        for (const StoreEntry& e : *entries) {
            ModelRow r;
            r.name = qs(e.displayName);
            r.sizeBytes = e.size;
            r.modified = QDateTime::fromSecsSinceEpoch(e.modifiedTime);
            r.linked = e.linked;
            r.linkedFolder = qs(e.linkedFolder);
            r.path = qs(e.modelPath);
            if (e.summary) {
                r.family = qs(e.summary->architecture);
                r.parameterCount = e.summary->parameterCount;
                r.parameters = qs(formatParameterCount(e.summary->parameterCount));
                r.quantization = qs(e.summary->fileTypeName);
                r.contextLength = e.summary->contextLength.value_or(0);
                const QuickFit badge = quickFitForFile(r.path, machine);
                r.fitVerdict = badge.verdict;
                r.fitText = badge.text;
            }
            QStringList problems;
            for (const std::string& p : e.problems) problems << qs(p);
            r.problems = problems.join(QStringLiteral("; "));
            rows.push_back(std::move(r));
        }
    }
    models_.setRows(std::move(rows));
    emit storeChanged();
}

QVariantMap ModelsController::details(const QString& name) const {
    QVariantMap out;
    const ModelRow* row = models_.find(name);
    if (!row) return out;
    out[QStringLiteral("name")] = row->name;
    out[QStringLiteral("path")] = row->path;
    out[QStringLiteral("linked")] = row->linked;
    out[QStringLiteral("linkedFolder")] = row->linkedFolder;
    out[QStringLiteral("problems")] = row->problems;
    out[QStringLiteral("fitText")] = row->fitText;
    const ModelStore store = makeStore();
    QString templateText, license;
    if (!row->linked) {
        if (auto resolved = store.resolve(name.toStdString())) {
            if (resolved->templateText) templateText = qs(*resolved->templateText);
            QStringList licenses;
            for (const std::string& l : resolved->licenses) licenses << qs(l);
            license = licenses.join(QStringLiteral("\n\n"));
        }
    }
    if (auto file = GgufFile::open(row->path.toStdString())) {
        const ModelSummary s = summarizeModel(**file);
        out[QStringLiteral("summary")] = qs(describeSummary(s));
        if (templateText.isEmpty())
            if (auto t = (*file)->getString("tokenizer.chat_template"))
                templateText = QString::fromUtf8(t->data(), static_cast<qsizetype>(t->size()));
        if (license.isEmpty()) license = qs(s.license);
    } else {
        out[QStringLiteral("summary")] = tr("The GGUF cannot be read: %1").arg(qs(file.error()));
    }
    out[QStringLiteral("template")] = templateText;
    out[QStringLiteral("license")] = license;
    return out;
}

QVariantMap ModelsController::removalPreview(const QString& name) const {
    QVariantMap out;
    const ModelRow* row = models_.find(name);
    if (!row) return out;
    out[QStringLiteral("linked")] = row->linked;
    if (row->linked) return out; // linked files are never deleted from here
    const ModelStore store = makeStore();
    auto target = store.resolve(name.toStdString());
    auto entries = store.list(false);
    if (!target || !target->manifest || !entries) return out;
    // Blobs referenced by any other manifest stay; the rest is freed.
    QSet<QString> shared;
    for (const StoreEntry& e : *entries) {
        if (e.linked || e.displayName == target->displayName) continue;
        if (auto other = store.resolve(e.displayName); other && other->manifest)
            for (const std::string& d : other->manifest->digests()) shared.insert(qs(d));
    }
    uint64_t freed = 0;
    int kept = 0;
    QSet<QString> seen;
    std::vector<const ManifestLayer*> layers{&target->manifest->config};
    for (const ManifestLayer& l : target->manifest->layers) layers.push_back(&l);
    for (const ManifestLayer* l : layers) {
        const QString d = qs(l->digest);
        if (d.isEmpty() || seen.contains(d)) continue;
        seen.insert(d);
        if (shared.contains(d))
            ++kept;
        else
            freed += l->size;
    }
    out[QStringLiteral("freedBytes")] = static_cast<double>(freed);
    out[QStringLiteral("freedText")] = byteSizeText(freed);
    out[QStringLiteral("keptCount")] = kept;
    return out;
}

bool ModelsController::remove(const QString& name) {
    const ModelRow* row = models_.find(name);
    if (!row || row->linked || busy()) return false;
    ModelStore store = makeStore();
    auto report = store.remove(name.toStdString());
    if (!report) {
        setMessage(tr("Could not delete %1: %2").arg(name, qs(report.error())), true);
        return false;
    }
    setMessage(tr("Deleted %1: %2 files removed, %3 shared with other models kept.")
                   .arg(name)
                   .arg(report->removedBlobs.size())
                   .arg(report->keptBlobs.size()),
               false);
    refresh();
    return true;
}

bool ModelsController::reveal(const QString& name) {
    const ModelRow* row = models_.find(name);
    if (!row) return false;
    const QString folder = QFileInfo(row->path).absolutePath();
    return QDesktopServices::openUrl(QUrl::fromLocalFile(folder));
}

bool ModelsController::verify(const QString& name) {
    const ModelRow* row = models_.find(name);
    if (!row || busy()) return false;
    if (row->linked) {
        setMessage(
            tr("%1 is a linked file: it has no recorded digest to verify against.").arg(name),
            true);
        return false;
    }
    setBusy(name);
    setMessage(tr("Verifying %1…").arg(name), false);
    const ModelStore store = makeStore();
    work_ = QtConcurrent::run([this, store, name] {
        auto report = store.verify(name.toStdString(), [this](uint64_t done, uint64_t total) {
            reportProgress(done, total);
            return true;
        });
        bool ok = false;
        QString text;
        if (!report) {
            text = tr("Could not verify %1: %2").arg(name, qs(report.error()));
        } else if (report->ok()) {
            ok = true;
            text = tr("%1: all %2 files present with the right SHA-256.")
                       .arg(name)
                       .arg(report->blobs.size());
        } else {
            QStringList bad;
            for (const BlobCheck& b : report->blobs)
                if (!b.ok) bad << qs(b.digest.substr(0, 19)) + QStringLiteral(": ") + qs(b.problem);
            text = tr("%1 is damaged: %2").arg(name, bad.join(QStringLiteral("; ")));
        }
        QMetaObject::invokeMethod(
            this,
            [this, name, ok, text] {
                setBusy({});
                setMessage(text, !ok);
                emit verifyFinished(name, ok, text);
            },
            Qt::QueuedConnection);
    });
    return true;
}

bool ModelsController::importGguf(const QUrl& url) {
    const QString file = url.isLocalFile() ? url.toLocalFile() : url.toString();
    if (busy()) return false;
    if (!QFileInfo(file).isFile()) {
        setMessage(tr("%1 is not a file.").arg(file), true);
        emit importFinished(false, message_);
        return false;
    }
    setBusy(QFileInfo(file).fileName());
    setMessage(tr("Importing %1…").arg(QFileInfo(file).fileName()), false);
    ModelStore store = makeStore();
    work_ = QtConcurrent::run([this, store, file]() mutable {
        auto name = store.importGguf(file.toStdString(), {}, [this](uint64_t done, uint64_t total) {
            reportProgress(done, total);
            return true;
        });
        const bool ok = static_cast<bool>(name);
        const QString text = ok ? tr("Imported %1 as %2.")
                                      .arg(QFileInfo(file).fileName(), qs(name->displayShortest()))
                                : tr("Could not import %1: %2").arg(file, qs(name.error()));
        QMetaObject::invokeMethod(
            this,
            [this, ok, text] {
                setBusy({});
                setMessage(text, !ok);
                refresh();
                emit importFinished(ok, text);
            },
            Qt::QueuedConnection);
    });
    return true;
}

bool ModelsController::addLinkedFolder(const QUrl& url) {
    const QString folder = QDir::cleanPath(url.isLocalFile() ? url.toLocalFile() : url.toString());
    if (!QFileInfo(folder).isDir()) {
        setMessage(tr("%1 is not a folder.").arg(folder), true);
        return false;
    }
    QStringList folders = savedLinkedFolders();
    if (!folders.contains(folder)) folders << folder;
    saveLinkedFolders(folders);
    refresh();
    return true;
}

void ModelsController::removeLinkedFolder(const QString& folder) {
    QStringList folders = savedLinkedFolders();
    folders.removeAll(folder);
    saveLinkedFolders(folders);
    refresh();
}

void ModelsController::requestChat(const QString& name) {
    if (const ModelRow* row = models_.find(name)) emit chatRequested(row->name, row->path);
}

} // namespace hearth
