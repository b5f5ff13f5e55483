#include "engine/store/model_name.h"

#include <cctype>

namespace hearth {
namespace {

constexpr std::string_view kDefaultHost = "registry.ollama.ai";
constexpr std::string_view kDefaultNamespace = "library";

bool alnumOrUnderscore(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

// One part against Ollama's table: first char alphanumeric or '_', then the allowed extras.
Status checkPart(std::string_view part, const char* what, std::string_view extras, size_t maxLen) {
    if (part.empty()) return makeError(std::string("the ") + what + " is empty");
    if (part.size() > maxLen)
        return makeError(std::string("the ") + what + " is longer than " + std::to_string(maxLen) +
                         " characters");
    if (!alnumOrUnderscore(part[0]))
        return makeError(std::string("the ") + what + " '" + std::string(part) +
                         "' must start with a letter, digit or '_'");
    for (char c : part)
        if (!alnumOrUnderscore(c) && extras.find(c) == std::string_view::npos)
            return makeError(std::string("the ") + what + " '" + std::string(part) +
                             "' contains '" + std::string(1, c) + "'");
    return {};
}

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(a[i])) !=
            std::tolower(static_cast<unsigned char>(b[i])))
            return false;
    return true;
}

} // namespace

Result<ModelName> ModelName::parse(std::string_view text) {
    const std::string original(text);
    auto bad = [&](const std::string& why) {
        return makeError("invalid model name '" + original + "': " + why);
    };
    if (text.empty()) return bad("the name is empty");
    ModelName n;
    std::string_view s = text;
    // The tag follows the last ':' only when it comes after the last '/' (host:port keeps its).
    const size_t colon = s.rfind(':'), slash = s.rfind('/');
    if (colon != std::string_view::npos && (slash == std::string_view::npos || colon > slash)) {
        n.tag = std::string(s.substr(colon + 1));
        s = s.substr(0, colon);
        if (n.tag.empty()) return bad("the tag after ':' is empty");
    }
    size_t cut = s.rfind('/');
    n.model = std::string(cut == std::string_view::npos ? s : s.substr(cut + 1));
    if (cut != std::string_view::npos) {
        s = s.substr(0, cut);
        if (s.empty()) return bad("the namespace before '/' is empty");
        cut = s.rfind('/');
        n.nameSpace = std::string(cut == std::string_view::npos ? s : s.substr(cut + 1));
        if (cut != std::string_view::npos) {
            s = s.substr(0, cut);
            if (const size_t scheme = s.find("://"); scheme != std::string_view::npos)
                s = s.substr(scheme + 3);
            if (s.empty()) return bad("the host before '/' is empty");
            n.host = std::string(s);
        }
    }
    if (auto st = checkPart(n.host, "host", "-.:", 350); !st) return bad(st.error());
    if (auto st = checkPart(n.nameSpace, "namespace", "-", 80); !st) return bad(st.error());
    if (auto st = checkPart(n.model, "model", "-.", 80); !st) return bad(st.error());
    if (auto st = checkPart(n.tag, "tag", "-.", 80); !st) return bad(st.error());
    return n;
}

std::string ModelName::full() const {
    return host + "/" + nameSpace + "/" + model + ":" + tag;
}

std::string ModelName::displayShortest() const {
    if (iequals(host, kDefaultHost)) {
        if (iequals(nameSpace, kDefaultNamespace)) return model + ":" + tag;
        return nameSpace + "/" + model + ":" + tag;
    }
    return full();
}

std::string ModelName::manifestRelPath() const {
    return "manifests/" + host + "/" + nameSpace + "/" + model + "/" + tag;
}

bool ModelName::equalFold(const ModelName& o) const {
    return iequals(host, o.host) && iequals(nameSpace, o.nameSpace) && iequals(model, o.model) &&
           iequals(tag, o.tag);
}

} // namespace hearth
