// The Jinja interpreter: Python-Jinja2 semantics against reference renderings, syntax and
// runtime errors with positions, and hostile templates that must stop with a clear error.
#include "engine/template/jinja_template.h"
#include "engine/template/json.h"

#include <QFile>
#include <QtTest>

#include <string>

using namespace hearth::tmpl;
using hearth::makeError;
using hearth::Result;

namespace {

Result<std::string> render(const std::string& source, const Value& ctx = Value::dict({}),
                           RenderEnvironment env = {}) {
    auto t = JinjaTemplate::parse(source);
    if (!t) return makeError(t.error());
    return t->render(ctx, env);
}

std::string errorOf(const Result<std::string>& r) {
    return r.ok() ? std::string("<rendered: ") + *r + ">" : r.error();
}

} // namespace

class TestJinja : public QObject {
    Q_OBJECT

private slots:
    // Small templates covering operators, filters, tests, loops, macros, whitespace control and
    // errors, each rendered by Python Jinja2 (see make_jinja_reference.py).
    void referenceCases_data() {
        QTest::addColumn<QString>("templateText");
        QTest::addColumn<bool>("ok");
        QTest::addColumn<QString>("expected");
        QTest::addColumn<int>("contextIndex");
        QFile f(QStringLiteral(HEARTH_SOURCE_DIR "/tests/template/jinja_reference_cases.json"));
        QVERIFY(f.open(QIODevice::ReadOnly));
        auto doc = parseJson(f.readAll().toStdString());
        QVERIFY2(doc.ok(), doc.ok() ? "" : doc.error().c_str());
        int i = 0;
        for (const auto& group : doc->asDict().find("groups")->asList()) {
            contexts_.push_back(*group.asDict().find("context"));
            for (const auto& c : group.asDict().find("cases")->asList()) {
                const Dict& d = c.asDict();
                QTest::newRow(QByteArray::number(i++).constData())
                    << QString::fromStdString(d.find("template")->asString())
                    << d.find("ok")->asBool()
                    << QString::fromStdString(d.find("output")->asString())
                    << int(contexts_.size() - 1);
            }
        }
        QVERIFY(i >= 120);
    }

    void referenceCases() {
        QFETCH(QString, templateText);
        QFETCH(bool, ok);
        QFETCH(QString, expected);
        QFETCH(int, contextIndex);
        auto r =
            render(templateText.toStdString(), contexts_[static_cast<std::size_t>(contextIndex)]);
        QCOMPARE(r.ok(), ok);
        if (ok) {
            QCOMPARE(QString::fromStdString(*r), expected);
        } else {
            // Same exception type and message as Jinja2, then our position.
            QVERIFY2(r.error().rfind(expected.toStdString(), 0) == 0, r.error().c_str());
            QVERIFY2(r.error().find("(line 1, column ") != std::string::npos, r.error().c_str());
        }
    }

    void syntaxErrorsNamePosition_data() {
        QTest::addColumn<QString>("source");
        QTest::addColumn<QString>("where");
        QTest::newRow("unclosed if") << "a\n{% if x %}b"
                                     << "line 2";
        QTest::newRow("missing operand") << "line one\n\n  {{ 1 + }}"
                                         << "line 3, column 10";
        QTest::newRow("unknown tag") << "{% frobnicate %}"
                                     << "line 1, column 4";
        QTest::newRow("stray endfor") << "x\n{% endfor %}"
                                      << "line 2";
        QTest::newRow("unterminated string") << "{{ 'abc }}"
                                             << "line 1, column 4";
        QTest::newRow("unterminated tag") << "{{ x "
                                          << "line 1";
        QTest::newRow("unterminated comment") << "ok\n{# never closed"
                                              << "line 2, column 1";
        QTest::newRow("bad char") << "{{ x @ y }}"
                                  << "line 1, column 6";
        QTest::newRow("for without in") << "{% for x of y %}{% endfor %}"
                                        << "line 1";
        QTest::newRow("endif mismatch") << "{% for x in y %}{% endif %}"
                                        << "line 1";
    }

    void syntaxErrorsNamePosition() {
        QFETCH(QString, source);
        QFETCH(QString, where);
        auto t = JinjaTemplate::parse(source.toStdString());
        QVERIFY(!t.ok());
        QVERIFY2(t.error().rfind("TemplateSyntaxError: ", 0) == 0, t.error().c_str());
        QVERIFY2(t.error().find(where.toStdString()) != std::string::npos, t.error().c_str());
    }

    void runtimeErrorsNamePosition() {
        auto r = render("first\nsecond\n   {{ foo.bar }}");
        QCOMPARE(QString::fromStdString(errorOf(r)),
                 QStringLiteral("UndefinedError: 'foo' is undefined (line 3, column 7)"));
        auto r2 = render("{% for m in messages %}\n{{ m.content + 1 }}{% endfor %}",
                         *parseJson(R"({"messages":[{"content":"x"}]})"));
        QVERIFY2(errorOf(r2).find(
                     "TypeError: can only concatenate str (not \"int\") to str (line 2") == 0,
                 errorOf(r2).c_str());
    }

    void raiseExceptionSurfacesMessage() {
        auto r = render("{% if messages[0].role == 'system' %}\n  {{ raise_exception('System role "
                        "not supported') }}\n{% endif %}",
                        *parseJson(R"({"messages":[{"role":"system","content":"x"}]})"));
        QVERIFY(!r.ok());
        QVERIFY2(r.error().rfind("TemplateError: System role not supported", 0) == 0,
                 r.error().c_str());
    }

