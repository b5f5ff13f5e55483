// Ollama-style Go templates, and ChatTemplate's choice of template and stop strings.
#include "engine/template/chat_template.h"
#include "engine/template/go_template.h"
#include "engine/template/json.h"

#include <QFile>
#include <QtTest>

using namespace hearth::tmpl;
using hearth::makeError;
using hearth::Result;

namespace {

Value conversation() {
    return *parseJson(R"([{"role":"system","content":"S"},{"role":"user","content":"U1"},
                          {"role":"assistant","content":"A1"},{"role":"user","content":"U2"}])");
}

ChatRequest request(Value messages = conversation()) {
    ChatRequest r;
    r.messages = std::move(messages);
    r.eosToken = "</s>";
    r.bosToken = "<s>";
    return r;
}

QString renderGo(const char* source, const ChatRequest& r = request()) {
    auto t = GoTemplate::parse(source);
    if (!t) return QStringLiteral("PARSE ERROR: ") + QString::fromStdString(t.error());
    auto out = renderOllama(*t, r);
    return out ? QString::fromStdString(*out)
               : QStringLiteral("ERROR: ") + QString::fromStdString(out.error());
}

QByteArray sharedTemplate(const char* name) {
    QFile f(QStringLiteral(HEARTH_SHARED_DIR "/conformance/templates/") + QLatin1String(name));
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

} // namespace

class TestGoTemplate : public QObject {
    Q_OBJECT

private slots:
    void chatmlMessagesMode() {
        // Ollama's template/chatml.gotmpl shape.
        const char* chatml =
            "{{- range .Messages }}<|im_start|>{{ .Role }}\n{{ .Content }}<|im_end|>\n"
            "{{ end }}<|im_start|>assistant\n";
        QCOMPARE(
            renderGo(chatml),
            QStringLiteral("<|im_start|>system\nS<|im_end|>\n<|im_start|>user\nU1<|im_end|>\n"
                           "<|im_start|>assistant\nA1<|im_end|>\n<|im_start|>user\nU2<|im_end|>\n"
                           "<|im_start|>assistant\n"));
    }

    void legacyModeCutsAfterResponse() {
        const char* llama2 =
            "[INST] {{ if .System }}<<SYS>>{{ .System }}<</SYS>>\n\n{{ end }}{{ .Prompt }} [/INST] "
            "{{ .Response }}</s>";
        QCOMPARE(renderGo(llama2),
                 QStringLiteral("[INST] <<SYS>>S<</SYS>>\n\nU1 [/INST] A1</s>[INST] U2 [/INST] "));
    }

    void legacyCutIsByTreeOrder() {
        // Text after the .Response action is cut even when it sits in another branch.
        const char* t =
            "{{ if .Prompt }}P:{{ .Prompt }} R:{{ .Response }}!{{ else }}none{{ end }}tail";
        QCOMPARE(renderGo(t, request(*parseJson(R"([{"role":"user","content":"q"}])"))),
                 QStringLiteral("P:q R:"));
    }

