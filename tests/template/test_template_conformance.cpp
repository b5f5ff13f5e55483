// Every chat template in shared/conformance/templates renders every golden conversation byte for
// byte as Python Jinja2 did (or fails where Jinja2 raised, with the same exception message).
#include "engine/template/chat_template.h"
#include "engine/template/json.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

#include <chrono>

using namespace hearth::tmpl;
using hearth::makeError;
using hearth::Result;

namespace {

const QString kDir = QStringLiteral(HEARTH_SHARED_DIR "/conformance/templates");

QByteArray readAll(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

std::tm goldenDate() { // the goldens were rendered with strftime_now fixed to 2024-07-26
    std::tm tm{};
    tm.tm_year = 2024 - 1900;
    tm.tm_mon = 6;
    tm.tm_mday = 26;
    tm.tm_wday = 5;
    tm.tm_yday = 207;
    return tm;
}

ChatRequest requestFrom(const QJsonObject& inputs) {
    ChatRequest r;
    // The engine's own JSON reader builds the messages; Qt's reader checks the goldens.
    const QByteArray json = QJsonDocument(inputs).toJson(QJsonDocument::Compact);
    auto parsed = parseJson(json.toStdString());
    if (!parsed) return r;
    r.messages = *parsed->asDict().find("messages");
    r.tools = *parsed->asDict().find("tools");
    r.addGenerationPrompt = inputs.value(QStringLiteral("add_generation_prompt")).toBool();
    r.bosToken = inputs.value(QStringLiteral("bos_token")).toString().toStdString();
    r.eosToken = inputs.value(QStringLiteral("eos_token")).toString().toStdString();
    r.clock = goldenDate;
    return r;
}

} // namespace

class TestTemplateConformance : public QObject {
    Q_OBJECT

private slots:
    void goldens_data() {
        QTest::addColumn<QString>("templateFile");
        QTest::addColumn<QJsonObject>("goldenCase");
        const QStringList files =
            QDir(kDir + QStringLiteral("/expected"))
                .entryList({QStringLiteral("*.json")}, QDir::Files, QDir::Name);
        QVERIFY2(files.size() >= 40, "conformance templates missing");
        for (const QString& f : files) {
            const QJsonObject golden =
                QJsonDocument::fromJson(readAll(kDir + "/expected/" + f)).object();
            const QString tmpl = golden.value(QStringLiteral("template_file")).toString();
            for (const QJsonValue& c : golden.value(QStringLiteral("cases")).toArray()) {
                const QJsonObject cs = c.toObject();
                const QString name = QStringLiteral("%1#%2")
                                         .arg(golden.value(QStringLiteral("template")).toString())
                                         .arg(cs.value(QStringLiteral("conversation_id")).toInt());
                QTest::newRow(name.toUtf8().constData()) << tmpl << cs;
            }
        }
    }

    void goldens() {
        QFETCH(QString, templateFile);
        QFETCH(QJsonObject, goldenCase);
        auto chat = ChatTemplate::fromJinja(readAll(kDir + "/" + templateFile).toStdString());
        QVERIFY2(chat.ok(), chat.ok() ? "" : chat.error().c_str());
        auto out = chat->render(requestFrom(goldenCase.value(QStringLiteral("inputs")).toObject()));
        if (goldenCase.value(QStringLiteral("ok")).toBool()) {
            QVERIFY2(out.ok(), out.ok() ? "" : out.error().c_str());
            const QByteArray expected =
                goldenCase.value(QStringLiteral("output")).toString().toUtf8();
            QCOMPARE(QByteArray::fromStdString(*out), expected);
            ++passed_;
        } else {
            // Golden errors read "<Type>: <message>"; ours add "(line L, column C)".
            const std::string expected =
                goldenCase.value(QStringLiteral("error")).toString().toStdString();
            QVERIFY2(!out.ok(), "rendered where Jinja2 raised");
            QVERIFY2(out.error().find(expected) == 0, (out.error() + " vs " + expected).c_str());
            QVERIFY(out.error().find("(line ") != std::string::npos);
            ++passed_;
        }
    }

