// HfClient and GGUF file-name rules (see hf_client.h and shared/docs/protocols.md section 4).
#include "app/core/hf_client.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QUrlQuery>

namespace hearth {

namespace {

// Longest names first so Q4_K_M wins over Q4_K and Q4_0_4_4 over Q4_0.
const QStringList& knownQuants() {
    static const QStringList q = [] {
        QStringList l = {
            QStringLiteral("F32"),       QStringLiteral("BF16"),     QStringLiteral("F16"),
            QStringLiteral("Q8_0"),      QStringLiteral("Q6_K"),     QStringLiteral("Q5_K_M"),
            QStringLiteral("Q5_K_S"),    QStringLiteral("Q5_0"),     QStringLiteral("Q5_1"),
            QStringLiteral("Q4_K_M"),    QStringLiteral("Q4_K_S"),   QStringLiteral("IQ4_NL"),
            QStringLiteral("IQ4_XS"),    QStringLiteral("Q4_0"),     QStringLiteral("Q4_1"),
            QStringLiteral("Q4_0_4_4"),  QStringLiteral("Q4_0_4_8"), QStringLiteral("Q4_0_8_8"),
            QStringLiteral("MXFP4_MOE"), QStringLiteral("MXFP4"),    QStringLiteral("Q3_K_L"),
            QStringLiteral("Q3_K_M"),    QStringLiteral("Q3_K_S"),   QStringLiteral("IQ3_M"),
            QStringLiteral("IQ3_S"),     QStringLiteral("IQ3_XS"),   QStringLiteral("IQ3_XXS"),
            QStringLiteral("Q2_K"),      QStringLiteral("Q2_K_S"),   QStringLiteral("IQ2_M"),
            QStringLiteral("IQ2_S"),     QStringLiteral("IQ2_XS"),   QStringLiteral("IQ2_XXS"),
            QStringLiteral("IQ1_M"),     QStringLiteral("IQ1_S"),    QStringLiteral("TQ1_0"),
            QStringLiteral("TQ2_0"),     QStringLiteral("Q2_K_XL"),  QStringLiteral("Q3_K_XL"),
            QStringLiteral("Q4_K_XL"),   QStringLiteral("Q5_K_XL"),  QStringLiteral("Q6_K_XL"),
            QStringLiteral("Q8_K_XL")};
        std::sort(l.begin(), l.end(),
                  [](const QString& a, const QString& b) { return a.size() > b.size(); });
        return l;
    }();
    return q;
}

QString baseName(const QString& path) {
    return path.section(QLatin1Char('/'), -1);
}

} // namespace

std::optional<std::pair<int, int>> ggufSplit(const QString& fileName) {
    static const QRegularExpression re(QStringLiteral("-(\\d{5})-of-(\\d{5})\\.gguf$"),
                                       QRegularExpression::CaseInsensitiveOption);
    const auto m = re.match(fileName);
    if (!m.hasMatch()) return std::nullopt;
    return std::make_pair(m.captured(1).toInt(), m.captured(2).toInt());
}

QString ggufQuantLabel(const QString& fileName) {
    QString stem = baseName(fileName).toUpper();
    if (stem.endsWith(QLatin1String(".GGUF"))) stem.chop(5);
    static const QRegularExpression split(QStringLiteral("-\\d{5}-OF-\\d{5}$"));
    stem.remove(split);
    // The last occurrence of a known name that is not part of a longer word.
    int bestPos = -1;
    QString best;
    for (const QString& q : knownQuants()) {
        int from = stem.size();
        while (from >= 0) {
            const int pos = stem.lastIndexOf(q, from);
            if (pos < 0) break;
            const int end = pos + int(q.size());
            const bool leftOk = pos == 0 || !stem.at(pos - 1).isLetterOrNumber();
            const bool rightOk = end == stem.size() || !stem.at(end).isLetterOrNumber();
            if (leftOk && rightOk) {
                if (pos > bestPos) bestPos = pos, best = q;
                break;
            }
            from = pos - 1;
        }
    }
    return best;
}

bool ggufIsModelFile(const QString& path) {
    const QString name = baseName(path).toLower();
    if (!name.endsWith(QLatin1String(".gguf"))) return false;
    for (const char* side : {"mmproj", "imatrix"})
        if (name.contains(QLatin1String(side))) return false;
    for (const char* prefix : {"mtp-", "eagle3-", "dflash-", "dspark-"})
        if (name.startsWith(QLatin1String(prefix))) return false;
    return true;
}

QVector<HfFile> parseHfTree(const QByteArray& json) {
    QVector<HfFile> out;
    for (const auto& v : QJsonDocument::fromJson(json).array()) {
        const QJsonObject o = v.toObject();
        if (o.value(QStringLiteral("type")).toString() != QLatin1String("file")) continue;
        HfFile f;
        f.path = o.value(QStringLiteral("path")).toString();
        f.size = o.value(QStringLiteral("size")).toInteger();
        const QJsonObject lfs = o.value(QStringLiteral("lfs")).toObject();
        f.sha256 = lfs.value(QStringLiteral("oid")).toString().toLower();
        if (lfs.contains(QStringLiteral("size")))
            f.size = lfs.value(QStringLiteral("size")).toInteger();
        f.quant = ggufQuantLabel(f.path);
        if (auto s = ggufSplit(f.path)) f.splitIndex = s->first, f.splitCount = s->second;
        f.isModel = ggufIsModelFile(f.path);
        out.push_back(f);
    }
    return out;
}

std::optional<HfFile> pickHfFile(const QVector<HfFile>& files, const QString& tag) {
    for (const HfFile& f : files)
        if (!tag.isEmpty() && (f.path == tag || baseName(f.path) == tag)) return f;
    auto byQuant = [&](const QString& q) -> std::optional<HfFile> {
        for (const HfFile& f : files)
            if (f.isModel && f.quant.compare(q, Qt::CaseInsensitive) == 0 && f.splitIndex <= 1)
                return f;
        return std::nullopt;
    };
    if (!tag.isEmpty()) return byQuant(tag);
    if (auto f = byQuant(QStringLiteral("Q4_K_M"))) return f;
    if (auto f = byQuant(QStringLiteral("Q8_0"))) return f;
    for (const HfFile& f : files)
        if (f.isModel && f.splitIndex <= 1) return f;
    return std::nullopt;
}

QString describeHfError(const HttpResponse& r, const QString& repo) {
    if (r.status == 0) return r.error;
    const QByteArray code = r.header("X-Error-Code");
    if (code == "GatedRepo")
        return QStringLiteral("%1 is gated: accept its licence on Hugging Face, then set HF_TOKEN "
                              "(or the token file) to a token with access")
            .arg(repo);
    if (code == "RepoNotFound" || (r.status == 401 && code.isEmpty()))
        return QStringLiteral("Hugging Face repository %1 not found (or private: set HF_TOKEN)")
            .arg(repo);
    if (code == "EntryNotFound") return QStringLiteral("file not found in %1").arg(repo);
    if (code == "RevisionNotFound") return QStringLiteral("revision not found in %1").arg(repo);
    QString message = QString::fromUtf8(r.header("X-Error-Message"));
    if (message.isEmpty())
        message =
            QJsonDocument::fromJson(r.body).object().value(QStringLiteral("error")).toString();
    return QStringLiteral("Hugging Face answered HTTP %1%2")
        .arg(r.status)
        .arg(message.isEmpty() ? QString() : QStringLiteral(": ") + message);
}

QUrl HfClient::resolveUrl(const QString& repo, const QString& path) const {
    QUrl u = settings_.hfEndpoint;
    QString base = u.path();
    if (base.endsWith(QLatin1Char('/'))) base.chop(1);
    u.setPath(base + QLatin1Char('/') + repo + QStringLiteral("/resolve/main/") + path);
    return u;
}

void HfClient::search(const QString& query, Sort sort, int limit, QObject* context,
                      const SearchDone& done) {
    QUrl url = settings_.hfEndpoint;
    QString base = url.path();
    if (base.endsWith(QLatin1Char('/'))) base.chop(1);
    url.setPath(base + QStringLiteral("/api/models"));
    QUrlQuery q;
    if (!query.trimmed().isEmpty()) q.addQueryItem(QStringLiteral("search"), query.trimmed());
    q.addQueryItem(QStringLiteral("filter"), QStringLiteral("gguf"));
    q.addQueryItem(QStringLiteral("sort"), sort == Sort::Likes    ? QStringLiteral("likes")
                                           : sort == Sort::Recent ? QStringLiteral("lastModified")
                                                                  : QStringLiteral("downloads"));
    q.addQueryItem(QStringLiteral("limit"), QString::number(limit));
    for (const char* e : {"downloads", "likes", "lastModified", "gated", "gguf"})
        q.addQueryItem(QStringLiteral("expand"), QLatin1String(e));
    url.setQuery(q);
    QNetworkRequest req(url);
    addHfAuth(req, settings_);
    httpGet(nam_, settings_, req, context, [done](const HttpResponse& r) {
        if (r.status != 200) return done({}, describeHfError(r, QStringLiteral("search")));
        QVector<HfRepo> repos;
        for (const auto& v : QJsonDocument::fromJson(r.body).array()) {
            const QJsonObject o = v.toObject();
            HfRepo repo;
            repo.id = o.value(QStringLiteral("id")).toString();
            repo.downloads = o.value(QStringLiteral("downloads")).toInteger();
            repo.likes = o.value(QStringLiteral("likes")).toInteger();
            repo.lastModified = o.value(QStringLiteral("lastModified")).toString();
            const QJsonValue gated = o.value(QStringLiteral("gated"));
            repo.gated = gated.isString() || gated.toBool();
            const QJsonObject gguf = o.value(QStringLiteral("gguf")).toObject();
            repo.architecture = gguf.value(QStringLiteral("architecture")).toString();
            repo.parameters = gguf.value(QStringLiteral("total")).toInteger();
            if (!repo.id.isEmpty()) repos.push_back(repo);
        }
        done(repos, {});
    });
}

void HfClient::listFiles(const QString& repo, QObject* context, const FilesDone& done) {
    QUrl url = settings_.hfEndpoint;
    QString base = url.path();
    if (base.endsWith(QLatin1Char('/'))) base.chop(1);
    url.setPath(base + QStringLiteral("/api/models/") + repo + QStringLiteral("/tree/main"));
    url.setQuery(QStringLiteral("recursive=true&expand=false"));
    fetchTreePage(url, repo, {}, context, done);
}

void HfClient::fetchTreePage(const QUrl& url, const QString& repo, QVector<HfFile> soFar,
                             QObject* context, const FilesDone& done) {
    QNetworkRequest req(url);
    addHfAuth(req, settings_);
    httpGet(nam_, settings_, req, context,
            [this, repo, soFar, context, done](const HttpResponse& r) mutable {
                if (r.status != 200) return done({}, describeHfError(r, repo));
                soFar += parseHfTree(r.body);
                // GitHub-style paging: Link: <next>; rel="next"
                static const QRegularExpression next(
                    QStringLiteral("<([^>]+)>\\s*;\\s*rel=\"next\""));
                const auto m = next.match(QString::fromUtf8(r.header("Link")));
                if (m.hasMatch() && soFar.size() < 100000)
                    return fetchTreePage(r.url.resolved(QUrl(m.captured(1))), repo, soFar, context,
                                         done);
                done(soFar, {});
            });
}

} // namespace hearth
