// hearth-cli search: GGUF repositories on Hugging Face, and with --files a repository's GGUF files.
#include "app/cli/cli_command.h"
#include "app/core/byte_size.h"
#include "app/core/hf_client.h"

#include <QCommandLineParser>
#include <QEventLoop>
#include <QNetworkAccessManager>
#include <QNetworkProxyFactory>
#include <QTextStream>

namespace {

int runSearch(const QStringList& args) {
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral("Search Hugging Face for GGUF model repositories."));
    p.addHelpOption();
    p.addPositionalArgument(QStringLiteral("query"), QStringLiteral("Words in the repository id."));
    p.addOption({QStringLiteral("sort"), QStringLiteral("downloads (default), likes or recent."),
                 QStringLiteral("key"), QStringLiteral("downloads")});
    p.addOption({QStringLiteral("limit"), QStringLiteral("How many results (default 20)."),
                 QStringLiteral("n"), QStringLiteral("20")});
    p.addOption({QStringLiteral("files"),
                 QStringLiteral("List the GGUF files of this repository instead."),
                 QStringLiteral("repo")});
    p.addOption({QStringLiteral("hf-endpoint"),
                 QStringLiteral(
                     "Hugging Face base URL (default $HF_ENDPOINT, else https://huggingface.co)."),
                 QStringLiteral("url")});
    p.process(args);
    QTextStream out(stdout), err(stderr);

    hearth::DownloadSettings settings = hearth::DownloadSettings::fromEnvironment();
    if (p.isSet(QStringLiteral("hf-endpoint")))
        settings.hfEndpoint = QUrl(p.value(QStringLiteral("hf-endpoint")));
    if (const QString e = hearth::urlPolicyError(settings.hfEndpoint); !e.isEmpty()) {
        err << "hearth-cli search: " << e << "\n";
        return 2;
    }
    const QString sortName = p.value(QStringLiteral("sort"));
    hearth::HfClient::Sort sort = hearth::HfClient::Sort::Downloads;
    if (sortName == QLatin1String("likes"))
        sort = hearth::HfClient::Sort::Likes;
    else if (sortName == QLatin1String("recent"))
        sort = hearth::HfClient::Sort::Recent;
    else if (sortName != QLatin1String("downloads")) {
        err << "hearth-cli search: --sort must be downloads, likes or recent\n";
        return 2;
    }
    QNetworkProxyFactory::setUseSystemConfiguration(true);
    QNetworkAccessManager nam;
    hearth::HfClient hf(&nam, settings);
    QEventLoop loop;
    int rc = 0;

    if (p.isSet(QStringLiteral("files"))) {
        const QString repo = p.value(QStringLiteral("files"));
        hf.listFiles(repo, &loop, [&](QVector<hearth::HfFile> files, QString error) {
            if (!error.isEmpty()) {
                err << "hearth-cli search: " << error << "\n";
                rc = 1;
            } else {
                out << QStringLiteral("%1 %2 %3\n")
                           .arg(QStringLiteral("FILE"), -60)
                           .arg(QStringLiteral("QUANT"), -10)
                           .arg(QStringLiteral("SIZE"));
                for (const hearth::HfFile& f : files) {
                    if (!f.path.endsWith(QLatin1String(".gguf"), Qt::CaseInsensitive)) continue;
                    QString note;
                    if (f.splitCount > 1)
                        note =
                            QStringLiteral("  (part %1 of %2)").arg(f.splitIndex).arg(f.splitCount);
                    else if (!f.isModel)
                        note = QStringLiteral("  (not a model: projector/imatrix/draft)");
                    out << QStringLiteral("%1 %2 %3%4\n")
                               .arg(f.path, -60)
                               .arg(f.quant.isEmpty() ? QStringLiteral("-") : f.quant, -10)
                               .arg(hearth::byteSizeText(f.size), note);
                }
                out << "pull one with: hearth-cli pull hf:" << repo << ":QUANT\n";
            }
            loop.quit();
        });
        loop.exec();
        return rc;
    }

    if (p.positionalArguments().size() != 1) {
        err << "hearth-cli search: give one QUERY (or --files REPO)\n";
        return 2;
    }
    hf.search(p.positionalArguments().first(), sort, p.value(QStringLiteral("limit")).toInt(),
              &loop, [&](QVector<hearth::HfRepo> repos, QString error) {
                  if (!error.isEmpty()) {
                      err << "hearth-cli search: " << error << "\n";
                      rc = 1;
                  } else if (repos.isEmpty()) {
                      out << "no GGUF repositories match\n";
                  } else {
                      out << QStringLiteral("%1 %2 %3 %4\n")
                                 .arg(QStringLiteral("REPOSITORY"), -56)
                                 .arg(QStringLiteral("DOWNLOADS"), 10)
                                 .arg(QStringLiteral("LIKES"), 7)
                                 .arg(QStringLiteral("MODIFIED"));
                      for (const hearth::HfRepo& r : repos)
                          out << QStringLiteral("%1 %2 %3 %4%5\n")
                                     .arg(r.id, -56)
                                     .arg(r.downloads, 10)
                                     .arg(r.likes, 7)
                                     .arg(r.lastModified.left(10),
                                          r.gated ? QStringLiteral("  (gated)") : QString());
                  }
                  loop.quit();
              });
    loop.exec();
    return rc;
}

} // namespace

HEARTH_CLI_COMMAND(search, "search", "Search Hugging Face for GGUF models", runSearch)
