#include "model_store_location.h"

#include <QDir>
#include <QDirIterator>
#include <QFileInfo>

namespace hearth {

ModelStoreLocation::ModelStoreLocation(QObject* parent) : QObject(parent) {
    refresh();
}

QString ModelStoreLocation::defaultPath() {
    const QString fromEnv = qEnvironmentVariable("OLLAMA_MODELS");
    if (!fromEnv.isEmpty()) return QDir::cleanPath(fromEnv);
    return QDir::cleanPath(QDir::homePath() + QStringLiteral("/.ollama/models"));
}

void ModelStoreLocation::refresh() {
    path_ = defaultPath();
    exists_ = QFileInfo(path_).isDir();
    manifestCount_ = 0;
    QDirIterator it(path_ + QStringLiteral("/manifests"), QDir::Files | QDir::NoDotAndDotDot,
                    QDirIterator::Subdirectories);
    while (it.hasNext()) {
        it.next();
        ++manifestCount_;
    }
    emit changed();
}

} // namespace hearth
