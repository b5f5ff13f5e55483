#pragma once
// The app's one download queue per model store, shared by every controller that downloads into
// it (the Chats page's first-run starter, Discover). One list of jobs means a download started
// on one page shows, and can be cancelled, on the other, and the same model is never fetched
// twice at once (DownloadManager::enqueue returns the running job). Two queues on one store
// would also race on the same partial blob files.
#include <QString>

#include <memory>

namespace hearth {

class DownloadManager;

// The live queue for `storeRoot` (paths compared cleaned and absolute), made on first use with
// DownloadSettings::fromEnvironment(); it lives while someone holds it. UI thread only.
std::shared_ptr<DownloadManager> sharedDownloadManager(const QString& storeRoot);

} // namespace hearth
