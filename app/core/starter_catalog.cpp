#include "app/core/starter_catalog.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QJsonArray>

namespace hearth {

QString findCatalogFile(const QString& explicitPath) {
    if (!explicitPath.isEmpty()) return explicitPath;
    QString env = qEnvironmentVariable("HEARTH_CATALOG");
    if (!env.isEmpty()) return env;
    if (QFile::exists(QStringLiteral(":/catalog/models.json")))
        return QStringLiteral(":/catalog/models.json");
    QDir dir(QCoreApplication::applicationDirPath());
    QString installed = dir.absoluteFilePath(QStringLiteral("../share/hearth/catalog/models.json"));
    if (QFile::exists(installed)) return installed;
    for (int up = 0; up < 6; ++up) {
        QString c = dir.absoluteFilePath(QStringLiteral("resources/catalog/models.json"));
        if (QFile::exists(c)) return c;
        if (!dir.cdUp()) break;
    }
    return {};
}

Result<fit::CatalogModel> parseCatalogModel(const QJsonObject& o) {
    fit::CatalogModel m;
    m.id = o.value(QLatin1String("id")).toString().toStdString();
    m.displayName = o.value(QLatin1String("name")).toString().toStdString();
    if (m.id.empty()) return makeError("catalog entry without an id");
    const QJsonObject s = o.value(QLatin1String("shape")).toObject();
    auto num = [&s](const char* key) {
        return static_cast<int64_t>(s.value(QLatin1String(key)).toDouble(0));
    };
    m.shape.arch = o.value(QLatin1String("architecture")).toString().toStdString();
    m.shape.nLayer = num("layers");
    m.shape.nEmbd = num("n_embd");
    m.shape.nHead = num("heads");
    m.shape.nHeadKv = num("kv_heads");
    m.shape.headDimK = m.shape.headDimV = num("head_dim");
    m.shape.nFf = num("n_ff");
    m.shape.nVocab = num("vocab");
    m.shape.nCtxTrain = num("context_length");
    m.shape.tiedEmbeddings = s.value(QLatin1String("tied_embeddings")).toBool();
    if (auto st = m.shape.validate(); !st)
        return makeError("catalog entry '" + m.id + "': " + st.error());
    for (const auto& v : o.value(QLatin1String("variants")).toArray()) {
        const QJsonObject vo = v.toObject();
        fit::CatalogVariant cv;
        cv.name = vo.value(QLatin1String("name")).toString().toStdString();
        cv.fileBytes = static_cast<uint64_t>(vo.value(QLatin1String("size_bytes")).toDouble(0));
        cv.sizeEstimated = vo.value(QLatin1String("size_estimated")).toBool();
        m.variants.push_back(std::move(cv));
    }
    return m;
}

} // namespace hearth
