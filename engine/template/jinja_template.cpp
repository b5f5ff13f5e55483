#include "engine/template/jinja_template.h"

#include "engine/template/jinja_builtins.h"
#include "engine/template/jinja_lexer.h"
#include "engine/template/jinja_parser.h"
#include "engine/template/template_error.h"

namespace hearth::tmpl {

Result<JinjaTemplate> JinjaTemplate::parse(std::string_view source) {
    auto tokens = lexJinja(source);
    if (!tokens) return makeError(tokens.error());
    auto body = parseJinja(std::move(*tokens));
    if (!body) return makeError(body.error());
    JinjaTemplate t;
    t.body_ = std::make_shared<const StmtList>(std::move(*body));
    return t;
}

Result<std::string> JinjaTemplate::render(const Value& context,
                                          const RenderEnvironment& env) const {
    auto globals = std::make_shared<Scope>();
    addGlobals(*globals);
    auto root = std::make_shared<Scope>(globals);
    if (context.isDict())
        for (const auto& [k, v] : context.asDict().entries)
            if (k.isString()) root->set(k.asString(), v);
    Evaluator ev(env);
    try {
        return ev.render(*body_, root);
    } catch (const TemplateError& e) {
        return makeError(e.describe());
    } catch (const std::bad_alloc&) {
        return makeError("MemoryError: template rendering ran out of memory");
    }
}

} // namespace hearth::tmpl
