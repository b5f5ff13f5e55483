#include "engine/tokenizer/bpe_presets.h"

#include <initializer_list>
#include <map>

namespace hearth::tok {

namespace {

// The split expressions, as the reference implementation lists them per pre-tokenizer type.
const std::string kGpt2 =
    R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S))";
const std::string kLlama3 =
    R"((?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";
const std::string kQwen2 =
    R"((?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";
const std::string kPoro = R"( ?[^(\s|.,!?…。，、।۔،)]+)";
const std::string kGpt4o =
    R"([^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+)";
const std::string kTekken =
    R"([^\r\n\p{L}\p{N}]?((?=[\p{L}])([^a-z]))*((?=[\p{L}])([^A-Z]))+|[^\r\n\p{L}\p{N}]?((?=[\p{L}])([^a-z]))+((?=[\p{L}])([^A-Z]))*|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+)";
const std::string kBailing =
    R"('(?:[sSdDmMtT]|[lL][lL]|[vV][eE]|[rR][eE])|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";
const std::string kSeedCoder =
    R"((?:'([sS]|[tT]|[rR][eE]|[vV][eE]|[mM]|[lL][lL]|[dD]))|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";

// Written with escapes: the literal characters include compatibility forms (e.g. U+1F7D,
// U+212A) that editors silently normalise into different code points.
const std::string kDeepseekLetters =
    R"(\s?[A-Za-z\x{B5}\x{C0}-\x{D6}\x{D8}-\x{F6}\x{F8}-\x{1BA}\x{1BC}-\x{1BF}\x{1C4}-)"
    R"(\x{293}\x{295}-\x{2AF}\x{370}-\x{373}\x{376}\x{377}\x{37B}-\x{37D}\x{37F}\x{386})"
    R"(\x{388}-\x{38A}\x{38C}\x{38E}-\x{3A1}\x{3A3}-\x{3F5}\x{3F7}-\x{481}\x{48A}-)"
    R"(\x{52F}\x{531}-\x{556}\x{10A0}-\x{10C5}\x{13A0}-\x{13F5}\x{13F8}-\x{13FD})"
    R"(\x{1C90}-\x{1CBA}\x{1CBD}-\x{1CBF}\x{1D00}-\x{1D2B}\x{1D6B}-\x{1D77}\x{1D79}-)"
    R"(\x{1D9A}\x{1E00}-\x{1F15}\x{1F18}-\x{1F1D}\x{1F20}-\x{1F45}\x{1F48}-\x{1F4D})"
    R"(\x{1F50}-\x{1F57}\x{1F59}\x{1F5B}\x{1F5D}\x{1F5F}-\x{1F7D}\x{1F80}-\x{1FB4})"
    R"(\x{1FB6}-\x{1FBC}\x{1FBE}\x{1FC2}-\x{1FC4}\x{1FC6}-\x{1FCC}\x{1FD0}-\x{1FD3})"
    R"(\x{1FD6}-\x{1FDB}\x{1FE0}-\x{1FEC}\x{1FF2}-\x{1FF4}\x{1FF6}-\x{1FFC}\x{2102})"
    R"(\x{2107}\x{210A}-\x{2113}\x{2115}\x{2119}-\x{211D}\x{2124}\x{2126}\x{2128})"
    R"(\x{212A}-\x{212D}\x{212F}-\x{2134}\x{2139}\x{213C}-\x{213F}\x{2145}-\x{2149})"
    R"(\x{214E}\x{2183}\x{2184}\x{2C00}-\x{2C7B}\x{2C7E}-\x{2CE4}\x{2CEB}-\x{2CEE})"
    R"(\x{2CF2}\x{2CF3}\x{A640}-\x{A66D}\x{A680}-\x{A69B}\x{A722}-\x{A76F}\x{A771}-)"
    R"(\x{A787}\x{A78B}-\x{A78E}\x{AB70}-\x{ABBF}\x{FB00}-\x{FB06}\x{FB13}-\x{FB17})"
    R"(\x{FF21}-\x{FF3A}\x{FF41}-\x{FF5A}\x{10400}-\x{1044F}\x{104B0}-\x{104D3})"
    R"(\x{104D8}-\x{104FB}\x{10C80}-\x{10CB2}\x{10CC0}-\x{10CF2}\x{118A0}-\x{118DF})"
    R"(\x{1E900}-\x{1E943}]+)";
