// Chat rendering: Markdown (md4c) to rich text with fenced code split out, an unclosed fence
// while streaming, raw HTML kept as text, and the kate-syntax-highlighter process highlighter
// (asynchronous, cached, light and dark).
#include "app/core/highlight_kate_process.h"
#include "app/core/markdown.h"
#include "app/ui/message_renderer.h"

#include <QSignalSpy>
#include <QStandardPaths>
#include <QtTest>

using hearth::KateProcessHighlighter;
using hearth::MarkdownSegment;

namespace {

const QString kMessage = QStringLiteral(
    "# Fire\n\nA **hearth** keeps _warm_.\n\n| fuel | heat |\n|---|---|\n| oak | high |\n\n"
    "```cpp\nint main() { return 0; }\n```\n\nAfter the code, `inline` and <b>not bold</b>.\n");

} // namespace

class TestMarkdown : public QObject {
    Q_OBJECT

private slots:
    void knownMessageRenders() {
        const QList<MarkdownSegment> s = hearth::splitMarkdown(kMessage);
        QCOMPARE(s.size(), 3);
        QCOMPARE(s[0].kind, MarkdownSegment::Text);
        QVERIFY(s[0].html.contains(QStringLiteral("<h1>Fire</h1>")));
        QVERIFY(s[0].html.contains(QStringLiteral("<strong>hearth</strong>")));
        QVERIFY(s[0].html.contains(QStringLiteral("<em>warm</em>")));
        QVERIFY(s[0].html.contains(QStringLiteral("<table border=\"1\"")));
        QVERIFY(s[0].html.contains(QStringLiteral("<td>oak</td>")));
        QCOMPARE(s[1].kind, MarkdownSegment::Code);
        QCOMPARE(s[1].language, QStringLiteral("cpp"));
        QCOMPARE(s[1].code, QStringLiteral("int main() { return 0; }"));
        QVERIFY(s[1].closed);
        QVERIFY(s[2].html.contains(QStringLiteral("<code>inline</code>")));
        // A model's HTML is shown as text, never interpreted.
        QVERIFY(s[2].html.contains(QStringLiteral("&lt;b&gt;not bold&lt;/b&gt;")));
        QVERIFY(!s[2].html.contains(QStringLiteral("<b>")));
    }

    void streamingFenceStaysOpen() {
        const QList<MarkdownSegment> s =
            hearth::splitMarkdown(QStringLiteral("Here:\n~~~~python extra\nx = 1\n```\ny"));
        QCOMPARE(s.size(), 2);
        QCOMPARE(s[1].language, QStringLiteral("python"));
        QVERIFY(!s[1].closed); // ``` does not close a ~~~~ fence
        QCOMPARE(s[1].code, QStringLiteral("x = 1\n```\ny"));
        QVERIFY(hearth::splitMarkdown(QString()).isEmpty());
        QVERIFY(hearth::splitMarkdown(QStringLiteral("``not a fence``"))[0].kind ==
                MarkdownSegment::Text);
    }

    void syntaxNames() {
        const QStringList known{QStringLiteral("C++"), QStringLiteral("Python"),
                                QStringLiteral("Bash")};
        QCOMPARE(hearth::syntaxNameFor(QStringLiteral("cpp"), known), QStringLiteral("C++"));
        QCOMPARE(hearth::syntaxNameFor(QStringLiteral("PY"), known), QStringLiteral("Python"));
        QCOMPARE(hearth::syntaxNameFor(QStringLiteral("sh"), known), QStringLiteral("Bash"));
        QCOMPARE(hearth::syntaxNameFor(QStringLiteral("klingon"), known), QString());
        QCOMPARE(hearth::syntaxNameFor(QString(), known), QString());
    }

    void kateProcessHighlightsAsynchronouslyWithACache() {
        const QString tool =
            QStandardPaths::findExecutable(QStringLiteral("kate-syntax-highlighter"));
        if (tool.isEmpty()) QSKIP("kate-syntax-highlighter is not installed");
        KateProcessHighlighter h(tool);
        QVERIFY(h.available());
        const QString code = QStringLiteral("int main() { return 0; } // <done>");
        QSignalSpy ready(&h, &hearth::Highlighter::ready);
        QCOMPARE(h.highlighted(code, QStringLiteral("cpp"), false), QString()); // not yet
        QTRY_VERIFY_WITH_TIMEOUT(!h.highlighted(code, QStringLiteral("cpp"), false).isEmpty(),
                                 20000);
        const QString light = h.highlighted(code, QStringLiteral("cpp"), false);
        QVERIFY(light.contains(QStringLiteral("<span style=\"color:")));
        QVERIFY(light.contains(QStringLiteral("&lt;done&gt;"))); // escaped
        QVERIFY(!light.contains(QStringLiteral("<pre>")));
        QTRY_VERIFY_WITH_TIMEOUT(!h.highlighted(code, QStringLiteral("cpp"), true).isEmpty(),
                                 20000);
        QVERIFY(h.highlighted(code, QStringLiteral("cpp"), true) != light); // dark theme colours
        const int signals_ = ready.count();
        QCOMPARE(h.highlighted(code, QStringLiteral("cpp"), false), light); // cached
        QTest::qWait(100);
        QCOMPARE(ready.count(), signals_); // no new process for a cached block
        QCOMPARE(h.highlighted(code, QStringLiteral("klingon"), false), QString());
    }

    void missingToolMeansPlainCode() {
        KateProcessHighlighter h(QStringLiteral("/nonexistent/kate-syntax-highlighter"));
        QCOMPARE(h.highlighted(QStringLiteral("x"), QStringLiteral("cpp"), false), QString());
        QTRY_VERIFY_WITH_TIMEOUT(!h.available(), 10000);
    }

    void rendererGivesSegments() {
        hearth::MessageRenderer r(hearth::Highlighter::create());
        const QVariantList s = r.segments(kMessage, false);
        QCOMPARE(s.size(), 3);
        QCOMPARE(s[1].toMap().value(QStringLiteral("kind")).toString(), QStringLiteral("code"));
        if (r.highlighting()) {
            QSignalSpy rev(&r, &hearth::MessageRenderer::revisionChanged);
            QTRY_VERIFY_WITH_TIMEOUT(!r.segments(kMessage, false)[1]
                                          .toMap()
                                          .value(QStringLiteral("html"))
                                          .toString()
                                          .isEmpty(),
                                     20000);
            QVERIFY(rev.count() > 0);
        }
        // An open fence is never sent to the highlighter.
        const QVariantList open = r.segments(QStringLiteral("```cpp\nint x;"), false);
        QCOMPARE(open[0].toMap().value(QStringLiteral("closed")).toBool(), false);
        QCOMPARE(open[0].toMap().value(QStringLiteral("html")).toString(), QString());
    }
};

QTEST_GUILESS_MAIN(TestMarkdown)
#include "test_markdown.moc"