    void sameRoleMessagesMerge() {
        const char* t = "{{ range .Messages }}[{{ .Role }}:{{ .Content }}]{{ end }}";
        auto msgs = *parseJson(R"([{"role":"user","content":"a"},{"role":"user","content":"b"},
                                   {"role":"tool","content":"t1"},{"role":"tool","content":"t2"}])");
        QCOMPARE(renderGo(t, request(msgs)), QStringLiteral("[user:a\n\nb][tool:t1][tool:t2]"));
    }

    void functionsAndBranches() {
        const char* t =
            "{{ range $i, $m := .Messages }}{{ if eq $m.Role \"user\" \"tool\" }}U"
            "{{ else if and (eq $m.Role \"assistant\") $.System }}A{{ else }}O{{ end }}{{ $i }}{{ "
            "end }}"
            "|{{ len .Messages }}|{{ (index .Messages 1).Content }}|{{ or .Missing \"dflt\" }}"
            "|{{ not .System }}|{{ if ne (len .Messages) 4 }}bad{{ end }}";
        QCOMPARE(renderGo(t), QStringLiteral("O0U1A2U3|4|U1|dflt|false|"));
    }

    void trimMarkersAndComments() {
        // One user message: legacy mode executes once.
        const ChatRequest one = request(*parseJson(R"([{"role":"user","content":"q"}])"));
        QCOMPARE(
            renderGo("a  \n {{- .Prompt -}} \n  b{{/* note */}}c {{- /* trimmed */ -}} d", one),
            QStringLiteral("aqbcd"));
        QCOMPARE(renderGo("{{ range .Tools }}T{{ else }}none{{ end }}", one),
                 QStringLiteral("none"));
        QCOMPARE(renderGo("x{{-3}}", one), QStringLiteral("x-3")); // "{{-3" is a number, not a trim
    }

    void variablesAndPipelines() {
        const char* t =
            "{{ $last := \"\" }}{{ range .Messages }}{{ $last = .Content }}{{ end }}{{ $last }}"
            "|{{ .System | printf \"<%s>\" }}|{{ slice .System 0 1 }}";
        QCOMPARE(renderGo(t), QStringLiteral("U2|<S>|S"));
    }

    void toolCallsAndJson() {
        auto msgs = *parseJson(
            R"([{"role":"assistant","content":"","tool_calls":[{"id":"c1","type":"function",
            "function":{"name":"get","arguments":{"b":"<x>","a":1}}}]}])");
        const char* t = "{{ range .Messages }}{{ range .ToolCalls }}{{ .Function.Name }} {{ "
                        ".Function.Arguments }} "
                        "{{ json .Function }}{{ end }}{{ end }}";
        QCOMPARE(
            renderGo(t, request(msgs)),
            QStringLiteral("get {\"a\":1,\"b\":\"\\u003cx\\u003e\"} "
                           "{\"name\":\"get\",\"arguments\":{\"a\":1,\"b\":\"\\u003cx\\u003e\"}}"));
    }

    void parseErrors_data() {
        QTest::addColumn<QString>("source");
        QTest::addColumn<QString>("expected");
        QTest::newRow("missing end") << "{{ if .System }}x"
                                     << "missing {{end}}";
        QTest::newRow("unknown function") << "line\n{{ frob .System }}"
                                          << "line 2: function \"frob\" not defined";
        QTest::newRow("unclosed action") << "{{ .System"
                                         << "unclosed action";
        QTest::newRow("stray end") << "x{{ end }}"
                                   << "unexpected {{end}}";
        QTest::newRow("unterminated string") << "{{ eq .Role \"user }}"
                                             << "unclosed action";
    }

    void parseErrors() {
        QFETCH(QString, source);
        QFETCH(QString, expected);
        auto t = GoTemplate::parse(source.toStdString());
        QVERIFY(!t.ok());
        QVERIFY2(t.error().find(expected.toStdString()) != std::string::npos, t.error().c_str());
    }

    void runtimeErrors() {
        auto t = GoTemplate::parse("{{ index .Messages 9 }}");
        QVERIFY(t.ok());
        auto out = renderOllama(*t, request());
        QVERIFY(!out.ok());
        QVERIFY2(out.error().find("index out of range") != std::string::npos, out.error().c_str());
    }

    void selectionOrder() {
        TemplateSources s;
        s.architecture = "qwen2";
        s.ggufTemplate = "{{ 'gguf' }}";
        s.ollamaTemplate = "{{ .Prompt }}";
        s.userOverride = "{{ 'mine' }}";
        auto pick = [](const TemplateSources& src) {
            auto t = ChatTemplate::select(src);
            return t ? QString::fromStdString(*t->render(request()))
                     : QString::fromStdString(t.error());
        };
        QCOMPARE(pick(s), QStringLiteral("mine"));
        QCOMPARE(ChatTemplate::select(s)->origin(), TemplateOrigin::UserOverride);
        s.userOverride.clear();
        QCOMPARE(pick(s), QStringLiteral("gguf"));
        s.ggufTemplate.clear();
        QCOMPARE(pick(s), QStringLiteral("U1A1U2")); // Ollama legacy mode, {{ .Response }} appended
        QCOMPARE(ChatTemplate::select(s)->origin(), TemplateOrigin::Ollama);
        s.ollamaTemplate.clear();
        auto fb = ChatTemplate::select(s);
        QVERIFY(fb.ok());
        QCOMPARE(fb->origin(), TemplateOrigin::Fallback);
        QCOMPARE(QString::fromStdString(fb->fallbackName()), QStringLiteral("chatml"));
        // A Go-syntax override is recognised as such.
        s.userOverride = "{{ range .Messages }}{{ .Content }};{{ end }}";
        QCOMPARE(pick(s), QStringLiteral("S;U1;A1;U2;"));
        // A broken override is an error, not a silent fallback.
        s.userOverride = "{% if %}";
        QVERIFY(!ChatTemplate::select(s).ok());
    }

    void fallbacksByVocabularyThenArchitecture_data() {
        QTest::addColumn<QString>("arch");
        QTest::addColumn<QStringList>("tokens");
        QTest::addColumn<QString>("name");
        QTest::newRow("llama3 vocab")
            << "llama" << QStringList{"<|start_header_id|>", "<|eot_id|>"} << "llama3";
        QTest::newRow("chatml vocab") << "llama" << QStringList{"<|im_start|>"} << "chatml";
        QTest::newRow("gemma arch") << "gemma2" << QStringList{} << "gemma";
        QTest::newRow("phi3 vocab") << "phi3" << QStringList{"<|user|>", "<|assistant|>"} << "phi3";
        QTest::newRow("mistral vocab") << "llama" << QStringList{"[INST]"} << "mistral";
        QTest::newRow("qwen arch") << "qwen3" << QStringList{} << "chatml";
        QTest::newRow("unknown") << "llama" << QStringList{} << "plain";
    }

    void fallbacksByVocabularyThenArchitecture() {
        QFETCH(QString, arch);
        QFETCH(QStringList, tokens);
        QFETCH(QString, name);
        TemplateSources s;
        s.architecture = arch.toStdString();
        for (const auto& t : tokens) s.specialTokens.push_back(t.toStdString());
        auto t = ChatTemplate::select(s);
        QVERIFY(t.ok());
        QCOMPARE(QString::fromStdString(t->fallbackName()), name);
        auto out = t->render(request());
        QVERIFY2(out.ok(), out.ok() ? "" : out.error().c_str());
        QVERIFY(out->find("U2") != std::string::npos); // every fallback shows the last turn
    }

    void fallbackRenderings() {
        TemplateSources s;
        s.specialTokens = {"<|start_header_id|>"};
        QCOMPARE(QString::fromStdString(*ChatTemplate::select(s)->render(
                     request(*parseJson(R"([{"role":"user","content":" hi "}])")))),
                 QStringLiteral("<s><|start_header_id|>user<|end_header_id|>\n\nhi<|eot_id|><|"
                                "start_header_id|>assistant<|end_header_id|>\n\n"));
        s.specialTokens = {"[INST]"};
        QCOMPARE(QString::fromStdString(*ChatTemplate::select(s)->render(request())),
                 QStringLiteral("<s>[INST] S\n\nU1 [/INST] A1</s>[INST] U2 [/INST]"));
        s.specialTokens = {};
        QCOMPARE(
            QString::fromStdString(*ChatTemplate::select(s)->render(request())),
            QStringLiteral("System: S\n\nUser: U1\n\nAssistant: A1\n\nUser: U2\n\nAssistant:"));
    }

    // Stop strings follow from what each real template writes after an assistant turn.
    void stopSequencesFromTemplates_data() {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("eos");
        QTest::addColumn<QStringList>("expected");
        QTest::newRow("llama3") << "meta-llama-Llama-3.2-3B-Instruct.jinja"
                                << "<|eot_id|>" << QStringList{"<|eot_id|>"};
        QTest::newRow("qwen") << "Qwen-Qwen2.5-7B-Instruct.jinja"
                              << "<|endoftext|>" << QStringList{"<|endoftext|>", "<|im_end|>"};
        QTest::newRow("gemma") << "google-gemma-2-2b-it.jinja"
                               << "<eos>" << QStringList{"<eos>", "<end_of_turn>"};
        QTest::newRow("mistral") << "mistralai-Mistral-Nemo-Instruct-2407.jinja"
                                 << "</s>" << QStringList{"</s>"};
        QTest::newRow("deepseek") << "deepseek-ai-DeepSeek-R1-Distill-Llama-8B.jinja"
                                  << "<｜end▁of▁sentence｜>"
                                  << QStringList{"<｜end▁of▁sentence｜>"};
    }

    void stopSequencesFromTemplates() {
        QFETCH(QString, file);
        QFETCH(QString, eos);
        QFETCH(QStringList, expected);
        auto t = ChatTemplate::fromJinja(sharedTemplate(file.toUtf8().constData()).toStdString());
        QVERIFY(t.ok());
        QStringList got;
        for (const auto& s : t->stopSequences(eos.toStdString())) got << QString::fromStdString(s);
        QCOMPARE(got, expected);
    }

    void stopSequencesPreferVocabularyTokens() {
        auto t = ChatTemplate::fromGo("{{ range .Messages }}{{ .Content }}<|end|>\n{{ end }}");
        QVERIFY(t.ok());
        auto stops = t->stopSequences("", {"<|end|>", "<|e"});
        QCOMPARE(stops.size(), size_t(1));
        QCOMPARE(QString::fromStdString(stops[0]), QStringLiteral("<|end|>"));
    }
};

QTEST_GUILESS_MAIN(TestGoTemplate)
#include "test_go_template.moc"
