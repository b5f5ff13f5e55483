#include "conversation_list_model.h"

#include <QLocale>

namespace hearth {

int ConversationListModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(rows_.size());
}

QVariant ConversationListModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const ConversationRow& row = rows_.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case TitleRole:
        return row.title;
    case IdRole:
        return row.id;
    case UpdatedRole:
        return row.updatedAt;
    case SectionRole:
        return sectionFor(row.updatedAt, QDate::currentDate());
    case ModelRole:
        return row.model;
    default:
        return {};
    }
}

QHash<int, QByteArray> ConversationListModel::roleNames() const {
    return {{IdRole, "conversationId"},
            {TitleRole, "title"},
            {UpdatedRole, "updatedAt"},
            {SectionRole, "section"},
            {ModelRole, "modelName"}};
}

void ConversationListModel::reset(const QList<ConversationRow>& rows) {
    beginResetModel();
    rows_ = rows;
    endResetModel();
    emit countChanged();
}

QString ConversationListModel::sectionFor(const QDateTime& updated, const QDate& today) {
    const qint64 days = updated.toLocalTime().date().daysTo(today);
    if (days <= 0) return tr("Today");
    if (days == 1) return tr("Yesterday");
    if (days < 7) return tr("Previous 7 days");
    if (days < 30) return tr("Previous 30 days");
    return QLocale().toString(updated.toLocalTime().date(), QStringLiteral("MMMM yyyy"));
}

int ConversationListModel::rowOf(qint64 id) const {
    for (int i = 0; i < rows_.size(); ++i)
        if (rows_.at(i).id == id) return i;
    return -1;
}

} // namespace hearth
