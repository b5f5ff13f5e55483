#pragma once
// JSON for templates: parse conversations into Values, and serialize Values the way Python's
// json.dumps(ensure_ascii=False, ...) does (what Hugging Face's `tojson` filter calls).
#include "engine/core/result.h"
#include "engine/template/value.h"

#include <optional>
#include <string>
#include <string_view>

namespace hearth::tmpl {

Result<Value> parseJson(std::string_view text);

struct JsonDumpOptions {
    std::optional<std::string> indent; // None: one line; else the string each level indents by
    std::string itemSeparator = ", ";  // Python picks "," when indent is set
    std::string keySeparator = ": ";
    bool sortKeys = false;
    bool ensureAscii = false;
};

// Fails (like Python's TypeError) on values JSON cannot hold: undefined, functions, loops.
Result<std::string> dumpJson(const Value& v, const JsonDumpOptions& options = {});

} // namespace hearth::tmpl
