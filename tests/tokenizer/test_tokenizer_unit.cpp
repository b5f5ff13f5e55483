// Tokenizer behaviour beyond the reference vectors: special-token handling, BOS/EOS, pieces and
// round trips, the streaming decoder, algorithm corners on hand-made vocabs, malformed metadata,
// hostile input and concurrent use.
#include "engine/tokenizer/stream_decoder.h"
#include "tokenizer/tokenizer_test_data.h"
#include "tokenizer/vocab_gguf_builder.h"

#include <QDir>
#include <QElapsedTimer>
#include <QTest>

#include <thread>

using namespace hearth;
using namespace hearth::testdata;
using hearth::test::VocabGgufBuilder;
using hearth::test::VocabSpec;

namespace {

const char* const kSpace = "\xE2\x96\x81"; // U+2581

std::unique_ptr<Tokenizer> loadVocab(const char* name) {
    QString error;
    auto t = loadTokenizer(vocabDir() + QLatin1Char('/') + QLatin1String(name), &error);
    if (!t) qWarning("%s", qPrintable(error));
    return t;
}

struct Built {
    std::vector<uint8_t> bytes;
    std::unique_ptr<GgufFile> file;
};

Result<std::unique_ptr<Tokenizer>> fromSpec(const VocabSpec& spec, Built& keep) {
    keep.bytes = VocabGgufBuilder::build(spec);
    auto file = GgufFile::parse(keep.bytes.data(), keep.bytes.size(), true);
    if (!file) return makeError("gguf: " + file.error());
    keep.file = std::move(file).value();
    return Tokenizer::fromGguf(*keep.file);
}

// A small SentencePiece vocab: controls, all byte tokens, and a few pieces with chosen scores.
VocabSpec spmSpec() {
    VocabSpec s;
    s.model = "llama";
    const auto add = [&](const std::string& t, float score, int32_t type) {
        s.tokens.push_back(t);
        s.scores.push_back(score);
        s.types.push_back(type);
    };
    add("<unk>", 0, 2);
    add("<s>", 0, 3);
    add("</s>", 0, 3);
    static const char* hex = "0123456789ABCDEF";
    for (int b = 0; b < 256; ++b) add(std::string("<0x") + hex[b >> 4] + hex[b & 15] + ">", 0, 6);
    add(kSpace, -1, 1);                        // 259
    add("a", -2, 1);                           // 260
    add("b", -2, 1);                           // 261
    add("c", -2, 1);                           // 262
    add("ab", -1.0f, 1);                       // 263
    add("bc", -0.5f, 1);                       // 264
    add(std::string(kSpace) + "ab", -0.1f, 1); // 265
    add("<tool>", 0, 4);                       // 266, user-defined
    return s;
}

std::string concatPieces(const Tokenizer& t, const std::vector<int32_t>& ids) {
    std::string s;
    for (int32_t id : ids) s += t.tokenToPiece(id, true);
    return s;
}

} // namespace

class TestTokenizerUnit : public QObject {
    Q_OBJECT

private slots:
    void specialTokensParsedOnlyOnRequest();
    void addSpecialFollowsMetadata();
    void endOfGenerationSet();
    void byteLevelPiecesRoundTrip();
    void spmScoreOrderAndByteFallback();
    void spmUserDefinedTokensAlwaysMatch();
    void spmDetokenizeDropsLeadingSpace();
    void streamDecoderHoldsPartialCharacters();
    void streamDecoderReplacesInvalidBytes();
    void malformedVocabsGiveErrors();
    void everyBpePreTokenizerCompiles();
    void hostileInputDoesNotCrash();
    void concurrentEncodeIsConsistent();
    void reportThroughput();
};

