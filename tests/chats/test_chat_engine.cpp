// ChatController + EngineWorker against the real engine with the stories260K conformance model
// (no chat template: the "plain" fallback applies). Checks the streamed text against a direct
// engine run, stop mid-stream, regenerate with alternatives, edit-and-resend, persistence across
// a new controller, a SIGKILLed child that loses nothing it showed, and readable errors.
#include "app/ui/chat_controller.h"
#include "engine/model/model.h"
#include "engine/session/session.h"
#include "engine/template/chat_template.h"
#include "engine/tokenizer/tokenizer.h"
#include "tests/chats/chat_test_support.h"

#include <QAbstractItemModelTester>
#include <QDeadlineTimer>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <csignal>
#include <iostream>

using hearth::ChatController;
using hearth::MessageListModel;

namespace {

QString modelPath() {
    return QStringLiteral(HEARTH_SHARED_DIR "/conformance/models/stories260K/stories260K.gguf");
}

QString state(ChatController& c, int row) {
    return c.messages()->data(c.messages()->index(row), MessageListModel::StateRole).toString();
}

bool loadModel(ChatController& c) {
    if (!c.setModel(modelPath())) return false;
    QDeadlineTimer deadline(30000);
    while (!c.modelAvailable() && c.loading() && !deadline.hasExpired()) QTest::qWait(10);
    if (!c.modelAvailable()) qWarning("load failed: %s", qPrintable(c.notice()));
    return c.loadedModel() == modelPath();
}

// Greedy, bounded: the reply is fully determined by the prompt.
QVariantMap greedy(int maxTokens) {
    return {{QStringLiteral("temperature"), 0.0},
            {QStringLiteral("maxTokens"), maxTokens},
            {QStringLiteral("contextLength"), 512}};
}

// The same request run directly on the engine, the way hearth-cli run does.
std::string directReply(const std::string& user, int maxTokens) {
    auto model = hearth::Model::load(modelPath().toStdString());
    if (!model) return "load: " + model.error();
    auto tok = hearth::Tokenizer::fromGguf((*model)->gguf());
    if (!tok) return "tokenizer: " + tok.error();
    hearth::tmpl::TemplateSources src;
    src.architecture = (*model)->params().archName;
    for (int32_t i = 0; i < (*tok)->nVocab(); ++i)
        if ((*tok)->isControl(i)) src.specialTokens.push_back((*tok)->tokenText(i));
    auto t = hearth::tmpl::ChatTemplate::select(src);
    if (!t) return "template: " + t.error();
    hearth::tmpl::Dict d;
    d.entries.emplace_back(hearth::tmpl::Value("role"), hearth::tmpl::Value("user"));
    d.entries.emplace_back(hearth::tmpl::Value("content"), hearth::tmpl::Value(user));
    hearth::tmpl::ChatRequest req;
    req.messages = hearth::tmpl::Value::list({hearth::tmpl::Value::dict(std::move(d))});
    const std::string bos = (*tok)->tokenText((*tok)->bos());
    const std::string eos = (*tok)->tokenText((*tok)->eos());
    req.bosToken = bos;
    req.eosToken = eos;
    auto text = t->render(req);
    if (!text) return "render: " + text.error();
    hearth::SessionOptions so;
    so.nCtx = 512;
    auto session = hearth::Session::create(**model, **tok, so);
    if (!session) return "session: " + session.error();
    hearth::GenerateParams gp;
    gp.maxTokens = maxTokens;
    gp.sampling.temperature = 0;
    gp.stop = t->stopSequences(eos, src.specialTokens);
    gp.parseSpecial = true;
    std::string out;
    const bool addBos = !text->starts_with(bos);
    auto r = (*session)->generate((*tok)->encode(*text, addBos, true), gp,
                                  [&](std::string_view s) { out += s; });
    if (!r) return "generate: " + r.error();
    return out;
}

// Child mode for the kill test: stream a long reply and print every text the UI has shown.
int runChild(const QString& db, const QString& storeRoot) {
    ChatController c(db, nullptr, storeRoot);
    if (!loadModel(c)) return 3;
    c.setSettings({{QStringLiteral("temperature"), 1.0},
                   {QStringLiteral("seed"), 7},
                   {QStringLiteral("maxTokens"), 100000},
                   {QStringLiteral("contextLength"), 512}});
    // After the reply's first shown text the UI thread stops (the parent kills us there): the
    // reply is then mid-stream as far as the window and the store know, however fast the engine
    // is — on an idle machine this model can finish its whole context between two updates.
    QObject::connect(c.messages(), &QAbstractItemModel::dataChanged, [&](const QModelIndex& i) {
        const QString shown = messageContent(c, i.row());
        std::cout << "SHOWN " << shown.toUtf8().toBase64().constData() << std::endl;
        if (i.row() > 0 && !shown.isEmpty()) {
            std::cout << "BLOCKED" << std::endl;
            for (;;) QThread::sleep(1);
        }
    });
    c.send(QStringLiteral("Tell me a long story."));
    QObject::connect(&c, &ChatController::replyFinished, [] { QCoreApplication::exit(0); });
    return QCoreApplication::exec();
}

} // namespace

