#pragma once
// A parsed Jinja2 template that renders exactly like Hugging Face's apply_chat_template
// (Jinja2 3.1, trim_blocks + lstrip_blocks, loop controls, {% generation %}, HF's tojson,
// raise_exception and strftime_now). Parse once, render many times; rendering is thread-safe.
#include "engine/core/result.h"
#include "engine/template/jinja_evaluator.h"
#include "engine/template/value.h"

#include <memory>
#include <string>
#include <string_view>

namespace hearth::tmpl {

class JinjaTemplate {
public:
    // Syntax errors read "TemplateSyntaxError: <what> (line L, column C)".
    static Result<JinjaTemplate> parse(std::string_view source);

    // `context` is a dict of variables (messages, add_generation_prompt, bos_token, ...).
    // Errors read "<PythonExceptionType>: <message> (line L, column C)"; a template's own
    // raise_exception("...") becomes "TemplateError: ...".
    Result<std::string> render(const Value& context, const RenderEnvironment& env = {}) const;

private:
    std::shared_ptr<const StmtList> body_;
};

} // namespace hearth::tmpl
