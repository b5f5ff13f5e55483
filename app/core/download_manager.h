#pragma once
// DownloadManager: the download queue. Owns the network access manager (proxies from the
// environment, TLS verified by Qt's defaults), the shared bandwidth limiter, and runs at most
// maxActive jobs at once; the rest wait in order.
#include "app/core/download_job.h"
#include "app/core/download_settings.h"

#include <QObject>
#include <QVector>

class QNetworkAccessManager;

namespace hearth {

class DownloadManager : public QObject {
    Q_OBJECT
public:
    DownloadManager(DownloadSettings settings, QString storeRoot, QObject* parent = nullptr);
    ~DownloadManager() override;

    // Queues a pull; an unfinished job for the same spec is returned instead of a second one.
    DownloadJob* enqueue(const QString& spec);
    const QVector<DownloadJob*>& jobs() const { return jobs_; }
    void remove(DownloadJob* job); // cancels it if running
    void setMaxActive(int n);
    const QString& storeRoot() const { return root_; }
    const DownloadSettings& settings() const { return settings_; }
    QNetworkAccessManager* network() const { return nam_; }

signals:
    void jobAdded(hearth::DownloadJob* job);
    void jobRemoved(hearth::DownloadJob* job);
    void jobFinished(hearth::DownloadJob* job);

private:
    void startNext();

    DownloadSettings settings_;
    QString root_;
    QNetworkAccessManager* nam_;
    BandwidthLimiter* limiter_;
    QVector<DownloadJob*> jobs_;
    int maxActive_ = 1;
};

} // namespace hearth