class TestChatEngine : public QObject, ChatTestFolder {
    Q_OBJECT

private slots:
    void initTestCase() {
        QVERIFY(dir_.isValid());
        QVERIFY(QFileInfo::exists(modelPath()));
    }

    void replyStreamsInOrderAndMatchesTheEngine() {
        ChatController c(db(), nullptr, storeRoot());
        QAbstractItemModelTester tester(c.messages());
        QVERIFY(loadModel(c));
        QVERIFY(c.setSettings(greedy(60)));
        QStringList seen; // every text the bubble showed while streaming
        connect(c.messages(), &QAbstractItemModel::dataChanged, this,
                [&](const QModelIndex& i, const QModelIndex&, const QList<int>& roles) {
                    if (roles.contains(MessageListModel::ContentRole))
                        seen.append(messageContent(c, i.row()));
                });
        QSignalSpy done(&c, &ChatController::replyFinished);
        QVERIFY(c.send(QStringLiteral("Once upon a time")));
        QVERIFY(c.streaming());
        QVERIFY(done.wait(30000));
        QCOMPARE(done.at(0).at(0).toString(), QStringLiteral("complete"));
        QCOMPARE(c.messages()->rowCount(), 2);
        const QString reply = messageContent(c, 1);
        QVERIFY(!reply.isEmpty());
        QCOMPARE(reply.toStdString(), directReply("Once upon a time", 60));
        // In order: each update extends the previous one.
        QVERIFY(!seen.isEmpty());
        for (int i = 1; i < seen.size(); ++i) QVERIFY(seen[i].startsWith(seen[i - 1]));
        QCOMPARE(seen.constLast(), reply);
        QCOMPARE(state(c, 1), QStringLiteral("complete"));
        const QString stats =
            c.messages()->data(c.messages()->index(1), MessageListModel::StatsRole).toString();
        QVERIFY2(stats.contains(QStringLiteral("tokens/s")), qPrintable(stats));
        QVERIFY(c.announcement().startsWith(QStringLiteral("Reply complete")));
    }

    void stopEndsTheReplyAndDropsLateChunks() {
        ChatController c(db(), nullptr, storeRoot());
        QVERIFY(loadModel(c));
        QVERIFY(c.newChat() > 0);
        QVERIFY(c.setSettings({{QStringLiteral("temperature"), 1.0},
                               {QStringLiteral("seed"), 3},
                               {QStringLiteral("maxTokens"), 100000},
                               {QStringLiteral("contextLength"), 512}}));
        bool stopped = false;
        connect(c.messages(), &QAbstractItemModel::dataChanged, this, [&] {
            if (!stopped && c.streaming() && !messageContent(c, 1).isEmpty()) stopped = c.stop();
        });
        QVERIFY(c.send(QStringLiteral("Tell me a story.")));
        QTRY_VERIFY_WITH_TIMEOUT(stopped, 30000);
        QVERIFY(!c.streaming());
        const QString shown = messageContent(c, 1);
        QCOMPARE(state(c, 1), QStringLiteral("stopped"));
        QTest::qWait(300); // anything the worker still sends must not land
        QCOMPARE(messageContent(c, 1), shown);
        // The worker is free again: the next request is answered. (In a new chat: how long the
        // stopped reply got depends on how late the stop landed — at ~10k tokens/s a busy machine
        // can let it fill most of the 512-token context, and a follow-up in the same chat would
        // then not fit.)
        QVERIFY(c.newChat() > 0);
        QVERIFY(c.setSettings(greedy(8)));
        QSignalSpy done(&c, &ChatController::replyFinished);
        QVERIFY(c.send(QStringLiteral("And then?")));
        QVERIFY(done.wait(30000));
        QCOMPARE(state(c, 1), QStringLiteral("complete"));
    }

