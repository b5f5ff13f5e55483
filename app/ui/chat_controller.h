#pragma once
// ChatController: the Chats page's state, on the UI thread. Conversations and messages live in
// a ConversationStore (SQLite under the user's data folder, or $HEARTH_DATA_DIR); the list
// models mirror it for QML. Replies come from an EngineWorker in its own thread: the controller
// only posts requests to it and appends what comes back (each chunk written to the store
// before it is shown), so the UI never waits on the engine.
#include "app/core/conversation_store.h"
#include "conversation_list_model.h"
#include "engine_worker_types.h"
#include "message_list_model.h"
#include "message_renderer.h"

#include <QObject>
#include <QPointer>
#include <QStringList>
#include <QThread>
#include <QVariantMap>
#include <QtQml/qqmlregistration.h>

#include <memory>
#include <optional>

namespace hearth {

class DownloadJob;
class DownloadManager;
class EngineWorker;

class ChatController : public QObject {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(ConversationListModel* conversations READ conversations CONSTANT)
    Q_PROPERTY(MessageListModel* messages READ messages CONSTANT)
    Q_PROPERTY(MessageRenderer* renderer READ renderer CONSTANT)
    Q_PROPERTY(qint64 currentConversationId READ currentConversationId NOTIFY currentChanged)
    Q_PROPERTY(QString currentTitle READ currentTitle NOTIFY currentChanged)
    Q_PROPERTY(QString currentModel READ currentModel NOTIFY currentChanged)
    Q_PROPERTY(QVariantMap settings READ settings NOTIFY settingsChanged)
    Q_PROPERTY(bool ready READ ready NOTIFY statusChanged)
    Q_PROPERTY(bool modelAvailable READ modelAvailable NOTIFY statusChanged)
    Q_PROPERTY(bool streaming READ streaming NOTIFY statusChanged)
    Q_PROPERTY(bool loading READ loading NOTIFY loadingChanged)
    Q_PROPERTY(double loadProgress READ loadProgress NOTIFY loadingChanged)
    Q_PROPERTY(QString loadStage READ loadStage NOTIFY loadingChanged)
    Q_PROPERTY(QString loadedModel READ loadedModel NOTIFY statusChanged)
    Q_PROPERTY(QString loadedDevice READ loadedDevice NOTIFY statusChanged)
    Q_PROPERTY(QString loadedDeviceNote READ loadedDeviceNote NOTIFY statusChanged)
    Q_PROPERTY(QStringList models READ models NOTIFY modelsChanged)
    Q_PROPERTY(QString notice READ notice NOTIFY statusChanged)
    Q_PROPERTY(QString announcement READ announcement NOTIFY announcementChanged)
    Q_PROPERTY(QString undoTitle READ undoTitle NOTIFY undoChanged)
    Q_PROPERTY(QString searchText READ searchText WRITE setSearchText NOTIFY searchChanged)
    Q_PROPERTY(QString databasePath READ databasePath CONSTANT)
    // First run with no models: the starter catalog's small instruct model, in the variant the
    // memory-fit estimate recommends for this machine, one click away.
    Q_PROPERTY(QVariantMap starter READ starter CONSTANT)
    Q_PROPERTY(QString starterState READ starterState NOTIFY starterChanged)
    Q_PROPERTY(double starterProgress READ starterProgress NOTIFY starterChanged)
    Q_PROPERTY(QString starterStatus READ starterStatus NOTIFY starterChanged)

public:
    explicit ChatController(QObject* parent = nullptr);
    // Opens the store at `databasePath` and models from `storeRoot` (tests).
    ChatController(const QString& databasePath, QObject* parent, const QString& storeRoot = {});
    ~ChatController() override;

    // $HEARTH_DATA_DIR/chats.sqlite, else <app data folder>/chats.sqlite.
    static QString defaultDatabasePath();
    // `hearth path/to/model.gguf`: the next controller opens a chat with that file.
    static void setStartupModel(const QString& model);

    ConversationListModel* conversations() { return &conversations_; }
    MessageListModel* messages() { return &messages_; }
    MessageRenderer* renderer() { return &renderer_; }
    qint64 currentConversationId() const { return currentId_; }
    QString currentTitle() const;
    QString currentModel() const;
    QVariantMap settings() const { return currentSettings().toMap(); }
    bool ready() const { return store_.isOpen(); }
    bool modelAvailable() const { return !loadedModel_.isEmpty(); }
    bool streaming() const { return streamingRow_ >= 0; }
    bool loading() const { return loadId_ != 0; }
    double loadProgress() const { return loadProgress_; }
    QString loadStage() const { return loadStage_; }
    QString loadedModel() const { return loadedModel_; }
    // Where the loaded model runs: "CPU", or the GPU and how many layers it holds.
    QString loadedDevice() const { return loadedModel_.isEmpty() ? QString() : loadedInfo_.device; }
    // Why the loaded model has fewer GPU layers than asked (or none with auto); empty if as asked.
    QString loadedDeviceNote() const {
        return loadedModel_.isEmpty() ? QString() : loadedInfo_.gpuNote;
    }
    QStringList models() const { return models_; }
    QString notice() const { return notice_; }
    QString announcement() const { return announcement_; }
    QString undoTitle() const { return undoTitle_; }
    QString searchText() const { return search_; }
    void setSearchText(const QString& text);
    QString databasePath() const { return path_; }
    // {name, variant, sizeText, spec}; empty when the catalog is missing or nothing fits.
    QVariantMap starter() const;
    QString starterState() const { return starterState_; } // "", downloading, failed, done
    double starterProgress() const { return starterProgress_; }
    QString starterStatus() const { return starterStatus_; }