void TestTokenizerUnit::specialTokensParsedOnlyOnRequest() {
    const auto t = loadVocab("ggml-vocab-llama-bpe.rebuilt.gguf");
    QVERIFY(t);
    const int32_t eot = t->findToken("<|eot_id|>").value_or(-1);
    QCOMPARE(eot, 128009);
    const std::string text = "Hi<|eot_id|>there";
    const auto plain = t->encode(text, false, false);
    QVERIFY(std::find(plain.begin(), plain.end(), eot) == plain.end());
    QCOMPARE(concatPieces(*t, plain), text); // plain text survives byte for byte
    const auto parsed = t->encode(text, false, true);
    QCOMPARE(std::count(parsed.begin(), parsed.end(), eot), 1);
    QCOMPARE(concatPieces(*t, parsed), text);
    // Rendering control tokens is optional.
    QCOMPARE(t->tokenToPiece(eot, false), std::string());
    QCOMPARE(t->tokenToPiece(eot, true), std::string("<|eot_id|>"));
    QVERIFY(t->isControl(eot));
}

void TestTokenizerUnit::addSpecialFollowsMetadata() {
    const auto spm = loadVocab("ggml-vocab-llama-spm.gguf");
    QVERIFY(spm);
    auto ids = spm->encode("Hello", true, false);
    QCOMPARE(ids.front(), spm->bos());
    QCOMPARE(spm->bos(), 1);
    QVERIFY(ids.back() != spm->eos());

    const auto qwen = loadVocab("ggml-vocab-qwen2.rebuilt.gguf");
    QVERIFY(qwen);
    QVERIFY(!qwen->addBos());
    QCOMPARE(qwen->encode("Hello", true, false), qwen->encode("Hello", false, false));

    const auto bert = loadVocab("ggml-vocab-bert-bge.gguf");
    QVERIFY(bert);
    ids = bert->encode("Hello world", true, false);
    QCOMPARE(ids.front(), 101); // [CLS]
    QCOMPARE(ids.back(), 102);  // [SEP]
    QCOMPARE(int(ids.size()), 4);
    // WordPiece word starts carry the space (the reference strips it only for SentencePiece).
    QCOMPARE(bert->detokenize({7592, 2088}, false, false), std::string(" hello world"));
}

void TestTokenizerUnit::endOfGenerationSet() {
    const auto t = loadVocab("ggml-vocab-llama-bpe.rebuilt.gguf");
    QVERIFY(t);
    QVERIFY(t->isEog(t->eos()));
    QVERIFY(t->isEog(128009)); // <|eot_id|>
    QVERIFY(t->isEog(128001)); // <|end_of_text|>
    QVERIFY(!t->isEog(t->bos()));
    QVERIFY(!t->isEog(9906));
    QVERIFY(!t->isEog(-1));
    QVERIFY(!t->isEog(t->nVocab()));
    QCOMPARE(t->tokenToPiece(-1), std::string());
    QCOMPARE(t->tokenToPiece(t->nVocab()), std::string());
}

void TestTokenizerUnit::byteLevelPiecesRoundTrip() {
    // Byte-level BPE is lossless for valid UTF-8: the pieces spell the input exactly.
    const QByteArray inp = readAll(vocabDir() + "/ggml-vocab-qwen2.rebuilt.gguf.inp");
    QVERIFY(!inp.isEmpty());
    for (const char* name : {"ggml-vocab-qwen2.rebuilt.gguf", "ggml-vocab-llama-bpe.rebuilt.gguf",
                             "ggml-vocab-gpt-2.gguf", "ggml-vocab-deepseek-llm.gguf"}) {
        const auto t = loadVocab(name);
        QVERIFY(t);
        const std::string text(inp.constData(), inp.size());
        QCOMPARE(concatPieces(*t, t->encode(text, false, false)), text);
    }
}