    // Tool calls, tool results, multi-part content and reasoning over every template, against
    // Python Jinja2's renderings (make_tool_conversation_reference.py).
    void toolConversations_data() {
        QTest::addColumn<QString>("templateName");
        QTest::addColumn<int>("conversation");
        QTest::addColumn<QString>("bos");
        QTest::addColumn<QString>("eos");
        QTest::addColumn<bool>("ok");
        QTest::addColumn<QString>("expected");
        auto ref =
            parseJson(readAll(QStringLiteral(HEARTH_SOURCE_DIR
                                             "/tests/template/tool_conversation_reference.json"))
                          .toStdString());
        QVERIFY2(ref.ok(), ref.ok() ? "" : ref.error().c_str());
        conversations_ = ref->asDict().find("conversations")->asList();
        for (const auto& r : ref->asDict().find("renderings")->asList()) {
            const Dict& d = r.asDict();
            auto str = [&](const char* k) { return QString::fromStdString(d.find(k)->asString()); };
            const QString row =
                str("template") + "#" + QString::number(d.find("conversation")->asInt());
            QTest::newRow(row.toUtf8().constData())
                << str("template") << int(d.find("conversation")->asInt()) << str("bos_token")
                << str("eos_token") << d.find("ok")->asBool() << str("out");
        }
    }

    void toolConversations() {
        QFETCH(QString, templateName);
        QFETCH(int, conversation);
        QFETCH(QString, bos);
        QFETCH(QString, eos);
        QFETCH(bool, ok);
        QFETCH(QString, expected);
        auto chat =
            ChatTemplate::fromJinja(readAll(kDir + "/" + templateName + ".jinja").toStdString());
        QVERIFY(chat.ok());
        const Dict& conv = conversations_[static_cast<std::size_t>(conversation)].asDict();
        ChatRequest r;
        r.messages = *conv.find("messages");
        r.tools = *conv.find("tools");
        r.addGenerationPrompt = conv.find("add_generation_prompt")->asBool();
        r.bosToken = bos.toStdString();
        r.eosToken = eos.toStdString();
        r.clock = goldenDate;
        auto out = chat->render(r);
        QCOMPARE(out.ok(), ok);
        if (ok)
            QCOMPARE(QString::fromStdString(*out), expected);
        else
            QVERIFY2(out.error().rfind(expected.toStdString(), 0) == 0, out.error().c_str());
    }

    // Render time per conversation (reported, not asserted): every template over the longest
    // golden conversation (4 messages), averaged.
    void renderTime() {
        const QStringList files =
            QDir(kDir).entryList({QStringLiteral("*.jinja")}, QDir::Files, QDir::Name);
        std::vector<ChatTemplate> templates;
        for (const QString& f : files) {
            auto t = ChatTemplate::fromJinja(readAll(kDir + "/" + f).toStdString());
            QVERIFY(t.ok());
            templates.push_back(std::move(*t));
        }
        const QJsonObject golden =
            QJsonDocument::fromJson(readAll(kDir + "/expected/Qwen-QwQ-32B.json")).object();
        ChatRequest request = requestFrom(golden.value(QStringLiteral("cases"))
                                              .toArray()[1]
                                              .toObject()
                                              .value(QStringLiteral("inputs"))
                                              .toObject());
        int renders = 0;
        const auto start = std::chrono::steady_clock::now();
        for (int round = 0; round < 20; ++round)
            for (const auto& t : templates) {
                auto out = t.render(request);
                renders += 1;
                Q_UNUSED(out);
            }
        const double us =
            std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start)
                .count();
        qInfo("render time: %.1f us per 4-message conversation (%.1f us per turn), mean over %d "
              "renders "
              "of %d templates",
              us / renders, us / renders / 4, renders, int(templates.size()));
        QVERIFY(renders > 0);
    }

    void cleanupTestCase() { qInfo("golden cases passed: %d", passed_); }

private:
    int passed_ = 0;
    ValueList conversations_;
};

QTEST_GUILESS_MAIN(TestTemplateConformance)
#include "test_template_conformance.moc"