    Q_INVOKABLE qint64 newChat();
    Q_INVOKABLE bool select(qint64 conversationId);
    Q_INVOKABLE bool remove(qint64 conversationId); // undoable until the next remove or restart
    Q_INVOKABLE bool undoRemove();
    Q_INVOKABLE bool rename(qint64 conversationId, const QString& title);
    // Stores the user's message (starting a chat when none is open) and asks the chat's model
    // for a reply. Blank text is refused.
    Q_INVOKABLE bool send(const QString& text);
    Q_INVOKABLE bool stop();
    // A new answer to the last prompt; the earlier ones stay as alternatives.
    Q_INVOKABLE bool regenerate();
    // Shows version `index` of the message at `row` (an answer or an edited prompt) together
    // with the branch that followed it.
    Q_INVOKABLE bool showAlternative(int row, int index);
    // Replaces a user message and resends; the old one and what followed stay a flip away.
    Q_INVOKABLE bool editAndResend(int row, const QString& text);
    // Picks the chat's model (a store name or a .gguf path) and loads it.
    Q_INVOKABLE bool setModel(const QString& model);
    Q_INVOKABLE void cancelLoad();
    Q_INVOKABLE void refreshModels();
    Q_INVOKABLE bool setSettings(const QVariantMap& settings);
    Q_INVOKABLE QString exportMarkdown(qint64 conversationId) const;
    Q_INVOKABLE QString exportJson(qint64 conversationId) const;
    Q_INVOKABLE bool exportToFile(qint64 conversationId, const QString& pathOrUrl);
    // Downloads starter() into the model store through the app's download queue (the one
    // Discover lists); when it is done, a chat opens with it. A download of the same model that
    // is already running (started in Discover) is followed, not started twice.
    Q_INVOKABLE bool downloadStarter();
    Q_INVOKABLE void cancelStarter();

    // The streaming row; public so tests and the engine path share one code path.
    bool beginAssistantMessage(const QString& model);
    bool appendAssistantText(const QString& chunk);
    bool finishAssistantMessage(const QString& state = QStringLiteral("complete"));

signals:
    void currentChanged();
    void statusChanged();
    void loadingChanged();
    void modelsChanged();
    void settingsChanged();
    void announcementChanged();
    void undoChanged();
    void searchChanged();
    void replyFinished(const QString& state); // complete, stopped, error
    void starterChanged();

private:
    void setNotice(const QString& notice);
    void reloadConversations();
    void reloadMessages();
    GenerationSettings currentSettings() const;
    bool startReply();
    void requestLoad(const QString& model);
    void announce(const QString& text);
    void followStarter(DownloadJob* job);
    void onStarterChanged();
    void onStarterFinished();

    void onLoadProgress(quint64 loadId, double fraction, const QString& stage);
    void onLoaded(quint64 loadId, const hearth::LoadedModelInfo& info);
    void onLoadFailed(quint64 loadId, const hearth::EngineError& error);
    void onText(quint64 requestId, const QString& text);
    void onFinished(quint64 requestId, const hearth::GenerationStats& stats);
    void onFailed(quint64 requestId, const hearth::EngineError& error);

    QString path_;
    QString storeRoot_;
    ConversationStore store_;
    ConversationListModel conversations_;
    MessageListModel messages_;
    MessageRenderer renderer_;
    qint64 currentId_ = -1;
    int streamingRow_ = -1;
    QString notice_;
    QString announcement_;
    QString search_;
    qint64 undoId_ = -1;
    QString undoTitle_;
    QStringList models_;

    QThread thread_;
    EngineWorker* worker_ = nullptr; // lives in thread_
    quint64 nextRequest_ = 0;
    quint64 requestId_ = 0; // the reply being streamed; 0: none
    quint64 loadId_ = 0;    // the load in progress; 0: none
    QString loadingModel_;
    double loadProgress_ = 0;
    QString loadStage_;
    QString loadedModel_;
    LoadedModelInfo loadedInfo_;
    int loadingGpuLayers_ = 0;
    int loadedGpuLayers_ = 0;
    bool replyAfterLoad_ = false;

    mutable std::optional<QVariantMap> starter_; // read from the catalog when first asked
    std::shared_ptr<DownloadManager> downloads_; // the store's queue, shared with Discover
    QPointer<DownloadJob> starterJob_;
    QString starterState_;
    QString starterStatus_;
    double starterProgress_ = 0;
};

} // namespace hearth
