#pragma once
// MessageListModel: the messages of the open chat. Streamed text grows one row in place and
// signals only that row's content and state, so long chats stay cheap to update.
#include "app/core/conversation_store.h"

#include <QAbstractListModel>
#include <QtQml/qqmlregistration.h>

namespace hearth {

class MessageListModel : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Owned by ChatController")
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)

public:
    enum Role {
        IdRole = Qt::UserRole + 1,
        RoleRole,
        ContentRole,
        ModelRole,
        StateRole,
        CreatedRole,
        StatsRole,    // "42 tokens · 310.5 tokens/s · first token 12 ms"
        AltIndexRole, // this answer's place among regenerated alternatives
        AltCountRole,
        AltGroupRole,
    };

    using QAbstractListModel::QAbstractListModel;

    int rowCount(const QModelIndex& parent = QModelIndex()) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    void reset(const QList<MessageRow>& rows);
    void append(const MessageRow& row);
    void appendText(int row, const QString& chunk);
    void setState(int row, const QString& state);
    void setContent(int row, const QString& content);
    void setStats(int row, const QString& statsJson);
    void setAlternatives(int row, qint64 group, int position, int count);
    // The stats JSON in words for the bubble's footer.
    static QString describeStats(const QString& statsJson);
    const MessageRow& at(int row) const { return rows_.at(row); }

signals:
    void countChanged();

private:
    QList<MessageRow> rows_;
};

} // namespace hearth
