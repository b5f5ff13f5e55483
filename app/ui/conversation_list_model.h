#pragma once
// ConversationListModel: the chats in the sidebar, most recent first.
#include "app/core/conversation_store.h"

#include <QAbstractListModel>
#include <QtQml/qqmlregistration.h>

namespace hearth {

class ConversationListModel : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Owned by ChatController")
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)

public:
    enum Role { IdRole = Qt::UserRole + 1, TitleRole, UpdatedRole, SectionRole, ModelRole };

    using QAbstractListModel::QAbstractListModel;

    int rowCount(const QModelIndex& parent = QModelIndex()) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    void reset(const QList<ConversationRow>& rows);
    int rowOf(qint64 id) const; // -1 when absent
    const ConversationRow& at(int row) const { return rows_.at(row); }
    // "Today", "Yesterday", "Previous 7 days", "Previous 30 days", else the month and year.
    static QString sectionFor(const QDateTime& updated, const QDate& today);

signals:
    void countChanged();

private:
    QList<ConversationRow> rows_;
};

} // namespace hearth