    void regenerateKeepsAlternatives() {
        ChatController c(db(), nullptr, storeRoot());
        QVERIFY(loadModel(c));
        QVERIFY(c.newChat() > 0);
        QVERIFY(c.setSettings({{QStringLiteral("temperature"), 1.0},
                               {QStringLiteral("seed"), 11},
                               {QStringLiteral("maxTokens"), 30}}));
        QSignalSpy done(&c, &ChatController::replyFinished);
        QVERIFY(c.send(QStringLiteral("A cat")));
        QVERIFY(done.wait(30000));
        const QString first = messageContent(c, 1);
        QVERIFY(c.setSettings({{QStringLiteral("seed"), 12}}));
        QVERIFY(c.regenerate());
        QVERIFY(done.wait(30000));
        QCOMPARE(c.messages()->rowCount(), 2);
        const QString second = messageContent(c, 1);
        QVERIFY(first != second); // a different seed, a different answer
        const QModelIndex i = c.messages()->index(1);
        QCOMPARE(c.messages()->data(i, MessageListModel::AltCountRole).toInt(), 2);
        QCOMPARE(c.messages()->data(i, MessageListModel::AltIndexRole).toInt(), 1);
        QVERIFY(c.showAlternative(1, 0));
        QCOMPARE(messageContent(c, 1), first);
        QVERIFY(!c.showAlternative(1, 2)); // no third answer
        QVERIFY(c.showAlternative(1, 1));
        QCOMPARE(messageContent(c, 1), second);
        QVERIFY(c.regenerate()); // a third, and all three stay
        QVERIFY(done.wait(30000));
        QCOMPARE(c.messages()->data(c.messages()->index(1), MessageListModel::AltCountRole).toInt(),
                 3);
    }

    void editAndResendBranches() {
        ChatController c(db(), nullptr, storeRoot());
        QVERIFY(loadModel(c));
        const qint64 chat = c.newChat();
        QVERIFY(chat > 0);
        QVERIFY(c.setSettings(greedy(20)));
        QSignalSpy done(&c, &ChatController::replyFinished);
        QVERIFY(c.send(QStringLiteral("A dog")));
        QVERIFY(done.wait(30000));
        QVERIFY(!c.editAndResend(1, QStringLiteral("x"))); // only the user's messages
        QVERIFY(!c.editAndResend(0, QStringLiteral("  ")));
        QVERIFY(c.editAndResend(0, QStringLiteral("Once upon a time")));
        QVERIFY(done.wait(30000));
        QCOMPARE(c.messages()->rowCount(), 2);
        QCOMPARE(messageContent(c, 0), QStringLiteral("Once upon a time"));
        QCOMPARE(messageContent(c, 1).toStdString(), directReply("Once upon a time", 20));

        // A new controller (an app restart) shows the same branch.
        const QString reply = messageContent(c, 1);
        ChatController again(db(), nullptr, storeRoot());
        QVERIFY(again.select(chat));
        QCOMPARE(again.messages()->rowCount(), 2);
        QCOMPARE(messageContent(again, 0), QStringLiteral("Once upon a time"));
        QCOMPARE(messageContent(again, 1), reply);
        QCOMPARE(again.currentModel(), modelPath());
        QCOMPARE(again.settings().value(QStringLiteral("maxTokens")).toInt(), 20);
        QVERIFY(again.exportMarkdown(chat).contains(reply));
        QVERIFY(again.exportJson(chat).contains(QStringLiteral("\"tokensPerSecond\"")));
    }

