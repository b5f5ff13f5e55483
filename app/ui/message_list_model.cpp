#include "message_list_model.h"

#include <QJsonDocument>
#include <QJsonObject>

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
    case StatsRole:
        return describeStats(row.stats);
    case AltIndexRole:
        return row.altIndex;
    case AltCountRole:
        return row.altCount;
    case AltGroupRole:
        return row.altGroup;
    default:
        return {};
    }
}

QHash<int, QByteArray> MessageListModel::roleNames() const {
    return {{IdRole, "messageId"},     {RoleRole, "role"},          {ContentRole, "content"},
            {ModelRole, "modelName"},  {StateRole, "messageState"}, {CreatedRole, "createdAt"},
            {StatsRole, "stats"},      {AltIndexRole, "altIndex"},  {AltCountRole, "altCount"},
            {AltGroupRole, "altGroup"}};
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

void MessageListModel::setContent(int row, const QString& content) {
    if (row < 0 || row >= rows_.size()) return;
    rows_[row].content = content;
    const QModelIndex i = index(row);
    emit dataChanged(i, i, {ContentRole, Qt::DisplayRole});
}

void MessageListModel::setStats(int row, const QString& statsJson) {
    if (row < 0 || row >= rows_.size()) return;
    rows_[row].stats = statsJson;
    const QModelIndex i = index(row);
    emit dataChanged(i, i, {StatsRole});
}

void MessageListModel::setAlternatives(int row, qint64 group, int position, int count) {
    if (row < 0 || row >= rows_.size()) return;
    rows_[row].altGroup = group;
    rows_[row].altIndex = position;
    rows_[row].altCount = count;
    const QModelIndex i = index(row);
    emit dataChanged(i, i, {AltGroupRole, AltIndexRole, AltCountRole});
}

QString MessageListModel::describeStats(const QString& statsJson) {
    if (statsJson.isEmpty()) return {};
    const QJsonObject o = QJsonDocument::fromJson(statsJson.toUtf8()).object();
    if (o.isEmpty()) return {};
    return tr("%1 tokens · %2 tokens/s · first token %3 ms")
        .arg(o.value(QStringLiteral("tokens")).toInt())
        .arg(o.value(QStringLiteral("tokensPerSecond")).toDouble(), 0, 'f', 1)
        .arg(o.value(QStringLiteral("timeToFirstTokenMs")).toDouble(), 0, 'f', 0);
}

} // namespace hearth
