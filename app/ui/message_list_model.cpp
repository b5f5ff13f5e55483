#include "message_list_model.h"

namespace hearth {

int MessageListModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(rows_.size());
}

QVariant MessageListModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const MessageRow& row = rows_.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case ContentRole:
        return row.content;
    case IdRole:
        return row.id;
    case RoleRole:
        return row.role;
    case ModelRole:
        return row.model;
    case StateRole:
        return row.state;
    case CreatedRole:
        return row.createdAt;
    default:
        return {};
    }
}

QHash<int, QByteArray> MessageListModel::roleNames() const {
    return {{IdRole, "messageId"},    {RoleRole, "role"},          {ContentRole, "content"},
            {ModelRole, "modelName"}, {StateRole, "messageState"}, {CreatedRole, "createdAt"}};
}

void MessageListModel::reset(const QList<MessageRow>& rows) {
    beginResetModel();
    rows_ = rows;
    endResetModel();
    emit countChanged();
}

void MessageListModel::append(const MessageRow& row) {
    const int at = int(rows_.size());
    beginInsertRows(QModelIndex(), at, at);
    rows_.append(row);
    endInsertRows();
    emit countChanged();
}

void MessageListModel::appendText(int row, const QString& chunk) {
    if (row < 0 || row >= rows_.size()) return;
    rows_[row].content += chunk;
    const QModelIndex i = index(row);
    emit dataChanged(i, i, {ContentRole, Qt::DisplayRole});
}

void MessageListModel::setState(int row, const QString& state) {
    if (row < 0 || row >= rows_.size()) return;
    rows_[row].state = state;
    const QModelIndex i = index(row);
    emit dataChanged(i, i, {StateRole});
}

} // namespace hearth
