#include "conformance/golden.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cstring>

namespace hearth::conformance {
namespace {

Ranked readRanked(const QJsonArray& a) {
    Ranked r;
    for (const auto& e : a) {
        const QJsonArray pair = e.toArray();
        r.emplace_back(pair.at(0).toInt(), static_cast<float>(pair.at(1).toDouble()));
    }
    return r;
}

std::vector<int32_t> readIds(const QJsonArray& a) {
    std::vector<int32_t> v;
    for (const auto& e : a) v.push_back(e.toInt());
    return v;
}

} // namespace

std::optional<Golden> loadGolden(const QString& jsonPath, QString* error) {
    QFile f(jsonPath);
    if (!f.open(QIODevice::ReadOnly)) {
        *error = jsonPath + ": cannot open";
        return std::nullopt;
    }
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(f.readAll(), &pe);
    if (doc.isNull()) {
        *error = jsonPath + ": " + pe.errorString();
        return std::nullopt;
    }
    const QJsonObject o = doc.object();
    Golden g;
    g.label = o.value("label").toString();
    g.modelFile = o.value("model_file").toString();
    if (o.value("model_path").isString()) g.modelPath = o.value("model_path").toString();
    g.modelSha256 = o.value("model_sha256").toString();
    g.kvF32 = o.value("generator").toObject().value("kv_cache_type").toString() == "f32";
    g.nVocab = o.value("n_vocab").toInt();
    g.promptTokens = readIds(o.value("prompt_tokens").toArray());
    for (const auto& p : o.value("positions").toArray())
        g.positionTop.push_back(readRanked(p.toObject().value("top").toArray()));
    const QJsonObject greedy = o.value("greedy").toObject();
    g.greedyTokens = readIds(greedy.value("tokens").toArray());
    for (const auto& s : greedy.value("step_top5").toArray())
        g.greedyTop5.push_back(readRanked(s.toArray()));

    const QString bin = o.value("last_logits_file").toString();
    if (!bin.isEmpty()) {
        QFile b(QFileInfo(jsonPath).dir().filePath(bin));
        if (!b.open(QIODevice::ReadOnly)) {
            *error = b.fileName() + ": cannot open";
            return std::nullopt;
        }
        const QByteArray bytes = b.readAll();
        if (bytes.size() != static_cast<qsizetype>(g.nVocab) * 4) {
            *error = b.fileName() + ": wrong size";
            return std::nullopt;
        }
        g.lastLogits.resize(static_cast<size_t>(g.nVocab));
        std::memcpy(g.lastLogits.data(), bytes.constData(), static_cast<size_t>(bytes.size()));
    }
    if (g.promptTokens.empty() || g.positionTop.size() != g.promptTokens.size() ||
        g.greedyTop5.size() != g.greedyTokens.size() || g.nVocab <= 0) {
        *error = jsonPath + ": incomplete golden";
        return std::nullopt;
    }
    return g;
}

} // namespace hearth::conformance
