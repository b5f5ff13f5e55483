// DownloadManager: a queue of DownloadJobs over one network access manager.
#include "app/core/download_manager.h"

#include <QNetworkAccessManager>
#include <QNetworkProxyFactory>

namespace hearth {

DownloadManager::DownloadManager(DownloadSettings settings, QString storeRoot, QObject* parent)
    : QObject(parent), settings_(std::move(settings)), root_(std::move(storeRoot)),
      nam_(new QNetworkAccessManager(this)),
      limiter_(new BandwidthLimiter(settings_.bandwidthLimit, this)) {
    // http_proxy / https_proxy / no_proxy from the environment (and the desktop's settings).
    QNetworkProxyFactory::setUseSystemConfiguration(true);
    // Redirects are followed by hand (credentials must not cross hosts); nothing automatic.
    nam_->setRedirectPolicy(QNetworkRequest::ManualRedirectPolicy);
}

DownloadManager::~DownloadManager() {
    // Jobs first: their replies belong to the network manager.
    qDeleteAll(jobs_);
    jobs_.clear();
}

DownloadJob* DownloadManager::enqueue(const QString& spec) {
    for (DownloadJob* j : jobs_)
        if (j->spec() == spec && !j->finishedState()) return j;
    auto* job = new DownloadJob(nam_, settings_, root_, spec, limiter_, this);
    connect(job, &DownloadJob::finished, this, [this, job] {
        emit jobFinished(job);
        startNext();
    });
    jobs_.push_back(job);
    emit jobAdded(job);
    startNext();
    return job;
}

void DownloadManager::remove(DownloadJob* job) {
    if (!jobs_.contains(job)) return;
    job->cancel();
    jobs_.removeAll(job);
    emit jobRemoved(job);
    job->deleteLater();
}

void DownloadManager::setMaxActive(int n) {
    maxActive_ = std::max(1, n);
    startNext();
}

void DownloadManager::startNext() {
    int active = 0;
    for (DownloadJob* j : jobs_)
        active += !j->finishedState() && j->state() != DownloadJob::State::Queued;
    for (DownloadJob* j : jobs_) {
        if (active >= maxActive_) break;
        if (j->state() == DownloadJob::State::Queued) {
            ++active;
            j->start();
        }
    }
}

} // namespace hearth
