// Ollama registry URLs and error messages (shared/docs/protocols.md section 2).
#include "app/core/registry_client.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace hearth {

QUrl registryBaseUrl(const ModelName& name, const DownloadSettings& settings) {
    const QString host = QString::fromStdString(name.host).toLower();
    if (host == QLatin1String("registry.ollama.ai")) return settings.registry;
    if (host == QLatin1String("hf.co") || host == QLatin1String("huggingface.co"))
        return settings.hfEndpoint;
    return QUrl(QStringLiteral("https://") + QString::fromStdString(name.host));
}

static QUrl underBase(QUrl base, const QString& path) {
    QString p = base.path();
    if (p.endsWith(QLatin1Char('/'))) p.chop(1);
    base.setPath(p + path);
    return base;
}

QUrl manifestUrl(const ModelName& name, const DownloadSettings& settings) {
    return underBase(registryBaseUrl(name, settings),
                     QStringLiteral("/v2/%1/%2/manifests/%3")
                         .arg(QString::fromStdString(name.nameSpace),
                              QString::fromStdString(name.model),
                              QString::fromStdString(name.tag)));
}

QUrl blobUrl(const ModelName& name, const QString& digest, const DownloadSettings& settings) {
    return underBase(registryBaseUrl(name, settings),
                     QStringLiteral("/v2/%1/%2/blobs/%3")
                         .arg(QString::fromStdString(name.nameSpace),
                              QString::fromStdString(name.model), digest));
}

QString describeRegistryError(const HttpResponse& r, const ModelName& name) {
    const QString model = QString::fromStdString(name.displayShortest());
    const QString host = r.url.host();
    if (r.status == 0) return QStringLiteral("cannot reach %1: %2").arg(host, r.error);
    const QJsonArray errors =
        QJsonDocument::fromJson(r.body).object().value(QStringLiteral("errors")).toArray();
    const QJsonObject first = errors.isEmpty() ? QJsonObject() : errors.first().toObject();
    const QString code = first.value(QStringLiteral("code")).toString();
    const QString message = first.value(QStringLiteral("message")).toString();
    if (r.status == 404 && code == QLatin1String("NAME_UNKNOWN"))
        return QStringLiteral("model '%1' not found: %2 has no model named %3/%4")
            .arg(model, host, QString::fromStdString(name.nameSpace),
                 QString::fromStdString(name.model));
    if (r.status == 404)
        return QStringLiteral("model '%1' not found: %2 has no tag '%3' for %4 (%5)")
            .arg(model, host, QString::fromStdString(name.tag), QString::fromStdString(name.model),
                 message.isEmpty() ? QStringLiteral("file does not exist") : message);
    if (r.status == 401)
        return QStringLiteral("unauthorized: %1 needs credentials for %2").arg(host, model);
    if (r.status == 403) return QStringLiteral("access to %1 denied by %2").arg(model, host);
    return QStringLiteral("%1 answered HTTP %2 for %3%4")
        .arg(host)
        .arg(r.status)
        .arg(model, message.isEmpty() ? QString() : QStringLiteral(": ") + message);
}

} // namespace hearth
