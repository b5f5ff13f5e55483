#pragma once
// Jinja lexer: splits template source into text and tag tokens, applying Jinja2's whitespace
// rules exactly as Hugging Face configures them (trim_blocks, lstrip_blocks, `-`/`+` markers,
// one trailing newline dropped).
#include "engine/core/result.h"

#include <string>
#include <string_view>
#include <vector>

namespace hearth::tmpl {

enum class TokenType {
    Text,
    VariableBegin, // {{
    VariableEnd,   // }}
    BlockBegin,    // {%
    BlockEnd,      // %}
    Name,
    String,
    Integer,
    Float,
    Operator,
    End,
};

struct Token {
    TokenType type;
    std::string text; // literal text, name, operator, or the unescaped string value
    int line;
    int column;
};

struct LexOptions {
    bool trimBlocks = true;
    bool lstripBlocks = true;
    bool keepTrailingNewline = false;
};

Result<std::vector<Token>> lexJinja(std::string_view source, const LexOptions& options = {});

} // namespace hearth::tmpl