void TestTokenizerUnit::spmScoreOrderAndByteFallback() {
    Built keep;
    auto t = fromSpec(spmSpec(), keep);
    QVERIFY2(t, t ? "" : t.error().c_str());
    // "▁abc": ▁a is no token; bc (-0.5) beats ab (-1.0), so the result is ▁ a bc.
    QCOMPARE((*t)->encode("abc", false, false), (std::vector<int32_t>{259, 260, 264}));
    // "▁ab" is a token of its own and wins over everything inside it.
    QCOMPARE((*t)->encode("ab", false, false), (std::vector<int32_t>{265}));
    // 'é' is not in the vocab: its two UTF-8 bytes become byte tokens (<0xXX> = 3 + byte).
    QCOMPARE((*t)->encode("\xC3\xA9", false, false),
             (std::vector<int32_t>{259, 3 + 0xC3, 3 + 0xA9}));
    QCOMPARE((*t)->tokenToPiece(3 + 0xC3), std::string("\xC3"));
    // Defaults when the metadata has no special ids: BOS 1, EOS 2, UNK 0, BOS added.
    QCOMPARE((*t)->bos(), 1);
    QCOMPARE((*t)->eos(), 2);
    QCOMPARE((*t)->unk(), 0);
    QVERIFY((*t)->addBos());
    QCOMPARE((*t)->encode("ab", true, false), (std::vector<int32_t>{1, 265}));
}

void TestTokenizerUnit::spmUserDefinedTokensAlwaysMatch() {
    Built keep;
    auto t = fromSpec(spmSpec(), keep);
    QVERIFY(t);
    // User-defined tokens are cut out even without parseSpecial; control tokens are not.
    QCOMPARE((*t)->encode("ab<tool>ab", false, false), (std::vector<int32_t>{265, 266, 265}));
    const auto plain = (*t)->encode("<s>", false, false);
    QVERIFY(std::find(plain.begin(), plain.end(), 1) == plain.end());
    QCOMPARE((*t)->encode("<s>ab", false, true), (std::vector<int32_t>{1, 265}));
}

void TestTokenizerUnit::spmDetokenizeDropsLeadingSpace() {
    const auto t = loadVocab("ggml-vocab-llama-spm.gguf");
    QVERIFY(t);
    const auto ids = t->encode("Hello world", true, false);
    const std::vector<int32_t> words(ids.begin() + 1, ids.end());
    QCOMPARE(concatPieces(*t, words), std::string(" Hello world"));
    QCOMPARE(t->detokenize(words, false, false), std::string("Hello world"));
    // Like the reference: a removed BOS keeps the space of the word after it.
    QCOMPARE(t->detokenize(ids, true, false), std::string(" Hello world"));
    QCOMPARE(t->detokenize(ids, false, true), std::string("<s> Hello world"));
}

void TestTokenizerUnit::streamDecoderHoldsPartialCharacters() {
    const auto t = loadVocab("ggml-vocab-llama-spm.gguf");
    QVERIFY(t);
    const std::string text = "llama \xF0\x9F\xA6\x99 and \xE4\xBD\xA0\xE5\xA5\xBD!";
    const auto ids = t->encode(text, false, false);
    StreamDecoder decoder(*t, false, true);
    std::string out;
    int heldBack = 0;
    for (int32_t id : ids) {
        const std::string chunk = decoder.push(id);
        // Every chunk is valid UTF-8 on its own.
        QCOMPARE(QString::fromUtf8(chunk.data(), qsizetype(chunk.size())).toUtf8(),
                 QByteArray(chunk.data(), qsizetype(chunk.size())));
        if (chunk.empty()) ++heldBack;
        out += chunk;
    }
    out += decoder.flush();
    QCOMPARE(out, text);
    QVERIFY(heldBack >= 3); // the llama emoji arrives as four byte tokens
}

void TestTokenizerUnit::streamDecoderReplacesInvalidBytes() {
    const auto t = loadVocab("ggml-vocab-llama-spm.gguf");
    QVERIFY(t);
    const int32_t xff = t->findToken("<0xFF>").value_or(-1);
    const int32_t xf0 = t->findToken("<0xF0>").value_or(-1);
    const int32_t a = t->findToken("a").value_or(-1);
    QVERIFY(xff >= 0 && xf0 >= 0 && a >= 0);
    StreamDecoder decoder(*t);
    QCOMPARE(decoder.push(xff), std::string("\xEF\xBF\xBD")); // never valid: replaced at once
    QCOMPARE(decoder.push(xf0), std::string());               // may still complete: held
    QCOMPARE(decoder.push(a), std::string("\xEF\xBF\xBD"
                                          "a")); // ...but did not
    QCOMPARE(decoder.push(xf0), std::string());
    QCOMPARE(decoder.flush(), std::string("\xEF\xBF\xBD"));
    QCOMPARE(decoder.flush(), std::string());
}