    void strftimeUsesInjectedClock() {
        RenderEnvironment env;
        env.clock = [] {
            std::tm tm{};
            tm.tm_year = 124;
            tm.tm_mon = 6;
            tm.tm_mday = 6;
            tm.tm_wday = 6;
            tm.tm_hour = 15;
            return tm;
        };
        auto r = render("{{ strftime_now('%d %b %Y') }}|{{ strftime_now('%-d %B %Y, %A %I%p') "
                        "}}|{{ strftime_now('%Y-%m-%d') }}",
                        Value::dict({}), env);
        QVERIFY(r.ok());
        QCOMPARE(QString::fromStdString(*r),
                 QStringLiteral("06 Jul 2024|6 July 2024, Saturday 03PM|2024-07-06"));
    }

    void generationBlockRendersBody() {
        auto r = render("{% generation %}A{{ 1 }}{% endgeneration %}B");
        QVERIFY(r.ok());
        QCOMPARE(QString::fromStdString(*r), QStringLiteral("A1B"));
    }

    void keepsOneTrailingNewlineRule() {
        // Jinja2 drops exactly one trailing newline of the source (keep_trailing_newline=False).
        QCOMPARE(QString::fromStdString(*render("x\n")), QStringLiteral("x"));
        QCOMPARE(QString::fromStdString(*render("x\n\n")), QStringLiteral("x\n"));
        QCOMPARE(QString::fromStdString(*render("a\r\nb")), QStringLiteral("a\nb"));
    }

    // Hostile templates: each must end quickly with a clear error, not hang or crash.
    void hostileTemplates_data() {
        QTest::addColumn<QString>("source");
        QTest::addColumn<QString>("expectedError");
        QTest::newRow("huge nested loop") << "{% for i in range(100000) %}{% for j in "
                                             "range(100000) %}{{ '' }}{% endfor %}{% endfor %}"
                                          << "evaluation steps";
        QTest::newRow("unbounded recursion")
            << "{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}"
            << "nested deeper than";
        QTest::newRow("mutual recursion") << "{% macro a() %}{{ b() }}{% endmacro %}{% macro b() "
                                             "%}{{ a() }}{% endmacro %}{{ a() }}"
                                          << "nested deeper than";
        QTest::newRow("doubling string")
            << "{% set ns = namespace(s='xxxxxxxx') %}{% for i in range(64) %}{% set ns.s = ns.s ~ "
               "ns.s %}{% endfor %}{{ ns.s }}"
            << "output exceeded";
        QTest::newRow("string repetition") << "{{ 'x' * 10000000000 }}"
                                           << "output exceeded";
        QTest::newRow("giant range") << "{{ range(1000000000)|list|length }}"
                                     << "OverflowError: Range too big";
        QTest::newRow("output flood")
            << "{% for i in range(100000) %}{% for j in range(100000) "
               "%}xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx{% endfor %}{% endfor %}"
            << "TemplateRuntimeError";
        QTest::newRow("deep parens")
            << "{{ " + QString(5000, '(') + "1" + QString(5000, ')') + " }}"
            << "nesting too deep";
        QTest::newRow("deep blocks")
            << QString("{% if true %}").repeated(3000) << "nesting too deep";
        QTest::newRow("deeply nested list")
            << "{% set ns = namespace(x=[]) %}{% for i in range(100000) %}{% set ns.x = [ns.x] "
               "%}{% endfor %}{{ ns.x }}"
            << "RecursionError";
        QTest::newRow("self-containing namespace")
            << "{% set ns = namespace(me=none) %}{% set ns.me = ns %}{{ ns }}"
            << "RecursionError";
        QTest::newRow("namespace chain")
            << "{% set ns = namespace(tail=none) %}{% set ns.tail = "
               "namespace(v=none) %}{% set ns.head = ns.tail %}"
               "{% for i in range(100000) %}{% set link = "
               "namespace(v=none) %}{% set t = ns.tail %}{% set t.v = link %}"
               "{% set ns.tail = link %}{% endfor %}"
            << "namespace() objects";
        QTest::newRow("deep not") << "{{ " + QString("not ").repeated(5000) + "x }}"
                                  << "nesting too deep";
    }

    void hostileTemplates() {
        QFETCH(QString, source);
        QFETCH(QString, expectedError);
        auto r = render(source.toStdString());
        QVERIFY(!r.ok());
        QVERIFY2(r.error().find(expectedError.toStdString()) != std::string::npos,
                 r.error().c_str());
    }

    void limitsAreConfigurable() {
        RenderEnvironment env;
        env.limits.maxOutputBytes = 10;
        auto r = render("{{ 'abcdefghijk' }}", Value::dict({}), env);
        QVERIFY(!r.ok());
        QVERIFY(r.error().find("output exceeded the limit of 10 bytes") != std::string::npos);
        env.limits.maxOutputBytes = 11;
        QVERIFY(render("{{ 'abcdefghijk' }}", Value::dict({}), env).ok());
    }

    void jsonRejectsMalformedInput() {
        for (const char* bad :
             {"", "{", "[1,]", "{\"a\" 1}", "\"unterminated", "tru", "[1] x", "{\"a\":\"\\q\"}"}) {
            auto r = parseJson(bad);
            QVERIFY2(!r.ok(), bad);
            QVERIFY(r.error().find("JSON:") == 0);
        }
        auto ok = parseJson(R"({"s":"\u00e9\ud83d\ude00","n":-1.5e2,"i":12,"l":[true,null]})");
        QVERIFY(ok.ok());
        QCOMPARE(QString::fromStdString(ok->asDict().find("s")->asString()), QStringLiteral("é😀"));
        QCOMPARE(ok->asDict().find("n")->asDouble(), -150.0);
        QCOMPARE(ok->asDict().find("i")->asInt(), 12);
    }

private:
    std::vector<Value> contexts_;
};

QTEST_GUILESS_MAIN(TestJinja)
#include "test_jinja.moc"
