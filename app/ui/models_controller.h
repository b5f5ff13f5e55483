#pragma once
// ModelsController: the Models page. Lists the store and linked folders into a ModelListModel
// (with each model's fit badge), and runs the page's actions: details, delete (with a preview of
// what is freed), reveal, verify and import (both off the UI thread), linked folders, chat.
#include "engine/store/model_store.h"
#include "model_list_model.h"

#include <QFuture>
#include <QObject>
#include <QStringList>
#include <QUrl>
#include <QVariantMap>
#include <QtQml/qqmlregistration.h>

#include <atomic>

namespace hearth {

// Linked folders persist in QSettings (shared by the Models and Memory fit pages).
QStringList savedLinkedFolders();
void saveLinkedFolders(const QStringList& folders);

class ModelsController : public QObject {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(QString storePath READ storePath NOTIFY storeChanged)
    Q_PROPERTY(ModelListModel* models READ models CONSTANT)
    Q_PROPERTY(QStringList linkedFolders READ linkedFolders NOTIFY storeChanged)
    Q_PROPERTY(bool busy READ busy NOTIFY busyChanged)
    Q_PROPERTY(QString busyName READ busyName NOTIFY busyChanged)
    Q_PROPERTY(double progress READ progress NOTIFY progressChanged)
    Q_PROPERTY(QString message READ message NOTIFY messageChanged)
    Q_PROPERTY(bool messageIsError READ messageIsError NOTIFY messageChanged)

public:
    explicit ModelsController(QObject* parent = nullptr);
    ~ModelsController() override;

    QString storePath() const { return storePath_; }
    ModelListModel* models() { return &models_; }
    QStringList linkedFolders() const { return linkedFolders_; }
    bool busy() const { return !busyName_.isEmpty(); }
    QString busyName() const { return busyName_; }
    double progress() const { return progress_; }
    QString message() const { return message_; }
    bool messageIsError() const { return messageIsError_; }

    Q_INVOKABLE void refresh();
    // Refreshes only when the store's manifests or the linked folders changed since the last
    // refresh (a pull finished on Discover, Ollama pulled something): the list is not rebuilt
    // every time the page is shown.
    Q_INVOKABLE void refreshIfChanged();
    // GGUF summary, template, license, path, problems of one model (by its list name).
    Q_INVOKABLE QVariantMap details(const QString& name) const;
    // What deleting would do: {freedBytes, freedText, keptCount, linked}.
    Q_INVOKABLE QVariantMap removalPreview(const QString& name) const;
    Q_INVOKABLE bool remove(const QString& name);
    Q_INVOKABLE bool reveal(const QString& name);
    Q_INVOKABLE bool verify(const QString& name);  // async: verifyFinished
    Q_INVOKABLE bool importGguf(const QUrl& file); // async: importFinished
    Q_INVOKABLE bool addLinkedFolder(const QUrl& folder);
    Q_INVOKABLE void removeLinkedFolder(const QString& folder);
    // Asks for a chat with the model; the chat controller connects to chatRequested.
    Q_INVOKABLE void requestChat(const QString& name);
    // Waits for a running verify/import (tests, shutdown).
    void waitForIdle();

signals:
    void storeChanged();
    void busyChanged();
    void progressChanged();
    void messageChanged();
    void chatRequested(const QString& modelName, const QString& path);
    void verifyFinished(const QString& name, bool ok, const QString& message);
    void importFinished(bool ok, const QString& message);

private:
    ModelStore makeStore() const;
    QString storeFingerprint() const;
    void setMessage(const QString& text, bool isError);
    void setBusy(const QString& name);
    void reportProgress(uint64_t done, uint64_t total); // any thread

    QString storePath_;
    QStringList linkedFolders_;
    ModelListModel models_;
    QString busyName_;
    double progress_ = 0;
    QString message_;
    bool messageIsError_ = false;
    QFuture<void> work_;
    QString fingerprint_; // storeFingerprint() at the last refresh
    std::atomic<int> lastPercent_{-1};
};

} // namespace hearth
