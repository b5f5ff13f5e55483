#include "engine/template/jinja_evaluator.h"

#include "engine/template/jinja_builtins.h"
#include "engine/template/template_error.h"

namespace hearth::tmpl {

const Value* Scope::lookup(std::string_view name) const {
    for (const Scope* s = this; s; s = s->parent_.get())
        for (const auto& [k, v] : s->vars_)
            if (k == name) return &v;
    return nullptr;
}

void Scope::set(const std::string& name, Value v) {
    for (auto& [k, old] : vars_)
        if (k == name) {
            old = std::move(v);
            return;
        }
    vars_.emplace_back(name, std::move(v));
}

std::string Evaluator::render(const StmtList& body, const ScopePtr& scope) {
    std::string out;
    out_ = &out;
    exec(body, scope);
    out_ = nullptr;
    return out;
}

void Evaluator::step() {
    if (++steps_ > env_.limits.maxSteps)
        raise("TemplateRuntimeError", "template exceeded the limit of " +
                                          std::to_string(env_.limits.maxSteps) +
                                          " evaluation steps (runaway loop?)");
}

void Evaluator::checkSize(std::size_t bytes) const {
    if (bytes > env_.limits.maxOutputBytes)
        raise("TemplateRuntimeError", "template output exceeded the limit of " +
                                          std::to_string(env_.limits.maxOutputBytes) + " bytes");
}

Evaluator::~Evaluator() {
    // `{% set a.next = b %}{% set b.next = a %}` makes a shared_ptr cycle; emptying every namespace
    // breaks it (the render is over, nothing reads them again).
    for (const Value& ns : namespaceObjects_) ns.namespaceDict().entries.clear();
}

void Evaluator::adoptNamespace(const Value& ns) {
    if (++namespaces_ > env_.limits.maxNamespaces)
        raise("TemplateRuntimeError", "template created more than " +
                                          std::to_string(env_.limits.maxNamespaces) +
                                          " namespace() objects");
    namespaceObjects_.push_back(ns);
}

void Evaluator::write(std::string_view s) {
    checkSize(out_->size() + s.size());
    out_->append(s);
}

std::string Evaluator::capture(const StmtList& body, const ScopePtr& scope) {
    std::string buf;
    std::string* saved = out_;
    out_ = &buf;
    try {
        exec(body, scope);
    } catch (...) {
        out_ = saved;
        throw;
    }
    out_ = saved;
    return buf;
}

Evaluator::Flow Evaluator::exec(const StmtList& body, const ScopePtr& scope) {
    for (const auto& s : body) {
        Flow f = execStmt(*s, scope);
        if (f != Flow::Normal) return f;
    }
    return Flow::Normal;
}

Evaluator::Flow Evaluator::execStmt(const Stmt& s, const ScopePtr& scope) {
    step();
    try {
        switch (s.kind) {
        case StmtKind::Text:
            write(s.text);
            break;
        case StmtKind::Output: {
            Value v = eval(*s.expr, scope);
            if (v.isString())
                write(v.asString());
            else
                write(pyStr(v));
            break;
        }
        case StmtKind::If:
            for (std::size_t i = 0; i < s.conds.size(); ++i)
                if (eval(*s.conds[i], scope).truthy()) return exec(s.bodies[i], scope);
            return exec(s.elseBody, scope);
        case StmtKind::For:
            execFor(s, scope, eval(*s.expr, scope), 0);
            break;
        case StmtKind::Set:
            assign(*s.target, eval(*s.expr, scope), scope);
            break;
        case StmtKind::SetBlock: {
            Value v(capture(s.body, scope));
            if (s.expr) v = eval(*s.expr, scope); // filters applied to the captured text
            scope->set(s.text, std::move(v));
            break;
        }
        case StmtKind::FilterBlock: {
            std::string text = capture(s.body, scope);
            // The filter chain's innermost subject is null: substitute the captured text.
            auto inner = std::make_shared<Scope>(scope);
            inner->set("\x01filter_subject", Value(std::move(text)));
            Value v = eval(*s.expr, inner);
            write(v.isString() ? v.asString() : pyStr(v));
            break;
        }
        case StmtKind::Macro:
            scope->set(s.text, makeMacro(s, scope));
            break;
        case StmtKind::CallBlock: {
            const Stmt* body = &s;
            Value caller =
                Value::function("caller", [this, body, defScope = scope](Evaluator&, CallArgs& a) {
                    auto inner = std::make_shared<Scope>(defScope);
                    for (std::size_t i = 0; i < body->params.size(); ++i) {
                        Value v = argumentOr(a, i, body->params[i].c_str(), Value::undefined());
                        if (v.isUndefined() && body->defaults[i])
                            v = eval(*body->defaults[i], inner);
                        inner->set(body->params[i], v);
                    }
                    return Value(capture(body->body, inner));
                });
            const Expr& callExpr = *s.expr;
            Value callee = eval(*callExpr.a, scope);
            CallArgs args = evalArgs(callExpr, scope);
            args.keyword.emplace_back("caller", caller);
            Value v = call(callee, args);
            write(v.isString() ? v.asString() : pyStr(v));
            break;
        }
        case StmtKind::Break:
            return Flow::Break;
        case StmtKind::Continue:
            return Flow::Continue;
        case StmtKind::Scoped: {
            if (!s.newScope) return exec(s.body, scope);
            auto inner = std::make_shared<Scope>(scope);
            for (const auto& [name, e] : s.assignments) inner->set(name, eval(*e, scope));
            return exec(s.body, inner);
        }
        }
    } catch (TemplateError& e) {
        if (e.line == 0) {
            e.line = s.line;
            e.column = s.column;
        }
        throw;
    }
    return Flow::Normal;
}

void Evaluator::execFor(const Stmt& s, const ScopePtr& scope, const Value& iterable, int depth) {
    ValueList all = iterateValue(iterable);
    ValueList items;
    if (s.cond) {
        for (auto& v : all) {
            auto probe = std::make_shared<Scope>(scope);
            assign(*s.target, v, probe);
            if (eval(*s.cond, probe).truthy()) items.push_back(std::move(v));
        }
    } else {
        items = std::move(all);
    }
    auto state = std::make_shared<LoopState>();
    state->length = static_cast<std::int64_t>(items.size());
    state->depth0 = depth;
    state->items = &items;
    if (s.recursive) {
        state->recurse = [this, &s, scope, depth](const Value& nested) {
            std::string buf;
            std::string* saved = out_;
            out_ = &buf;
            try {
                execFor(s, scope, nested, depth + 1);
            } catch (...) {
                out_ = saved;
                throw;
            }
            out_ = saved;
            return buf;
        };
    }
    Value loopValue = Value::loop(state);
    for (std::size_t i = 0; i < items.size(); ++i) {
        step();
        state->index0 = static_cast<std::int64_t>(i);
        auto iter = std::make_shared<Scope>(scope);
        assign(*s.target, items[i], iter);
        iter->set("loop", loopValue);
        Flow f = exec(s.body, iter);
        if (f == Flow::Break) break;
    }
    if (items.empty()) exec(s.elseBody, scope);
    state->items = nullptr;
}

void Evaluator::assign(const Expr& target, const Value& v, const ScopePtr& scope) {
    switch (target.kind) {
    case ExprKind::Name:
        scope->set(target.name, v);
        return;
    case ExprKind::Attr: {
        Value ns = eval(*target.a, scope);
        if (!ns.isNamespace())
            raise("TemplateRuntimeError", "cannot assign attribute on non-namespace object");
        ns.namespaceDict().set(Value(target.name), v);
        return;
    }
    case ExprKind::Tuple: {
        ValueList parts = iterateValue(v);
        if (parts.size() != target.args.size())
            raise("ValueError",
                  (parts.size() > target.args.size() ? "too many values to unpack (expected "
                                                     : "not enough values to unpack (expected ") +
                      std::to_string(target.args.size()) + ")");
        for (std::size_t i = 0; i < parts.size(); ++i) assign(*target.args[i], parts[i], scope);
        return;
    }
    default:
        raise("TemplateSyntaxError", "cannot assign to this expression");
    }
}

Value Evaluator::makeMacro(const Stmt& s, const ScopePtr& scope) {
    const Stmt* def = &s;
    // The macro needs its defining scope (a closure, like Jinja2's), but that scope usually holds
    // the macro itself, so a strong capture is a reference cycle that leaks both. The evaluator
    // keeps the scope alive for the render instead (the macro cannot outlive it: it captures
    // `this`).
    closureScopes_.push_back(scope);
    return Value::function(
        s.text, [this, def, weakScope = std::weak_ptr<Scope>(scope)](Evaluator&, CallArgs& args) {
            return callMacro(*def, weakScope.lock(), args, nullptr);
        });
}

Value Evaluator::callMacro(const Stmt& s, const ScopePtr& defScope, CallArgs& args, const Value*) {
    if (++callDepth_ > env_.limits.maxCallDepth) {
        --callDepth_;
        raise("TemplateRuntimeError", "macro calls nested deeper than " +
                                          std::to_string(env_.limits.maxCallDepth) +
                                          " levels (runaway recursion?)");
    }
    struct DepthRelease {
        int& d;
        ~DepthRelease() { --d; }
    } release{callDepth_};

    auto inner = std::make_shared<Scope>(defScope);
    ValueList varargs;
    for (std::size_t i = 0; i < args.positional.size(); ++i) {
        if (i < s.params.size())
            inner->set(s.params[i], args.positional[i]);
        else
            varargs.push_back(args.positional[i]);
    }
    Dict kwargs;
    std::vector<bool> given(s.params.size(), false);
    for (std::size_t i = 0; i < s.params.size() && i < args.positional.size(); ++i) given[i] = true;
    for (auto& [k, v] : args.keyword) {
        bool matched = false;
        for (std::size_t i = 0; i < s.params.size(); ++i)
            if (s.params[i] == k) {
                inner->set(k, v);
                given[i] = true;
                matched = true;
            }
        if (!matched) {
            if (k == "caller")
                inner->set("caller", v);
            else
                kwargs.set(Value(k), v);
        }
    }
    for (std::size_t i = 0; i < s.params.size(); ++i) {
        if (given[i]) continue;
        if (s.defaults[i])
            inner->set(s.params[i], eval(*s.defaults[i], inner));
        else
            inner->set(s.params[i],
                       Value::undefined("parameter '" + s.params[i] + "' was not provided"));
    }
    inner->set("varargs", Value::list(std::move(varargs), true));
    inner->set("kwargs", Value::dict(std::move(kwargs)));
    return Value(capture(s.body, inner));
}

Value Evaluator::call(const Value& callee, CallArgs& args) {
    if (callee.isFunction()) return callee.asFunction().call(*this, args);
    if (callee.isUndefined()) failUndefined(callee);
    if (callee.isLoop()) {
        LoopState& st = callee.asLoop();
        if (!st.recurse)
            raise("TypeError",
                  "Tried to call non recursive loop.  Maybe you forgot the 'recursive' modifier.");
        return Value(st.recurse(argumentOr(args, 0, "iterable", Value::undefined())));
    }
    raise("TypeError", quoted(callee.typeName()) + " object is not callable");
}

CallArgs Evaluator::evalArgs(const Expr& e, const ScopePtr& scope) {
    CallArgs args;
    args.positional.reserve(e.args.size());
    for (const auto& a : e.args) args.positional.push_back(eval(*a, scope));
    for (const auto& [k, a] : e.kwargs) args.keyword.emplace_back(k, eval(*a, scope));
    return args;
}

Value Evaluator::eval(const Expr& e, const ScopePtr& scope) {
    step();
    try {
        return evalInner(e, scope);
    } catch (TemplateError& err) {
        if (err.line == 0) {
            err.line = e.line;
            err.column = e.column;
        }
        throw;
    }
}

Value Evaluator::evalCall(const Expr& e, const ScopePtr& scope) {
    // Method calls (`s.strip()`, `d.get(k)`) dispatch directly instead of binding a method.
    if (e.a->kind == ExprKind::Attr) {
        Value obj = eval(*e.a->a, scope);
        if (obj.isUndefined()) failUndefined(obj);
        if ((obj.isString() || obj.isList() || obj.isDict()) && hasMethod(obj, e.a->name)) {
            CallArgs args = evalArgs(e, scope);
            Value result;
            if (callMethod(*this, obj, e.a->name, args, result)) return result;
        }
        Value callee = getAttr(obj, e.a->name);
        CallArgs args = evalArgs(e, scope);
        return call(callee, args);
    }
    Value callee = eval(*e.a, scope);
    CallArgs args = evalArgs(e, scope);
    return call(callee, args);
}

Value Evaluator::evalInner(const Expr& e, const ScopePtr& scope) {
    switch (e.kind) {
    case ExprKind::Literal:
        return e.value;
    case ExprKind::Name: {
        if (const Value* v = scope->lookup(e.name)) return *v;
        return Value::undefined(quoted(e.name) + " is undefined");
    }
    case ExprKind::Attr:
        return getAttr(eval(*e.a, scope), e.name);
    case ExprKind::Item:
        return getItem(eval(*e.a, scope), eval(*e.b, scope));
    case ExprKind::Slice: {
        Value obj = eval(*e.a, scope);
        std::optional<std::int64_t> parts[3];
        for (int i = 0; i < 3; ++i) {
            if (!e.args[static_cast<std::size_t>(i)]) continue;
            Value p = eval(*e.args[static_cast<std::size_t>(i)], scope);
            if (p.isNone()) continue;
            if (!p.isInt() && !p.isBool())
                raise("TypeError",
                      "slice indices must be integers or None or have an __index__ method");
            parts[i] = p.asInt();
        }
        if (parts[2] && *parts[2] == 0) raise("ValueError", "slice step cannot be zero");
        return sliceValue(obj, parts[0], parts[1], parts[2]);
    }
    case ExprKind::Call:
        return evalCall(e, scope);
    case ExprKind::Filter: {
        Value subject;
        if (e.a)
            subject = eval(*e.a, scope);
        else if (const Value* v = scope->lookup("\x01filter_subject"))
            subject = *v;
        CallArgs args = evalArgs(e, scope);
        return applyFilter(*this, e.name, subject, args);
    }
    case ExprKind::Test: {
        Value subject = eval(*e.a, scope);
        CallArgs args = evalArgs(e, scope);
        bool r = applyTest(*this, e.name, subject, args);
        return Value(e.negated ? !r : r);
    }
    case ExprKind::Unary: {
        Value v = eval(*e.a, scope);
        if (e.name == "not") return Value(!v.truthy());
        if (v.isUndefined()) failUndefined(v);
        if (e.name == "-") {
            if (v.isFloat()) return Value(-v.asDouble());
            if (v.isNumber()) return Value(-v.asInt());
            raise("TypeError", "bad operand type for unary -: '" + v.typeName() + "'");
        }
        if (!v.isNumber())
            raise("TypeError", "bad operand type for unary +: '" + v.typeName() + "'");
        return v.isBool() ? Value(v.asInt()) : v;
    }
    case ExprKind::Binary:
        return binaryOp(*this, e.name, eval(*e.a, scope), eval(*e.b, scope));
    case ExprKind::And: {
        Value l = eval(*e.a, scope);
        return l.truthy() ? eval(*e.b, scope) : l;
    }
    case ExprKind::Or: {
        Value l = eval(*e.a, scope);
        return l.truthy() ? l : eval(*e.b, scope);
    }
    case ExprKind::Compare: {
        Value left = eval(*e.args[0], scope);
        for (std::size_t i = 0; i < e.ops.size(); ++i) {
            Value right = eval(*e.args[i + 1], scope);
            if (!compareOp(e.ops[i], left, right)) return Value(false);
            left = std::move(right);
        }
        return Value(true);
    }
    case ExprKind::Cond: {
        if (eval(*e.args[1], scope).truthy()) return eval(*e.args[0], scope);
        if (e.args[2]) return eval(*e.args[2], scope);
        return Value::undefined("the inline if-expression on line " + std::to_string(e.line) +
                                " evaluated to false and no else section was defined.");
    }
    case ExprKind::List:
    case ExprKind::Tuple: {
        ValueList items;
        items.reserve(e.args.size());
        for (const auto& a : e.args) items.push_back(eval(*a, scope));
        return Value::list(std::move(items), e.kind == ExprKind::Tuple);
    }
    case ExprKind::Dict: {
        Dict d;
        for (std::size_t i = 0; i + 1 < e.args.size(); i += 2)
            d.set(eval(*e.args[i], scope), eval(*e.args[i + 1], scope));
        return Value::dict(std::move(d));
    }
    }
    return Value::undefined();
}

} // namespace hearth::tmpl
