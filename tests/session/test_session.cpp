// Session on the real stories260K model: greedy output equals the reference's, seeds reproduce,
// stop strings, cancellation from another thread, prefix reuse and a full context.
#include "engine/model/model.h"
#include "engine/session/session.h"
#include "engine/tokenizer/tokenizer.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

#include <atomic>
#include <thread>

using namespace hearth;

namespace {
const std::string kModel = HEARTH_SHARED_DIR "/conformance/models/stories260K/stories260K.gguf";
const QString kGolden = HEARTH_SHARED_DIR "/conformance/goldens/stories260K/p3-lily.json";

GenerateParams greedy(int n) {
    GenerateParams p;
    p.maxTokens = n;
    p.sampling.temperature = 0;
    p.stopAtEog = false;
    return p;
}
} // namespace

class TestSession : public QObject {
    Q_OBJECT
    std::unique_ptr<Model> model_;
    std::unique_ptr<Tokenizer> tokenizer_;
    QJsonObject golden_;

    std::unique_ptr<Session> session(SessionOptions o = {}) {
        auto s = Session::create(*model_, *tokenizer_, o);
        if (!s) qFatal("%s", s.error().c_str());
        return std::move(s).value();
    }
    std::vector<int32_t> goldenPrompt() const {
        std::vector<int32_t> ids;
        for (const auto& v : golden_.value("prompt_tokens").toArray()) ids.push_back(v.toInt());
        return ids;
    }

private slots:
    void initTestCase() {
        auto m = Model::load(kModel, ModelOptions{2, 0, nullptr});
        QVERIFY2(m.ok(), m.ok() ? "" : m.error().c_str());
        model_ = std::move(m).value();
        auto t = Tokenizer::fromGguf(model_->gguf());
        QVERIFY2(t.ok(), t.ok() ? "" : t.error().c_str());
        tokenizer_ = std::move(t).value();
        QFile f(kGolden);
        QVERIFY(f.open(QIODevice::ReadOnly));
        golden_ = QJsonDocument::fromJson(f.readAll()).object();
    }

    void greedyMatchesReference() {
        auto s = session();
        std::string text;
        auto stats =
            s->generate(goldenPrompt(), greedy(32), [&](std::string_view t) { text += t; });
        QVERIFY2(stats.ok(), stats.ok() ? "" : stats.error().c_str());
        QCOMPARE(stats->generatedTokens, 32);
        QCOMPARE(stats->stopReason, StopReason::MaxTokens);
        const QString expected = golden_.value("greedy").toObject().value("text").toString();
        QCOMPARE(QString::fromStdString(text).trimmed(), expected.trimmed());
        QVERIFY(stats->promptTokensPerSecond > 0);
        QVERIFY(stats->generatedTokensPerSecond > 0);
        QVERIFY(stats->timeToFirstTokenMs > 0);
    }

    void textPromptTokenizesLikeTheReference() {
        auto s = session();
        GenerateParams p = greedy(1);
        auto stats = s->generate(
            std::string_view("Once upon a time, there was a little girl named Lily."), p, {});
        QVERIFY(stats.ok());
        std::vector<int32_t> cached = s->tokens();
        QCOMPARE(std::vector<int32_t>(cached.begin(), cached.begin() + goldenPrompt().size()),
                 goldenPrompt());
    }

    void seedReproducesSampling() {
        GenerateParams p;
        p.maxTokens = 24;
        p.sampling.temperature = 1.0f;
        p.sampling.seed = 42;
        auto run = [&](uint64_t seed) {
            p.sampling.seed = seed;
            auto s = session();
            std::string text;
            auto r = s->generate(goldenPrompt(), p, [&](std::string_view t) { text += t; });
            if (!r) qFatal("%s", r.error().c_str());
            return text;
        };
        const std::string a = run(42);
        QCOMPARE(run(42), a);
        QVERIFY(run(43) != a || run(44) != a);
    }

    void stopStringEndsBeforeIt() {
        auto s = session();
        GenerateParams p = greedy(32);
        p.stop = {"ball"};
        std::string text;
        auto stats = s->generate(goldenPrompt(), p, [&](std::string_view t) { text += t; });
        QVERIFY(stats.ok());
        QCOMPARE(stats->stopReason, StopReason::StopString);
        QVERIFY(text.find("ball") == std::string::npos);
        QVERIFY2(QString::fromStdString(text).endsWith("a big, red "), text.c_str());
    }

    void cancelFromAnotherThread() {
        auto s = session(SessionOptions{512, GgmlType::F16, 512, ContextOverflow::Error, 1});
        std::stop_source source;
        std::atomic<int> pieces{0};
        std::atomic<int> piecesAtCancel{-1};
        std::thread canceller([&] {
            while (pieces.load() < 5) std::this_thread::yield();
            piecesAtCancel = pieces.load();
            source.request_stop();
        });
        GenerateParams p = greedy(400);
        auto stats = s->generate(
            goldenPrompt(), p, [&](std::string_view) { ++pieces; }, source.get_token());
        canceller.join();
        QVERIFY(stats.ok());
        QCOMPARE(stats->stopReason, StopReason::Cancelled);
        QVERIFY2(pieces.load() - piecesAtCancel.load() <= 1, "more than one token after cancel");
    }

    void prefixIsReused() {
        auto s = session();
        auto first = s->generate(goldenPrompt(), greedy(8), {});
        QVERIFY(first.ok());
        QCOMPARE(first->promptEvaluated, static_cast<int>(goldenPrompt().size()));
        std::vector<int32_t> next = s->tokens();
        const auto more = tokenizer_->encode(" Then she", false, false);
        next.insert(next.end(), more.begin(), more.end());
        auto second = s->generate(next, greedy(4), {});
        QVERIFY(second.ok());
        QCOMPARE(second->promptEvaluated, static_cast<int>(more.size()));
    }

    void fullContext() {
        SessionOptions o;
        o.nCtx = 24;
        auto s = session(o);
        std::vector<int32_t> longPrompt = goldenPrompt();
        while (longPrompt.size() < 30) longPrompt.push_back(longPrompt.back());
        auto r = s->generate(longPrompt, greedy(4), {});
        QVERIFY(!r.ok());
        QVERIFY(QString::fromStdString(r.error()).contains("does not fit"));

        auto g = s->generate(goldenPrompt(), greedy(32), {}); // 16 + 32 > 24
        QVERIFY2(g.ok(), g.ok() ? "" : g.error().c_str());
        QCOMPARE(g->stopReason, StopReason::ContextFull);

        o.overflow = ContextOverflow::DropOldest;
        auto d = session(o);
        auto dr = d->generate(longPrompt, greedy(20), {});
        QVERIFY2(dr.ok(), dr.ok() ? "" : dr.error().c_str());
        QCOMPARE(dr->generatedTokens, 20);
        QVERIFY(static_cast<int>(d->tokens().size()) <= 24);
        QCOMPARE(d->tokens().front(), longPrompt.front()); // BOS kept
    }

    void badTokensAreErrors() {
        auto s = session();
        auto r = s->generate(std::vector<int32_t>{1, 99999}, greedy(2), {});
        QVERIFY(!r.ok());
        auto e = s->generate(std::vector<int32_t>{}, greedy(2), {});
        QVERIFY(!e.ok());
    }
};

QTEST_GUILESS_MAIN(TestSession)
#include "test_session.moc"