void TestTokenizerUnit::malformedVocabsGiveErrors() {
    const auto expectError = [](VocabSpec spec, const char* fragment) {
        Built keep;
        auto t = fromSpec(spec, keep);
        QVERIFY2(!t, fragment);
        QVERIFY2(t.error().find(fragment) != std::string::npos, t.error().c_str());
    };
    VocabSpec s = spmSpec();
    s.model = "sentencepiece-ish";
    expectError(s, "unsupported tokenizer model");

    s = spmSpec();
    s.scores.pop_back();
    expectError(s, "tokenizer.ggml.scores");

    s = spmSpec();
    s.types.push_back(1);
    expectError(s, "tokenizer.ggml.token_type");

    s = spmSpec();
    s.tokens.clear();
    s.scores.clear();
    s.types.clear();
    expectError(s, "tokenizer.ggml.tokens");

    s = spmSpec();
    s.model = "gpt2";
    s.pre = "gpt-2";
    expectError(s, "merges");

    s.writeMerges = true;
    s.merges = {"a b"};
    s.pre = "no-such-pre";
    expectError(s, "pre-tokenizer");

    // A file without any tokenizer.
    const auto model =
        GgufFile::open((conformanceDir() + "/models/stories260K/stories260K.gguf").toStdString());
    QVERIFY(model);
    QVERIFY(Tokenizer::fromGguf(**model)); // this one has a tokenizer
    VocabSpec none;
    Built keep;
    keep.bytes = VocabGgufBuilder::build(none);
    // Drop the model key by renaming it: the loader must say what is missing.
    const std::string key = "tokenizer.ggml.model";
    auto it = std::search(keep.bytes.begin(), keep.bytes.end(), key.begin(), key.end());
    QVERIFY(it != keep.bytes.end());
    *(it + 10) = 'X';
    auto file = GgufFile::parse(keep.bytes.data(), keep.bytes.size(), true);
    QVERIFY(file);
    auto t = Tokenizer::fromGguf(**file);
    QVERIFY(!t);
    QVERIFY2(t.error().find("tokenizer.ggml.model") != std::string::npos, t.error().c_str());

    // Out-of-range special ids fall back to the defaults instead of failing.
    s = spmSpec();
    s.u32Keys = {{"tokenizer.ggml.bos_token_id", 99999}, {"tokenizer.ggml.eos_token_id", 2}};
    auto ok = fromSpec(s, keep);
    QVERIFY(ok);
    QCOMPARE((*ok)->bos(), 1);
}

void TestTokenizerUnit::everyBpePreTokenizerCompiles() {
    // A byte-level vocab of lowercase letters plus one merge.
    VocabSpec s;
    s.model = "gpt2";
    const QString alphabet = QStringLiteral("abcdefghijklmnopqrstuvwxyz");
    for (QChar c : alphabet) s.tokens.push_back(QString(c).toStdString());
    s.tokens.push_back("ab");
    s.writeMerges = true;
    s.merges = {"a b"};
    const char* pres[] = {
        "default",     "llama3",       "llama-bpe",      "dbrx",         "smaug-bpe",
        "chatglm-bpe", "deepseek-llm", "deepseek-coder", "deepseek-v3",  "falcon",
        "mpt",         "starcoder",    "refact",         "command-r",    "smollm",
        "codeshell",   "exaone",       "minerva-7b",     "gpt-2",        "phi-2",
        "olmo",        "jais",         "stablelm2",      "qwen2",        "megrez",
        "hunyuan",     "poro-chat",    "bloom",          "gpt3-finnish", "viking",
        "tekken",      "gpt-4o",       "llama4",         "bailingmoe",   "seed-coder"};
    for (const char* pre : pres) {
        s.pre = pre;
        Built keep;
        auto t = fromSpec(s, keep);
        QVERIFY2(t, (std::string(pre) + ": " + (t ? "" : t.error())).c_str());
        // Every preset splits plain lowercase words the same way: "ab" merges, "c" stays.
        QCOMPARE((*t)->encode("abc", false, false), (std::vector<int32_t>{26, 2}));
    }
}

