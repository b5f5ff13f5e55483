#include "chat_controller.h"

#include "app/core/byte_size.h"
#include "app/core/download_manager.h"
#include "app/core/gpu_backend.h"
#include "app/core/starter_catalog.h"
#include "engine/fit/fit_report.h"
#include "engine/store/model_store.h"
#include "engine/system/cpu_info.h"
#include "engine_worker.h"
#include "shared_download_manager.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStandardPaths>
#include <QUrl>

namespace hearth {

namespace {

const QString kNewChatTitle = QStringLiteral("New chat");
QString& startupModel() {
    static QString model;
    return model;
}

// A chat is named after the start of its first message, on one line.
QString titleFrom(const QString& text) {
    QString line = text.simplified();
    constexpr int kMax = 48;
    if (line.size() > kMax) line = line.left(kMax - 1).trimmed() + QChar(0x2026);
    return line;
}

// What a screen reader says when a reply completes: the start of it, not pages of text.
QString spokenSummary(const QString& reply) {
    QString s = reply.simplified();
    constexpr int kMax = 300;
    if (s.size() > kMax) s = s.left(kMax) + QChar(0x2026);
    return s;
}

// The first catalog model (the catalog lists its best small instruct models first) for which
// the memory-fit estimate recommends a variant on this machine, at a 4096-token context.
QVariantMap pickStarter() {
    QFile f(findCatalogFile());
    if (!f.open(QIODevice::ReadOnly)) return {};
    const QJsonArray models =
        QJsonDocument::fromJson(f.readAll()).object().value(QStringLiteral("models")).toArray();
    const fit::MachineMemory machine = fit::probeMachineMemory();
    fit::EstimateOptions options;
    options.threads = std::max(1, cpuInfo().physicalCores);
    for (const QJsonValue& v : models) {
        const QJsonObject m = v.toObject();
        const QString repo = m.value(QStringLiteral("huggingface")).toString();
        auto parsed = parseCatalogModel(m);
        if (repo.isEmpty() || !parsed) continue;
        auto report = fit::fitReportForCatalog(*parsed, options, machine);
        if (!report || report->recommended < 0) continue;
        const fit::FitRow& row = report->rows.at(size_t(report->recommended));
        const QString variant = QString::fromStdString(row.variant);
        return {{QStringLiteral("name"), m.value(QStringLiteral("name")).toString()},
                {QStringLiteral("variant"), variant},
                {QStringLiteral("sizeText"),
                 row.fileBytes > 0 ? byteSizeText(row.fileBytes) : QString()},
                {QStringLiteral("spec"), QStringLiteral("hf:%1:%2").arg(repo, variant)}};
    }
    return {};
}

} // namespace

QString ChatController::defaultDatabasePath() {
    QString dir = qEnvironmentVariable("HEARTH_DATA_DIR");
    if (dir.isEmpty()) dir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    return QDir(dir).filePath(QStringLiteral("chats.sqlite"));
}

void ChatController::setStartupModel(const QString& model) {
    startupModel() = model;
}

ChatController::ChatController(QObject* parent) : ChatController(defaultDatabasePath(), parent) {}

ChatController::ChatController(const QString& databasePath, QObject* parent,
                               const QString& storeRoot)
    : QObject(parent), path_(databasePath),
      storeRoot_(storeRoot.isEmpty() ? QString::fromStdString(ModelStore::defaultRoot())
                                     : storeRoot),
      renderer_(Highlighter::create()) {
    qRegisterMetaType<ChatTurn>();
    qRegisterMetaType<QList<ChatTurn>>();
    qRegisterMetaType<GenerationSettings>();
    qRegisterMetaType<GenerationStats>();
    qRegisterMetaType<LoadedModelInfo>();
    qRegisterMetaType<EngineError>();

    worker_ = new EngineWorker(storeRoot_);
    worker_->moveToThread(&thread_);
    connect(&thread_, &QThread::finished, worker_, &QObject::deleteLater);
    connect(worker_, &EngineWorker::loadProgress, this, &ChatController::onLoadProgress);
    connect(worker_, &EngineWorker::loaded, this, &ChatController::onLoaded);
    connect(worker_, &EngineWorker::loadFailed, this, &ChatController::onLoadFailed);
    connect(worker_, &EngineWorker::textReady, this, &ChatController::onText);
    connect(worker_, &EngineWorker::finished, this, &ChatController::onFinished);
    connect(worker_, &EngineWorker::failed, this, &ChatController::onFailed);
    thread_.setObjectName(QStringLiteral("hearth-engine"));
    thread_.start();

    // A first-run starter download begun in Discover shows here too, with its outcome.
    downloads_ = sharedDownloadManager(storeRoot_);
    connect(downloads_.get(), &DownloadManager::jobAdded, this, [this](DownloadJob* job) {
        if (models_.isEmpty() && starterState_ != QLatin1String("downloading") &&
            job->spec() == starter().value(QStringLiteral("spec")).toString())
            followStarter(job);
    });

    refreshModels();
    if (!store_.open(path_)) {
        setNotice(tr("Chats cannot be saved: %1").arg(store_.errorString()));
        return;
    }
    reloadConversations();
    const int cut = store_.recoveredMessages();
    if (cut == 1)
        setNotice(tr("An answer was cut off when Hearth last stopped; its text is kept."));
    else if (cut > 1)
        setNotice(
            tr("%1 answers were cut off when Hearth last stopped; their text is kept.").arg(cut));

    if (!startupModel().isEmpty()) {
        const QString model = QFileInfo(startupModel()).absoluteFilePath();
        startupModel().clear();
        if (newChat() >= 0) setModel(model);
    }
}

ChatController::~ChatController() {
    // The queue outlives this page when Discover still holds it: its jobs must stop calling in.
    downloads_->disconnect(this);
    for (DownloadJob* job : downloads_->jobs()) job->disconnect(this);
    if (requestId_) worker_->cancelGeneration(requestId_);
    if (loadId_) worker_->cancelLoad(loadId_);
    thread_.quit();
    thread_.wait(); // the current token finishes; the worker then frees the model
}

QString ChatController::currentTitle() const {
    const int row = conversations_.rowOf(currentId_);
    return row < 0 ? QString() : conversations_.at(row).title;
}

QString ChatController::currentModel() const {
    const int row = conversations_.rowOf(currentId_);
    return row < 0 ? QString() : conversations_.at(row).model;
}

GenerationSettings ChatController::currentSettings() const {
    // Defaults: the engine's, then the loaded model's params and system layers.
    GenerationSettings base;
    if (!loadedModel_.isEmpty() && loadedModel_ == currentModel()) {
        if (!loadedInfo_.paramsJson.isEmpty()) base.applyOllamaParams(loadedInfo_.paramsJson);
        base.systemPrompt = loadedInfo_.systemPrompt;
    }
    const int row = conversations_.rowOf(currentId_);
    if (row < 0 || conversations_.at(row).settings.isEmpty()) return base;
    const QVariantMap saved =
        QJsonDocument::fromJson(conversations_.at(row).settings.toUtf8()).object().toVariantMap();
    return GenerationSettings::fromMap(saved, base);
}

void ChatController::setNotice(const QString& notice) {
    if (notice_ == notice) return;
    notice_ = notice;
    emit statusChanged();
}

void ChatController::announce(const QString& text) {
    // A repeated announcement must still change the text, or nothing is read out.
    announcement_ = (announcement_ == text) ? text + QChar(0x200B) : text;
    emit announcementChanged();
}

void ChatController::reloadConversations() {
    QList<ConversationRow> rows = store_.conversations();
    if (!search_.trimmed().isEmpty()) {
        const QList<qint64> hits = store_.search(search_.trimmed());
        rows.removeIf([&](const ConversationRow& r) { return !hits.contains(r.id); });
    }
    conversations_.reset(rows);
}

void ChatController::reloadMessages() {
    messages_.reset(currentId_ < 0 ? QList<MessageRow>() : store_.messages(currentId_));
}

void ChatController::setSearchText(const QString& text) {
    if (search_ == text) return;
    search_ = text;
    reloadConversations();
    emit searchChanged();
    emit currentChanged();
}

void ChatController::refreshModels() {
    ModelStore store(storeRoot_.toStdString());
    QStringList names;
    if (auto list = store.list(false)) {
        for (const StoreEntry& e : *list) names.append(QString::fromStdString(e.displayName));
    }
    if (names != models_) {
        models_ = names;
        emit modelsChanged();
    }
}

qint64 ChatController::newChat() {
    if (streaming()) return -1;
    const QString model = currentModel().isEmpty() ? loadedModel_ : currentModel();
    const qint64 id = store_.createConversation(kNewChatTitle);
    if (id < 0) {
        setNotice(store_.errorString());
        return -1;
    }
    if (!model.isEmpty()) store_.setConversationModel(id, model); // keep talking to the same one
    // New chats offload as many layers as fit; older chats without the key stay on the CPU.
    store_.setConversationSettings(id, QStringLiteral("{\"gpuLayers\":%1}").arg(kAutoGpuLayers));
    if (!search_.isEmpty()) {
        search_.clear();
        emit searchChanged();
    }
    reloadConversations();
    select(id);
    return id;
}

bool ChatController::select(qint64 conversationId) {
    if (streaming() || conversations_.rowOf(conversationId) < 0) return false;
    currentId_ = conversationId;
    reloadMessages();
    emit currentChanged();
    emit settingsChanged();
    // Opening a chat warms up its model, so the first reply does not wait for the load.
    const QString model = currentModel();
    const bool otherLayers =
        model == loadedModel_ && currentSettings().gpuLayers != loadedGpuLayers_;
    if (!model.isEmpty() && model != loadingModel_ && (model != loadedModel_ || otherLayers))
        requestLoad(model);
    return true;
}

bool ChatController::remove(qint64 conversationId) {
    if (streaming() && conversationId == currentId_) return false;
    const int row = conversations_.rowOf(conversationId);
    const QString title = row >= 0 ? conversations_.at(row).title : QString();
    if (!store_.deleteConversation(conversationId)) {
        setNotice(store_.errorString());
        return false;
    }
    undoId_ = conversationId;
    undoTitle_ = title;
    emit undoChanged();
    reloadConversations();
    if (conversationId == currentId_) {
        currentId_ = -1;
        messages_.reset({});
        emit currentChanged();
    }
    return true;
}

bool ChatController::undoRemove() {
    if (undoId_ < 0 || !store_.restoreConversation(undoId_)) return false;
    const qint64 id = undoId_;
    undoId_ = -1;
    undoTitle_.clear();
    emit undoChanged();
    reloadConversations();
    if (!streaming()) select(id);
    return true;
}

bool ChatController::rename(qint64 conversationId, const QString& title) {
    const QString clean = title.simplified();
    if (clean.isEmpty() || !store_.renameConversation(conversationId, clean)) return false;
    reloadConversations();
    emit currentChanged();
    return true;
}

bool ChatController::send(const QString& text) {
    if (text.trimmed().isEmpty() || streaming() || !ready()) return false;
    if (currentId_ < 0 && newChat() < 0) return false;
    const qint64 id = store_.addMessage(currentId_, QStringLiteral("user"), text);
    if (id < 0) {
        setNotice(store_.errorString());
        return false;
    }
    if (currentTitle() == kNewChatTitle) store_.renameConversation(currentId_, titleFrom(text));
    reloadMessages();
    reloadConversations();
    emit currentChanged();
    startReply();
    return true;
}

bool ChatController::startReply() {
    const QString model = currentModel();
    if (model.isEmpty()) {
        setNotice(tr("Your message is saved, but this chat has no model yet. Pick one above the "
                     "messages, or open a .gguf file."));
        return false;
    }
    if (model != loadedModel_) {
        // Answer as soon as the model is in memory.
        replyAfterLoad_ = true;
        if (model != loadingModel_) requestLoad(model);
        return true;
    }
    QList<ChatTurn> turns;
    for (int i = 0; i < messages_.rowCount(); ++i) {
        const MessageRow& m = messages_.at(i);
        if (m.state == QLatin1String("error")) continue; // our words, not the model's
        turns.append({m.role, m.content});
    }
    const GenerationSettings settings = currentSettings();
    if (!beginAssistantMessage(model)) return false;
    setNotice({});
    requestId_ = ++nextRequest_;
    QMetaObject::invokeMethod(worker_, "generate", Qt::QueuedConnection, Q_ARG(quint64, requestId_),
                              Q_ARG(QList<hearth::ChatTurn>, turns),
                              Q_ARG(hearth::GenerationSettings, settings));
    return true;
}

bool ChatController::stop() {
    if (replyAfterLoad_) {
        replyAfterLoad_ = false;
        cancelLoad();
        return true;
    }
    if (!streaming() || requestId_ == 0) return false;
    worker_->cancelGeneration(requestId_); // checked before the next token
    requestId_ = 0;                        // anything still in flight is dropped
    finishAssistantMessage(QStringLiteral("stopped"));
    emit replyFinished(QStringLiteral("stopped"));
    return true;
}

bool ChatController::regenerate() {
    if (streaming() || messages_.rowCount() == 0) return false;
    const int last = messages_.rowCount() - 1;
    if (messages_.at(last).role != QLatin1String("assistant")) return false;
    const qint64 oldId = messages_.at(last).id;
    const QString model = currentModel();
    if (model.isEmpty() || model != loadedModel_) {
        setNotice(tr("Load this chat's model first, then regenerate."));
        return false;
    }
    // The old answer leaves the conversation the model sees, but stays one click away.
    if (!store_.stashFrom(currentId_, oldId)) return false;
    reloadMessages();
    if (!startReply()) return false;
    if (!store_.addAlternative(oldId, messages_.at(streamingRow_).id)) {
        setNotice(store_.errorString());
        return false;
    }
    // The streaming row learns its place among the answers without a model reset.
    const QList<MessageRow> rows = store_.messages(currentId_);
    if (!rows.isEmpty())
        messages_.setAlternatives(streamingRow_, rows.constLast().altGroup,
                                  rows.constLast().altIndex, rows.constLast().altCount);
    return true;
}

bool ChatController::showAlternative(int row, int index) {
    if (streaming() || row < 0 || row >= messages_.rowCount()) return false;
    const MessageRow& m = messages_.at(row);
    if (m.altGroup == 0 || index < 0 || index >= m.altCount) return false;
    if (!store_.showAlternative(m.altGroup, index)) {
        setNotice(store_.errorString());
        return false;
    }
    reloadMessages();
    return true;
}

bool ChatController::editAndResend(int row, const QString& text) {
    if (streaming() || text.trimmed().isEmpty() || row < 0 || row >= messages_.rowCount())
        return false;
    if (messages_.at(row).role != QLatin1String("user")) return false;
    // The old prompt and its branch stay stored: the edited prompt shows "< 2 / 2 >" and
    // flipping back brings the earlier conversation back.
    const qint64 oldId = messages_.at(row).id;
    if (!store_.stashFrom(currentId_, oldId)) {
        setNotice(store_.errorString());
        return false;
    }
    const qint64 newId = store_.addMessage(currentId_, QStringLiteral("user"), text);
    if (newId < 0 || !store_.addAlternative(oldId, newId)) {
        setNotice(store_.errorString());
        reloadMessages();
        return false;
    }
    reloadMessages();
    reloadConversations();
    startReply();
    return true;
}

bool ChatController::setModel(const QString& model) {
    if (streaming() || model.trimmed().isEmpty()) return false;
    QString name = model;
    if (name.startsWith(QLatin1String("file:"))) name = QUrl(name).toLocalFile();
    if (currentId_ < 0 && newChat() < 0) return false;
    if (!store_.setConversationModel(currentId_, name)) {
        setNotice(store_.errorString());
        return false;
    }
    reloadConversations();
    emit currentChanged();
    emit settingsChanged();
    if (name != loadedModel_ && name != loadingModel_) requestLoad(name);
    return true;
}

void ChatController::requestLoad(const QString& model) {
    if (loadId_) worker_->cancelLoad(loadId_);
    loadId_ = ++nextRequest_;
    loadingModel_ = model;
    loadProgress_ = 0;
    loadStage_ = tr("Loading %1").arg(model);
    // The worker unloads the old model first; say so now rather than after the load.
    loadedModel_.clear();
    emit statusChanged();
    emit loadingChanged();
    const GenerationSettings settings = currentSettings();
    loadingGpuLayers_ = settings.gpuLayers;
    QMetaObject::invokeMethod(worker_, "load", Qt::QueuedConnection, Q_ARG(quint64, loadId_),
                              Q_ARG(QString, model), Q_ARG(int, settings.contextLength),
                              Q_ARG(int, settings.gpuLayers));
}

void ChatController::cancelLoad() {
    if (!loadId_) return;
    worker_->cancelLoad(loadId_);
    loadId_ = 0;
    loadingModel_.clear();
    replyAfterLoad_ = false;
    emit loadingChanged();
}

bool ChatController::setSettings(const QVariantMap& map) {
    if (currentId_ < 0) return false;
    const GenerationSettings before = currentSettings();
    const GenerationSettings s = GenerationSettings::fromMap(map, currentSettings());
    const QByteArray json =
        QJsonDocument(QJsonObject::fromVariantMap(s.toMap())).toJson(QJsonDocument::Compact);
    if (!store_.setConversationSettings(currentId_, QString::fromUtf8(json))) {
        setNotice(store_.errorString());
        return false;
    }
    reloadConversations();
    emit settingsChanged();
    // Where the layers run is fixed at load time: a new count means loading again.
    const QString model = currentModel();
    const bool inMemory = !model.isEmpty() && (model == loadedModel_ || model == loadingModel_);
    // Auto's count depends on the context length too: a model auto put on the GPU is placed
    // again (one it left on the CPU keeps running there).
    const bool autoOnGpu = s.gpuLayers == kAutoGpuLayers && model == loadedModel_ &&
                           loadedInfo_.gpuAuto && loadedInfo_.gpuLayers > 0;
    const bool placement =
        s.gpuLayers != before.gpuLayers || (autoOnGpu && s.contextLength != before.contextLength);
    if (placement && inMemory && !streaming()) requestLoad(model);
    return true;
}

void ChatController::onLoadProgress(quint64 loadId, double fraction, const QString& stage) {
    if (loadId != loadId_) return;
    loadProgress_ = fraction;
    loadStage_ = stage;
    emit loadingChanged();
}

void ChatController::onLoaded(quint64 loadId, const LoadedModelInfo& info) {
    if (loadId != loadId_) return;
    loadId_ = 0;
    loadingModel_.clear();
    loadedModel_ = info.name;
    loadedInfo_ = info;
    loadedGpuLayers_ = loadingGpuLayers_;
    emit loadingChanged();
    emit statusChanged();
    emit settingsChanged();
    if (!info.gpuNote.isEmpty() && !info.gpuAuto) {
        // Fewer layers on the GPU than asked: the chat works, and says why it is slower. (What
        // auto chose is shown beside "Runs on", not as a warning.)
        setNotice(info.gpuNote);
        announce(info.gpuNote);
    }
    if (replyAfterLoad_) {
        replyAfterLoad_ = false;
        if (currentModel() == loadedModel_) startReply();
    }
}

void ChatController::onLoadFailed(quint64 loadId, const EngineError& error) {
    if (loadId != loadId_) return;
    loadId_ = 0;
    loadingModel_.clear();
    replyAfterLoad_ = false;
    emit loadingChanged();
    setNotice(error.text());
    announce(error.text());
}

void ChatController::onText(quint64 requestId, const QString& text) {
    if (requestId != requestId_ || !streaming()) return; // a cancelled request's late chunk
    appendAssistantText(text);
}

void ChatController::onFinished(quint64 requestId, const GenerationStats& stats) {
    if (requestId != requestId_ || !streaming()) return;
    requestId_ = 0;
    const QJsonObject o{{QStringLiteral("tokens"), stats.generatedTokens},
                        {QStringLiteral("promptTokens"), stats.promptTokens},
                        {QStringLiteral("tokensPerSecond"), stats.tokensPerSecond},
                        {QStringLiteral("timeToFirstTokenMs"), stats.timeToFirstTokenMs},
                        {QStringLiteral("stopReason"), stats.stopReason}};
    const QString json = QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
    const int row = streamingRow_;
    store_.setMessageStats(messages_.at(row).id, json);
    messages_.setStats(row, json);
    const QString reply = messages_.at(row).content;
    finishAssistantMessage(QStringLiteral("complete"));
    if (stats.stopReason == QLatin1String("context-full"))
        setNotice(tr("The reply stopped because the chat filled the model's context. Start a new "
                     "chat or raise the context length in this chat's settings."));
    announce(tr("Reply complete: %1").arg(spokenSummary(reply)));
    emit replyFinished(QStringLiteral("complete"));
}

void ChatController::onFailed(quint64 requestId, const EngineError& error) {
    if (requestId != requestId_ || !streaming()) return;
    requestId_ = 0;
    const int row = streamingRow_;
    // The error is shown in the chat where the answer would be, and kept out of the prompt.
    if (messages_.at(row).content.isEmpty()) {
        store_.appendToMessage(messages_.at(row).id, error.text());
        messages_.setContent(row, error.text());
    }
    finishAssistantMessage(QStringLiteral("error"));
    setNotice(error.text());
    announce(error.text());
    emit replyFinished(QStringLiteral("error"));
}

bool ChatController::beginAssistantMessage(const QString& model) {
    if (currentId_ < 0 || streaming()) return false;
    const qint64 id = store_.addMessage(currentId_, QStringLiteral("assistant"), QString(), model,
                                        QStringLiteral("streaming"));
    if (id < 0) {
        setNotice(store_.errorString());
        return false;
    }
    const QList<MessageRow> rows = store_.messages(currentId_);
    messages_.append(rows.constLast());
    streamingRow_ = messages_.rowCount() - 1;
    emit statusChanged();
    return true;
}

bool ChatController::appendAssistantText(const QString& chunk) {
    if (!streaming()) return false;
    // Written before it is shown: what the user saw is always on disk.
    if (!store_.appendToMessage(messages_.at(streamingRow_).id, chunk)) {
        setNotice(store_.errorString());
        return false;
    }
    messages_.appendText(streamingRow_, chunk);
    return true;
}

bool ChatController::finishAssistantMessage(const QString& state) {
    if (!streaming()) return false;
    const bool ok = store_.setMessageState(messages_.at(streamingRow_).id, state);
    messages_.setState(streamingRow_, state);
    streamingRow_ = -1;
    emit statusChanged();
    return ok;
}

QVariantMap ChatController::starter() const {
    if (!starter_) starter_ = pickStarter();
    return *starter_;
}

bool ChatController::downloadStarter() {
    const QString spec = starter().value(QStringLiteral("spec")).toString();
    if (spec.isEmpty() || starterState_ == QLatin1String("downloading")) return false;
    // The running job when Discover already started this model.
    DownloadJob* job = downloads_->enqueue(spec);
    if (!job) return false;
    followStarter(job);
    return true;
}

void ChatController::followStarter(DownloadJob* job) {
    if (job == starterJob_) return; // enqueue announced it before returning it
    starterJob_ = job;
    connect(job, &DownloadJob::changed, this, &ChatController::onStarterChanged,
            Qt::UniqueConnection);
    connect(job, &DownloadJob::finished, this, &ChatController::onStarterFinished,
            Qt::UniqueConnection);
    starterState_ = QStringLiteral("downloading");
    onStarterChanged();
    if (job->finishedState()) onStarterFinished(); // a job that ended at once
}

void ChatController::cancelStarter() {
    if (starterJob_ && !starterJob_->finishedState()) starterJob_->cancel();
}

void ChatController::onStarterChanged() {
    if (!starterJob_) return;
    const qint64 total = starterJob_->bytesTotal();
    const qint64 done = starterJob_->bytesDone();
    starterProgress_ = total > 0 ? double(done) / double(total) : 0.0;
    starterStatus_ = total > 0 ? tr("%1 of %2").arg(byteSizeText(done), byteSizeText(total))
                               : tr("Finding the files");
    if (starterJob_->bytesPerSecond() > 0)
        starterStatus_ += tr(" · %1").arg(byteRateText(starterJob_->bytesPerSecond()));
    emit starterChanged();
}

void ChatController::onStarterFinished() {
    if (!starterJob_ || starterState_ != QLatin1String("downloading")) return;
    DownloadJob* job = starterJob_;
    if (job->state() != DownloadJob::State::Done) {
        starterState_ = QStringLiteral("failed");
        starterStatus_ = job->state() == DownloadJob::State::Cancelled
                             ? tr("Download cancelled.")
                             : tr("The download failed: %1").arg(job->error());
        emit starterChanged();
        announce(starterStatus_);
        return;
    }
    starterState_ = QStringLiteral("done");
    starterProgress_ = 1.0;
    starterStatus_ = tr("Downloaded %1.").arg(job->modelName());
    emit starterChanged();
    refreshModels();
    // Talk to it at once: in the open chat while it is still empty, else in a new one.
    if (streaming()) return;
    if (currentId_ < 0 || messages_.rowCount() > 0) newChat();
    setModel(job->modelName());
    announce(tr("%1 is downloaded; a chat with it is open.").arg(job->modelName()));
}

QString ChatController::exportMarkdown(qint64 conversationId) const {
    const int row = conversations_.rowOf(conversationId);
    QString out =
        QStringLiteral("# %1\n\n").arg(row >= 0 ? conversations_.at(row).title : tr("Chat"));
    for (const MessageRow& m : store_.messages(conversationId)) {
        const QString who = m.role == QLatin1String("user") ? tr("You")
                            : m.model.isEmpty()             ? m.role
                                                            : m.model;
        out += QStringLiteral("## %1 (%2)\n\n%3\n\n")
                   .arg(who, m.createdAt.toString(Qt::ISODate), m.content);
    }
    return out;
}

QString ChatController::exportJson(qint64 conversationId) const {
    const int row = conversations_.rowOf(conversationId);
    QJsonArray messages;
    for (const MessageRow& m : store_.messages(conversationId)) {
        QJsonObject o{{QStringLiteral("role"), m.role},
                      {QStringLiteral("content"), m.content},
                      {QStringLiteral("createdAt"), m.createdAt.toString(Qt::ISODateWithMs)},
                      {QStringLiteral("state"), m.state}};
        if (!m.model.isEmpty()) o.insert(QStringLiteral("model"), m.model);
        if (!m.stats.isEmpty())
            o.insert(QStringLiteral("stats"), QJsonDocument::fromJson(m.stats.toUtf8()).object());
        messages.append(o);
    }
    const QJsonObject doc{
        {QStringLiteral("title"), row >= 0 ? conversations_.at(row).title : QString()},
        {QStringLiteral("model"), row >= 0 ? conversations_.at(row).model : QString()},
        {QStringLiteral("messages"), messages}};
    return QString::fromUtf8(QJsonDocument(doc).toJson(QJsonDocument::Indented));
}

bool ChatController::exportToFile(qint64 conversationId, const QString& pathOrUrl) {
    const QString path =
        pathOrUrl.startsWith(QLatin1String("file:")) ? QUrl(pathOrUrl).toLocalFile() : pathOrUrl;
    const bool json = path.endsWith(QLatin1String(".json"), Qt::CaseInsensitive);
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
        setNotice(tr("Cannot write %1: %2").arg(path, f.errorString()));
        return false;
    }
    f.write((json ? exportJson(conversationId) : exportMarkdown(conversationId)).toUtf8());
    return f.flush();
}

} // namespace hearth
