#include "chat_controller.h"

#include <QDir>
#include <QStandardPaths>

namespace hearth {

namespace {

const QString kNewChatTitle = QStringLiteral("New chat");

// A chat is named after the start of its first message, on one line.
QString titleFrom(const QString& text) {
    QString line = text.simplified();
    constexpr int kMax = 48;
    if (line.size() > kMax) line = line.left(kMax - 1).trimmed() + QChar(0x2026);
    return line;
}

} // namespace

QString ChatController::defaultDatabasePath() {
    QString dir = qEnvironmentVariable("HEARTH_DATA_DIR");
    if (dir.isEmpty()) dir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    return QDir(dir).filePath(QStringLiteral("chats.sqlite"));
}

ChatController::ChatController(QObject* parent) : ChatController(defaultDatabasePath(), parent) {}

ChatController::ChatController(const QString& databasePath, QObject* parent)
    : QObject(parent), path_(databasePath) {
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
}

ChatController::~ChatController() = default;

QString ChatController::currentTitle() const {
    const int row = conversations_.rowOf(currentId_);
    return row < 0
               ? QString()
               : conversations_.data(conversations_.index(row), ConversationListModel::TitleRole)
                     .toString();
}

void ChatController::setNotice(const QString& notice) {
    if (notice_ == notice) return;
    notice_ = notice;
    emit statusChanged();
}

void ChatController::reloadConversations() {
    conversations_.reset(store_.conversations());
}

qint64 ChatController::newChat() {
    if (streaming()) return -1;
    const qint64 id = store_.createConversation(kNewChatTitle);
    if (id < 0) {
        setNotice(store_.errorString());
        return -1;
    }
    reloadConversations();
    select(id);
    return id;
}

bool ChatController::select(qint64 conversationId) {
    if (streaming() || conversations_.rowOf(conversationId) < 0) return false;
    currentId_ = conversationId;
    messages_.reset(store_.messages(conversationId));
    emit currentChanged();
    return true;
}

bool ChatController::remove(qint64 conversationId) {
    if (streaming() && conversationId == currentId_) return false;
    if (!store_.deleteConversation(conversationId)) {
        setNotice(store_.errorString());
        return false;
    }
    reloadConversations();
    if (conversationId == currentId_) {
        currentId_ = -1;
        messages_.reset({});
        emit currentChanged();
    }
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
    messages_.reset(store_.messages(currentId_));
    reloadConversations();
    emit currentChanged();
    if (!modelAvailable())
        setNotice(tr("Your message is saved, but no model is loaded, so nothing can answer yet."));
    return true;
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

} // namespace hearth