void TestTokenizerUnit::hostileInputDoesNotCrash() {
    const auto bpe = loadVocab("ggml-vocab-llama-bpe.rebuilt.gguf");
    const auto spm = loadVocab("ggml-vocab-llama-spm.gguf");
    const auto bert = loadVocab("ggml-vocab-bert-bge.gguf");
    QVERIFY(bpe && spm && bert);
    std::string junk;
    for (int i = 0; i < 4096; ++i) junk.push_back(static_cast<char>((i * 7919) & 0xFF));
    junk += std::string(200000, ' ') + "x" + std::string(100000, '\n');
    junk += std::string("\0\0\0", 3) + "\xED\xA0\x80\xF4\x90\x80\x80\xC0\xAF";
    for (const Tokenizer* t : {bpe.get(), spm.get(), bert.get()}) {
        const auto ids = t->encode(junk, true, true);
        QVERIFY(!ids.empty());
        for (int32_t id : ids) QVERIFY(id >= 0 && id < t->nVocab());
    }
    // SentencePiece keeps every byte (byte fallback), so its pieces give the input back.
    const auto ids = spm->encode(junk, false, false);
    QCOMPARE(concatPieces(*spm, ids), " " + junk);
    QVERIFY(bpe->encode("", true, false) == std::vector<int32_t>{bpe->bos()});
    QVERIFY(spm->encode("", false, false).empty());
}

void TestTokenizerUnit::concurrentEncodeIsConsistent() {
    const auto t = loadVocab("ggml-vocab-qwen2.rebuilt.gguf");
    QVERIFY(t);
    const QByteArray inp = readAll(vocabDir() + "/ggml-vocab-qwen2.rebuilt.gguf.inp");
    const std::string text(inp.constData(), inp.size());
    const auto expected = t->encode(text, false, false);
    std::vector<std::vector<int32_t>> results(4);
    std::vector<std::thread> threads;
    for (auto& r : results)
        threads.emplace_back([&] {
            for (int i = 0; i < 20; ++i) r = t->encode(text, false, false);
        });
    for (auto& th : threads) th.join();
    for (const auto& r : results) QVERIFY(r == expected);
}

// Reports load time and encode speed for the large vocabularies (printed, never asserted).
void TestTokenizerUnit::reportThroughput() {
    QByteArray sample;
    for (const QString& name : QDir(vocabDir()).entryList({QStringLiteral("*.inp")}, QDir::Files))
        sample += readAll(vocabDir() + QLatin1Char('/') + name);
    QVERIFY(!sample.isEmpty());
    std::string text;
    while (text.size() < 512 * 1024) text.append(sample.constData(), sample.size());
    for (const char* name : {"ggml-vocab-qwen2.rebuilt.gguf", "ggml-vocab-llama-bpe.rebuilt.gguf",
                             "ggml-vocab-llama-spm.gguf"}) {
        QElapsedTimer timer;
        timer.start();
        const auto t = loadVocab(name);
        const qint64 loadMs = timer.elapsed();
        QVERIFY(t);
        timer.restart();
        const auto ids = t->encode(text, false, false);
        const double seconds = std::max<qint64>(timer.nsecsElapsed(), 1) / 1e9;
        QVERIFY(!ids.empty());
        qInfo("%s: load %lld ms, encode %.1f MB/s (%zu bytes -> %zu tokens)", name, loadMs,
              text.size() / seconds / 1e6, text.size(), ids.size());
    }
}

QTEST_GUILESS_MAIN(TestTokenizerUnit)
#include "test_tokenizer_unit.moc"
