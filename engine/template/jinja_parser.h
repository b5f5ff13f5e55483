#pragma once
// Jinja parser: tokens to a syntax tree (statements and expressions with Jinja2's precedence).
#include "engine/core/result.h"
#include "engine/template/jinja_ast.h"
#include "engine/template/jinja_lexer.h"

namespace hearth::tmpl {

// Errors read "TemplateSyntaxError: <what> (line L, column C)".
Result<StmtList> parseJinja(std::vector<Token> tokens);

} // namespace hearth::tmpl