const std::string kCjk = "[一-龥ࠀ-一가-퟿]+";

BpePreset preset(std::vector<std::string> patterns, bool cleanSpaces = true) {
    BpePreset p;
    p.patterns = std::move(patterns);
    p.cleanSpaces = cleanSpaces;
    return p;
}

std::map<std::string, BpePreset, std::less<>> buildPresets() {
    std::map<std::string, BpePreset, std::less<>> m;
    const auto add = [&](std::initializer_list<const char*> names, const BpePreset& p) {
        for (const char* n : names) m[n] = p;
    };

    add({"default"}, preset({R"([\p{P}\$\+<=>\^~\|]+)", kGpt2, R"(\p{N}+)", "[0-9][0-9][0-9]"}));

    BpePreset llama3 = preset({kLlama3});
    llama3.ignoreMerges = true;
    llama3.forceAddBos = true;
    add({"llama3", "llama-v3", "llama-bpe", "falcon3", "falcon-h1", "pixtral", "midm-2.0", "lfm2"},
        llama3);
    add({"dbrx", "smaug-bpe"}, preset({kLlama3}));

    BpePreset chatglm = preset({kLlama3});
    chatglm.noBos = true;
    add({"chatglm-bpe"}, chatglm);

    add({"deepseek-llm"}, preset({"[\\r\\n]", kDeepseekLetters, "\\s?[!-/:-~！-／：-～‘-‟　-。]+",
                                  "\\s+$", kCjk, "\\p{N}+"},
                                 false));
    add({"deepseek-coder"},
        preset({"[\\r\\n]", "\\s?\\p{L}+", "\\s?\\p{P}+", kCjk, "\\p{N}"}, false));
    add({"deepseek-v3"},
        preset(
            {"\\p{N}{1,3}", "[一-龥぀-ゟ゠-ヿ]+",
             "[!\"#$%&'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~][A-Za-z]+|[^\\r\\n\\p{L}\\p{P}\\p{S}]?["
             "\\p{L}\\p{M}]+| ?[\\p{P}\\p{S}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"},
            false));

    add({"falcon"}, preset({R"([\p{P}\$\+<=>\^~\|`]+)", kGpt2, "[0-9][0-9][0-9]"}));

    add({"starcoder", "refact", "codeshell", "exaone", "minerva-7b"}, preset({"\\p{N}", kGpt2}));
    add({"command-r", "smollm"}, preset({"\\p{N}", kGpt2}, false));

    add({"gpt-2", "phi-2", "jina-es", "jina-de", "gigachat", "jina-v1-en", "jina-v2-es",
         "jina-v2-de", "jina-v2-code", "a.x-4.0", "mellum", "mpt", "olmo", "jais", "trillion",
         "granite-docling"},
        preset({kGpt2}));

    add({"stablelm2", "hunyuan"}, preset({kQwen2}));
    add({"qwen2", "deepseek-r1-qwen", "megrez"}, preset({kQwen2}, false));

    add({"bloom", "gpt3-finnish"}, preset({kPoro}));
    add({"poro-chat"}, preset({kPoro}, false));
    add({"viking"}, preset({kPoro, "\\p{N}"}, false));

    BpePreset tekken = preset({kTekken}, false);
    tekken.ignoreMerges = true;
    tekken.forceAddBos = true;
    add({"tekken"}, tekken);

    add({"gpt-4o", "llama4"}, preset({kGpt4o}, false));
    add({"bailingmoe", "bailingmoe2", "llada-moe"}, preset({kBailing}));
    add({"seed-coder"}, preset({kSeedCoder}));
    return m;
}

} // namespace

const BpePreset* findBpePreset(std::string_view pre) {
    static const auto presets = buildPresets();
    const auto it = presets.find(pre);
    return it == presets.end() ? nullptr : &it->second;
}

} // namespace hearth::tok
