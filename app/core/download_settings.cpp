// Download settings from the environment and the URL policy (TLS everywhere but loopback).
#include "app/core/download_settings.h"

#include <QFile>
#include <QFileInfo>
#include <QHostAddress>
#include <QStandardPaths>

namespace hearth {

bool isLoopbackHost(const QString& host) {
    if (host.compare(QLatin1String("localhost"), Qt::CaseInsensitive) == 0) return true;
    const QHostAddress address(host);
    return !address.isNull() && address.isLoopback();
}

QString urlPolicyError(const QUrl& url) {
    if (!url.isValid() || url.host().isEmpty())
        return QStringLiteral("invalid URL '%1'").arg(url.toString());
    if (url.scheme() == QLatin1String("https")) return {};
    if (url.scheme() == QLatin1String("http")) {
        if (isLoopbackHost(url.host())) return {};
        return QStringLiteral("refusing plain http to %1: only https is allowed except on loopback")
            .arg(url.host());
    }
    return QStringLiteral("unsupported URL scheme '%1'").arg(url.scheme());
}

QString hfTokenFromFile(QString* problem) {
    QString path = qEnvironmentVariable("HEARTH_HF_TOKEN_FILE");
    if (path.isEmpty()) {
        path = QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation) +
               QStringLiteral("/hearth/hf-token");
        // Where `huggingface-cli login` keeps it, so a logged-in user needs no extra step.
        if (!QFileInfo::exists(path))
            path = QStandardPaths::writableLocation(QStandardPaths::GenericCacheLocation) +
                   QStringLiteral("/huggingface/token");
    }
    QFileInfo info(path);
    if (!info.exists()) return {};
    // A token file others can read is a leaked secret: refuse it rather than use it.
    const auto shared = QFileDevice::ReadGroup | QFileDevice::ReadOther | QFileDevice::WriteGroup |
                        QFileDevice::WriteOther;
    if (info.permissions() & shared) {
        if (problem)
            *problem = QStringLiteral("ignoring %1: it must be readable only by you (chmod 600)")
                           .arg(path);
        return {};
    }
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return {};
    return QString::fromUtf8(f.readAll()).trimmed();
}

DownloadSettings DownloadSettings::fromEnvironment() {
    DownloadSettings s;
    if (const QString r = qEnvironmentVariable("HEARTH_REGISTRY"); !r.isEmpty())
        s.registry = QUrl(r);
    if (const QString h = qEnvironmentVariable("HF_ENDPOINT"); !h.isEmpty()) s.hfEndpoint = QUrl(h);
    s.hfToken = qEnvironmentVariable("HF_TOKEN");
    if (s.hfToken.isEmpty()) s.hfToken = hfTokenFromFile();
    return s;
}

} // namespace hearth
