// sharedDownloadManager: see shared_download_manager.h.
#include "shared_download_manager.h"

#include "app/core/download_manager.h"

#include <QDir>
#include <QFileInfo>
#include <QHash>

#include <iterator>

namespace hearth {

std::shared_ptr<DownloadManager> sharedDownloadManager(const QString& storeRoot) {
    // Weak: the queue goes with the last page that uses it, while the application still runs
    // (its network manager must not outlive QCoreApplication).
    static QHash<QString, std::weak_ptr<DownloadManager>> live;
    const QString key = QDir::cleanPath(QFileInfo(storeRoot).absoluteFilePath());
    if (auto existing = live.value(key).lock()) return existing;
    for (auto it = live.begin(); it != live.end();)
        it = it.value().expired() ? live.erase(it) : std::next(it);
    auto made = std::make_shared<DownloadManager>(DownloadSettings::fromEnvironment(), key);
    live.insert(key, made);
    return made;
}

} // namespace hearth