    void aKilledReplyKeepsEverythingShown() {
        const QString killDb = dir_.filePath(QStringLiteral("killed.sqlite"));
        QProcess child;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("HEARTH_CHAT_CHILD_DB"), killDb);
        env.insert(QStringLiteral("HEARTH_CHAT_CHILD_STORE"), storeRoot());
        child.setProcessEnvironment(env);
        child.start(QCoreApplication::applicationFilePath(), {});
        QVERIFY(child.waitForStarted());
        QString lastShown;
        bool blocked = false;
        const QDeadlineTimer deadline(60000);
        while (!blocked && child.state() == QProcess::Running && !deadline.hasExpired()) {
            if (!child.canReadLine()) {
                child.waitForReadyRead(200);
                continue;
            }
            const QByteArray line = child.readLine().trimmed();
            blocked = line == "BLOCKED";
            if (line.startsWith("SHOWN "))
                lastShown = QString::fromUtf8(QByteArray::fromBase64(line.mid(6)));
        }
        QVERIFY2(blocked, "the child never showed part of a reply");
        ::kill(pid_t(child.processId()), SIGKILL);
        QVERIFY(child.waitForFinished(10000));
        // Lines still in the pipe were shown too: the store must hold at least the last one.
        for (const QByteArray& l : child.readAllStandardOutput().split('\n'))
            if (l.startsWith("SHOWN "))
                lastShown = QString::fromUtf8(QByteArray::fromBase64(l.trimmed().mid(6)));
        ChatController c(killDb, nullptr, storeRoot());
        QVERIFY(c.notice().contains(QStringLiteral("cut off")));
        QCOMPARE(c.conversations()->rowCount(), 1);
        QVERIFY(
            c.select(c.conversations()
                         ->data(c.conversations()->index(0), hearth::ConversationListModel::IdRole)
                         .toLongLong()));
        QCOMPARE(c.messages()->rowCount(), 2);
        QVERIFY2(messageContent(c, 1).startsWith(lastShown), qPrintable(messageContent(c, 1)));
        QVERIFY(!lastShown.isEmpty());
        QCOMPARE(state(c, 1), QStringLiteral("interrupted"));
    }

    void errorsAreReadable() {
        ChatController c(db(), nullptr, storeRoot());
        QVERIFY(c.newChat() > 0);
        QVERIFY(c.setModel(dir_.filePath(QStringLiteral("missing.gguf"))));
        QTRY_VERIFY_WITH_TIMEOUT(!c.loading(), 10000);
        QVERIFY(!c.modelAvailable());
        QVERIFY2(c.notice().contains(QStringLiteral("not found")), qPrintable(c.notice()));

        QFile junk(dir_.filePath(QStringLiteral("junk.gguf")));
        QVERIFY(junk.open(QIODevice::WriteOnly));
        junk.write(QByteArray(4096, 'x'));
        junk.close();
        QVERIFY(c.setModel(junk.fileName()));
        QTRY_VERIFY_WITH_TIMEOUT(!c.loading(), 10000);
        QVERIFY2(c.notice().contains(QStringLiteral("could not be loaded")) &&
                     c.notice().contains(QStringLiteral("GGUF")),
                 qPrintable(c.notice()));

        // A prompt longer than the context: an error row with advice, not a crash.
        QVERIFY(loadModel(c));
        QVERIFY(c.setSettings(
            {{QStringLiteral("contextLength"), 64}, {QStringLiteral("maxTokens"), 10}}));
        QSignalSpy done(&c, &ChatController::replyFinished);
        QVERIFY(c.send(QStringLiteral("the cat sat on the mat and ").repeated(20)));
        QVERIFY(done.wait(30000));
        QCOMPARE(done.at(0).at(0).toString(), QStringLiteral("error"));
        QCOMPARE(state(c, 1), QStringLiteral("error"));
        QVERIFY2(messageContent(c, 1).contains(QStringLiteral("context")),
                 qPrintable(messageContent(c, 1)));
        QVERIFY(messageContent(c, 1).contains(QStringLiteral("new chat")));
    }
};

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    const QString childDb = qEnvironmentVariable("HEARTH_CHAT_CHILD_DB");
    if (!childDb.isEmpty())
        return runChild(childDb, qEnvironmentVariable("HEARTH_CHAT_CHILD_STORE"));
    TestChatEngine t;
    return QTest::qExec(&t, argc, argv);
}

#include "test_chat_engine.moc"
