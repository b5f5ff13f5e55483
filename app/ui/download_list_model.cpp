// DownloadListModel: see download_list_model.h.
#include "download_list_model.h"

#include "app/core/byte_size.h"
#include "app/core/download_manager.h"

namespace hearth {

DownloadListModel::DownloadListModel(DownloadManager* manager, QObject* parent)
    : QAbstractListModel(parent), manager_(manager) {
    for (DownloadJob* job : manager_->jobs()) watch(job);
    connect(manager_, &DownloadManager::jobAdded, this, [this](DownloadJob* job) {
        const int row = int(manager_->jobs().indexOf(job));
        beginInsertRows({}, row, row);
        endInsertRows();
        watch(job);
        emit countChanged();
    });
}

void DownloadListModel::watch(DownloadJob* job) {
    connect(job, &DownloadJob::changed, this, [this, job] {
        const int row = int(manager_->jobs().indexOf(job));
        if (row >= 0) emit dataChanged(index(row), index(row));
    });
}

DownloadJob* DownloadListModel::jobAt(int row) const {
    return row >= 0 && row < manager_->jobs().size() ? manager_->jobs().at(row) : nullptr;
}

int DownloadListModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(manager_->jobs().size());
}

QVariant DownloadListModel::data(const QModelIndex& index, int role) const {
    const DownloadJob* job = jobAt(index.row());
    if (!job) return {};
    switch (role) {
    case NameRole:
        return job->modelName().isEmpty() ? job->spec() : job->modelName();
    case SpecRole:
        return job->spec();
    case StateRole:
        return job->stateName();
    case ProgressRole:
        return job->bytesTotal() > 0 ? double(job->bytesDone()) / double(job->bytesTotal()) : 0.0;
    case BytesTextRole:
        return job->bytesTotal() > 0
                   ? tr("%1 of %2")
                         .arg(byteSizeText(job->bytesDone()), byteSizeText(job->bytesTotal()))
                   : QString();
    case SpeedTextRole:
        return job->state() == DownloadJob::State::Downloading && job->bytesPerSecond() > 0
                   ? byteRateText(job->bytesPerSecond())
                   : QString();
    case EtaTextRole: {
        const qint64 s = job->etaSeconds();
        if (s < 0 || job->state() != DownloadJob::State::Downloading) return QString();
        return s >= 3600 ? QStringLiteral("%1 h %2 min left").arg(s / 3600).arg((s % 3600) / 60)
               : s >= 60 ? QStringLiteral("%1 min %2 s left").arg(s / 60).arg(s % 60)
                         : QStringLiteral("%1 s left").arg(s);
    }
    case ErrorRole:
        return job->state() == DownloadJob::State::Failed ? job->error() : QString();
    case ActiveRole:
        return !job->finishedState();
    }
    return {};
}

QHash<int, QByteArray> DownloadListModel::roleNames() const {
    return {{NameRole, "name"},         {SpecRole, "spec"},           {StateRole, "status"},
            {ProgressRole, "progress"}, {BytesTextRole, "bytesText"}, {SpeedTextRole, "speedText"},
            {EtaTextRole, "etaText"},   {ErrorRole, "error"},         {ActiveRole, "active"}};
}

void DownloadListModel::pause(int row) {
    if (DownloadJob* j = jobAt(row)) j->pause();
}
void DownloadListModel::resume(int row) {
    if (DownloadJob* j = jobAt(row)) j->resume();
}
void DownloadListModel::cancel(int row) {
    if (DownloadJob* j = jobAt(row)) j->cancel();
}

void DownloadListModel::remove(int row) {
    DownloadJob* j = jobAt(row);
    if (!j || !j->finishedState()) return;
    beginRemoveRows({}, row, row);
    manager_->remove(j);
    endRemoveRows();
    emit countChanged();
}

} // namespace hearth
