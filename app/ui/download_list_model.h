#pragma once
// DownloadListModel: the download queue for QML, one row per DownloadJob with its state,
// progress, speed and ETA, plus pause/resume/cancel/remove by row.
#include <QAbstractListModel>
#include <QtQml/qqmlregistration.h>

namespace hearth {

class DownloadManager;
class DownloadJob;

class DownloadListModel : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Owned by DiscoverController")
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)

public:
    enum Role {
        NameRole = Qt::UserRole + 1,
        SpecRole,
        StateRole,     // "queued", "downloading", "paused", "success", "failed", "cancelled"...
        ProgressRole,  // 0..1
        BytesTextRole, // "12.3 MB of 800 MB" (app/core/byte_size.h)
        SpeedTextRole,
        EtaTextRole,
        ErrorRole,
        ActiveRole, // can be paused or cancelled
    };

    explicit DownloadListModel(DownloadManager* manager, QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    Q_INVOKABLE void pause(int row);
    Q_INVOKABLE void resume(int row);
    Q_INVOKABLE void cancel(int row);
    Q_INVOKABLE void remove(int row); // finished rows only

signals:
    void countChanged();

private:
    DownloadJob* jobAt(int row) const;
    void watch(DownloadJob* job);
    DownloadManager* manager_;
};

} // namespace hearth
