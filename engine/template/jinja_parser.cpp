#include "engine/template/jinja_parser.h"

#include "engine/template/py_string.h"
#include "engine/template/template_error.h"

#include <charconv>
#include <initializer_list>

namespace hearth::tmpl {
namespace {

// Deeply nested brackets in a hostile template must not overflow the native stack.
constexpr int kMaxNesting = 200;

class Parser {
public:
    explicit Parser(std::vector<Token> tokens) : t_(std::move(tokens)) {}

    StmtList parseTemplate() {
        StmtList body = subparse({});
        return body;
    }

private:
    const Token& cur() const { return t_[i_]; }
    const Token& peek(std::size_t n = 1) const { return t_[std::min(i_ + n, t_.size() - 1)]; }
    bool isOp(const char* op) const {
        return cur().type == TokenType::Operator && cur().text == op;
    }
    bool isName(const char* n) const { return cur().type == TokenType::Name && cur().text == n; }
    void advance() {
        if (i_ + 1 < t_.size()) ++i_;
    }

    [[noreturn]] void fail(const std::string& msg, const Token& at) const {
        throw TemplateError{"TemplateSyntaxError", msg, at.line, at.column};
    }
    [[noreturn]] void fail(const std::string& msg) const { fail(msg, cur()); }

    std::string describe(const Token& tok) const {
        switch (tok.type) {
        case TokenType::End:
            return "end of template";
        case TokenType::BlockEnd:
            return "end of statement block";
        case TokenType::VariableEnd:
            return "end of print statement";
        case TokenType::String:
            return "string";
        default:
            return quoted(tok.text);
        }
    }

    void expectOp(const char* op) {
        if (!isOp(op)) fail("expected token '" + std::string(op) + "', got " + describe(cur()));
        advance();
    }
    std::string expectName() {
        if (cur().type != TokenType::Name) fail("expected name, got " + describe(cur()));
        std::string n = cur().text;
        advance();
        return n;
    }
    void expectBlockEnd() {
        if (cur().type != TokenType::BlockEnd)
            fail("expected end of statement block, got " + describe(cur()));
        advance();
    }

    ExprPtr node(ExprKind k, const Token& at) {
        auto e = std::make_unique<Expr>();
        e->kind = k;
        e->line = at.line;
        e->column = at.column;
        return e;
    }
    StmtPtr stmt(StmtKind k, const Token& at) {
        auto s = std::make_unique<Stmt>();
        s->kind = k;
        s->line = at.line;
        s->column = at.column;
        return s;
    }

    struct DepthGuard {
        int& d;
        explicit DepthGuard(int& depth, const Parser& p) : d(depth) {
            if (++d > kMaxNesting) p.fail("template nesting too deep");
        }
        ~DepthGuard() { --d; }
    };

    // ---- statements -------------------------------------------------------------------------

    // Parses until a block whose keyword is one of `ends`; leaves the cursor on that keyword.
    StmtList subparse(std::initializer_list<const char*> ends) {
        DepthGuard g(depth_, *this);
        StmtList body;
        while (true) {
            const Token& tok = cur();
            if (tok.type == TokenType::End) {
                if (ends.size() == 0) return body;
                std::string want;
                for (const char* e : ends)
                    want += (want.empty() ? "'" : " or '") + std::string(e) + "'";
                fail("unexpected end of template; Jinja was looking for " + want, tok);
            }
            if (tok.type == TokenType::Text) {
                auto s = stmt(StmtKind::Text, tok);
                s->text = tok.text;
                body.push_back(std::move(s));
                advance();
            } else if (tok.type == TokenType::VariableBegin) {
                advance();
                auto s = stmt(StmtKind::Output, tok);
                s->expr = parseTuple();
                if (cur().type != TokenType::VariableEnd)
                    fail("expected end of print statement, got " + describe(cur()));
                advance();
                body.push_back(std::move(s));
            } else if (tok.type == TokenType::BlockBegin) {
                const Token& kw = peek();
                if (kw.type != TokenType::Name) fail("tag name expected", kw);
                for (const char* e : ends)
                    if (kw.text == e) {
                        advance(); // cursor on the keyword
                        return body;
                    }
                advance();
                body.push_back(parseStatement());
            } else {
                fail("unexpected " + describe(tok), tok);
            }
        }
    }

    // After subparse stopped on `keyword` (the name token): consume it and the `%}`.
    void endTag() {
        advance();
        if (cur().type == TokenType::Name) advance(); // {% endmacro name %}
        expectBlockEnd();
    }

    StmtPtr parseStatement() {
        const Token& kw = cur();
        std::string k = kw.text;
        advance();
        if (k == "if") return parseIf(kw);
        if (k == "for") return parseFor(kw);
        if (k == "set") return parseSet(kw);
        if (k == "macro") return parseMacro(kw);
        if (k == "call") return parseCallBlock(kw);
        if (k == "filter") return parseFilterBlock(kw);
        if (k == "break" || k == "continue") {
            auto s = stmt(k == "break" ? StmtKind::Break : StmtKind::Continue, kw);
            expectBlockEnd();
            return s;
        }
        if (k == "generation") {
            auto s = stmt(StmtKind::Scoped, kw);
            expectBlockEnd();
            s->body = subparse({"endgeneration"});
            endTag();
            return s;
        }
        if (k == "with") return parseWith(kw);
        fail("Encountered unknown tag '" + k + "'.", kw);
    }

    StmtPtr parseIf(const Token& kw) {
        auto s = stmt(StmtKind::If, kw);
        s->conds.push_back(parseTuple(false));
        expectBlockEnd();
        s->bodies.push_back(subparse({"elif", "else", "endif"}));
        while (true) {
            std::string k = cur().text;
            advance();
            if (k == "elif") {
                s->conds.push_back(parseTuple(false));
                expectBlockEnd();
                s->bodies.push_back(subparse({"elif", "else", "endif"}));
            } else if (k == "else") {
                expectBlockEnd();
                s->elseBody = subparse({"endif"});
                endTag();
                return s;
            } else {
                expectBlockEnd();
                return s;
            }
        }
    }

    ExprPtr parseAssignTarget(bool allowAttr) {
        const Token& at = cur();
        std::vector<ExprPtr> names;
        bool paren = isOp("(");
        if (paren) advance();
        while (true) {
            const Token& nt = cur();
            auto n = node(ExprKind::Name, nt);
            n->name = expectName();
            if (allowAttr && isOp(".")) {
                advance();
                auto a = node(ExprKind::Attr, nt);
                a->a = std::move(n);
                a->name = expectName();
                n = std::move(a);
            }
            names.push_back(std::move(n));
            if (!isOp(",")) break;
            advance();
            if (cur().type != TokenType::Name) break;
        }
        if (paren) expectOp(")");
        if (names.size() == 1 && !paren) return std::move(names[0]);
        auto t = node(ExprKind::Tuple, at);
        t->args = std::move(names);
        return t;
    }

    StmtPtr parseFor(const Token& kw) {
        auto s = stmt(StmtKind::For, kw);
        s->target = parseAssignTarget(false);
        if (!isName("in")) fail("expected 'in', got " + describe(cur()));
        advance();
        s->expr = parseTuple(false, /*stopAtRecursive=*/true);
        if (isName("if")) {
            advance();
            s->cond = parseExpression();
        }
        if (isName("recursive")) {
            advance();
            s->recursive = true;
        }
        expectBlockEnd();
        s->body = subparse({"endfor", "else"});
        if (cur().text == "else") {
            advance();
            expectBlockEnd();
            s->elseBody = subparse({"endfor"});
        }
        endTag();
        return s;
    }

    StmtPtr parseSet(const Token& kw) {
        ExprPtr target = parseAssignTarget(true);
        if (isOp("=")) {
            advance();
            auto s = stmt(StmtKind::Set, kw);
            s->target = std::move(target);
            s->expr = parseTuple();
            expectBlockEnd();
            return s;
        }
        if (target->kind != ExprKind::Name) fail("block set needs a plain name", kw);
        auto s = stmt(StmtKind::SetBlock, kw);
        s->text = target->name;
        if (isOp("|")) s->expr = parseFilterChain(nullptr);
        expectBlockEnd();
        s->body = subparse({"endset"});
        endTag();
        return s;
    }

    void parseParams(Stmt& s) {
        expectOp("(");
        while (!isOp(")")) {
            if (!s.params.empty()) expectOp(",");
            if (isOp(")")) break;
            s.params.push_back(expectName());
            if (isOp("=")) {
                advance();
                s.defaults.push_back(parseExpression());
            } else {
                s.defaults.push_back(nullptr);
            }
        }
        advance();
    }

    StmtPtr parseMacro(const Token& kw) {
        auto s = stmt(StmtKind::Macro, kw);
        s->text = expectName();
        parseParams(*s);
        expectBlockEnd();
        s->body = subparse({"endmacro"});
        endTag();
        return s;
    }

    StmtPtr parseCallBlock(const Token& kw) {
        auto s = stmt(StmtKind::CallBlock, kw);
        if (isOp("(")) parseParams(*s);
        s->expr = parseExpression();
        if (s->expr->kind != ExprKind::Call) fail("expected call", kw);
        expectBlockEnd();
        s->body = subparse({"endcall"});
        endTag();
        return s;
    }

    StmtPtr parseFilterBlock(const Token& kw) {
        auto s = stmt(StmtKind::FilterBlock, kw);
        s->expr = parseFilterChain(nullptr, true);
        expectBlockEnd();
        s->body = subparse({"endfilter"});
        endTag();
        return s;
    }

    StmtPtr parseWith(const Token& kw) {
        auto s = stmt(StmtKind::Scoped, kw);
        s->newScope = true;
        while (cur().type != TokenType::BlockEnd) {
            if (!s->assignments.empty()) expectOp(",");
            std::string n = expectName();
            expectOp("=");
            s->assignments.emplace_back(n, parseExpression());
        }
        expectBlockEnd();
        s->body = subparse({"endwith"});
        endTag();
        return s;
    }

    // ---- expressions ------------------------------------------------------------------------

    bool atTupleEnd(bool stopAtRecursive) const {
        const Token& c = cur();
        if (c.type == TokenType::VariableEnd || c.type == TokenType::BlockEnd ||
            c.type == TokenType::End)
            return true;
        if (c.type == TokenType::Operator && (c.text == ")" || c.text == "]" || c.text == "}"))
            return true;
        if (stopAtRecursive && c.type == TokenType::Name &&
            (c.text == "recursive" || c.text == "if"))
            return true;
        return false;
    }

    ExprPtr parseTuple(bool withCondexpr = true, bool stopAtRecursive = false,
                       bool explicitParens = false) {
        const Token& at = cur();
        std::vector<ExprPtr> items;
        bool sawComma = false;
        while (true) {
            if (!items.empty()) {
                if (!isOp(",")) break;
                advance();
                sawComma = true;
            }
            if (atTupleEnd(stopAtRecursive)) break;
            items.push_back(withCondexpr ? parseExpression() : parseOr());
        }
        if (!sawComma) {
            if (!items.empty()) return std::move(items[0]);
            if (!explicitParens) fail("expected an expression, got " + describe(cur()));
        }
        auto t = node(ExprKind::Tuple, at);
        t->args = std::move(items);
        return t;
    }

    ExprPtr parseExpression() {
        DepthGuard g(depth_, *this);
        ExprPtr e = parseOr();
        while (isName("if")) {
            const Token& at = cur();
            advance();
            auto c = node(ExprKind::Cond, at);
            c->args.push_back(std::move(e));
            c->args.push_back(parseOr());
            if (isName("else")) {
                advance();
                c->args.push_back(parseExpression());
            } else {
                c->args.push_back(nullptr);
            }
            // args: [value-if-true, condition, value-if-false]
            e = std::move(c);
        }
        return e;
    }

    ExprPtr parseOr() {
        ExprPtr e = parseAnd();
        while (isName("or")) {
            auto n = node(ExprKind::Or, cur());
            advance();
            n->a = std::move(e);
            n->b = parseAnd();
            e = std::move(n);
        }
        return e;
    }

    ExprPtr parseAnd() {
        ExprPtr e = parseNot();
        while (isName("and")) {
            auto n = node(ExprKind::And, cur());
            advance();
            n->a = std::move(e);
            n->b = parseNot();
            e = std::move(n);
        }
        return e;
    }

    ExprPtr parseNot() {
        if (isName("not")) {
            DepthGuard g(depth_, *this);
            auto n = node(ExprKind::Unary, cur());
            advance();
            n->name = "not";
            n->a = parseNot();
            return n;
        }
        return parseCompare();
    }

    ExprPtr parseCompare() {
        const Token& at = cur();
        ExprPtr first = parseMath1();
        ExprPtr cmp;
        while (true) {
            std::string op;
            if (cur().type == TokenType::Operator &&
                (cur().text == "==" || cur().text == "!=" || cur().text == "<" ||
                 cur().text == ">" || cur().text == "<=" || cur().text == ">=")) {
                op = cur().text;
                advance();
            } else if (isName("in")) {
                op = "in";
                advance();
            } else if (isName("not") && peek().type == TokenType::Name && peek().text == "in") {
                op = "notin";
                advance();
                advance();
            } else {
                break;
            }
            if (!cmp) {
                cmp = node(ExprKind::Compare, at);
                cmp->args.push_back(std::move(first));
            }
            cmp->ops.push_back(op);
            cmp->args.push_back(parseMath1());
        }
        return cmp ? std::move(cmp) : std::move(first);
    }

    ExprPtr binary(const char* op, ExprPtr l, ExprPtr r, const Token& at) {
        auto n = node(ExprKind::Binary, at);
        n->name = op;
        n->a = std::move(l);
        n->b = std::move(r);
        return n;
    }

    ExprPtr parseMath1() {
        ExprPtr e = parseConcat();
        while (isOp("+") || isOp("-")) {
            Token at = cur();
            advance();
            e = binary(at.text == "+" ? "+" : "-", std::move(e), parseConcat(), at);
        }
        return e;
    }

    ExprPtr parseConcat() {
        ExprPtr e = parseMath2();
        while (isOp("~")) {
            Token at = cur();
            advance();
            e = binary("~", std::move(e), parseMath2(), at);
        }
        return e;
    }

    ExprPtr parseMath2() {
        ExprPtr e = parsePow();
        while (isOp("*") || isOp("/") || isOp("//") || isOp("%")) {
            Token at = cur();
            advance();
            ExprPtr r = parsePow();
            auto n = node(ExprKind::Binary, at);
            n->name = at.text;
            n->a = std::move(e);
            n->b = std::move(r);
            e = std::move(n);
        }
        return e;
    }

    ExprPtr parsePow() {
        ExprPtr e = parseUnary();
        while (isOp("**")) {
            Token at = cur();
            advance();
            e = binary("**", std::move(e), parseUnary(), at);
        }
        return e;
    }

    ExprPtr parseUnary(bool withFilter = true) {
        DepthGuard g(depth_, *this);
        ExprPtr e;
        if (isOp("-") || isOp("+")) {
            auto n = node(ExprKind::Unary, cur());
            n->name = cur().text;
            advance();
            n->a = parseUnary(false);
            e = std::move(n);
        } else {
            e = parsePrimary();
        }
        e = parsePostfix(std::move(e));
        if (withFilter) e = parseFilterExpr(std::move(e));
        return e;
    }

    ExprPtr parsePrimary() {
        const Token& tok = cur();
        switch (tok.type) {
        case TokenType::Name: {
            auto n = node(ExprKind::Literal, tok);
            const std::string& s = tok.text;
            if (s == "true" || s == "True")
                n->value = Value(true);
            else if (s == "false" || s == "False")
                n->value = Value(false);
            else if (s == "none" || s == "None")
                n->value = Value::none();
            else {
                n->kind = ExprKind::Name;
                n->name = s;
            }
            advance();
            return n;
        }
        case TokenType::String: {
            auto n = node(ExprKind::Literal, tok);
            std::string s;
            while (cur().type == TokenType::String) {
                s += cur().text;
                advance();
            }
            n->value = Value(std::move(s));
            return n;
        }
        case TokenType::Integer: {
            auto n = node(ExprKind::Literal, tok);
            std::int64_t v = 0;
            auto r = std::from_chars(tok.text.data(), tok.text.data() + tok.text.size(), v);
            if (r.ec != std::errc())
                n->value = Value(py::toDouble(tok.text));
            else
                n->value = Value(v);
            advance();
            return n;
        }
        case TokenType::Float: {
            auto n = node(ExprKind::Literal, tok);
            n->value = Value(py::toDouble(tok.text));
            advance();
            return n;
        }
        case TokenType::Operator:
            if (tok.text == "(") {
                advance();
                ExprPtr e = parseTuple(true, false, true);
                expectOp(")");
                return e;
            }
            if (tok.text == "[") {
                auto n = node(ExprKind::List, tok);
                advance();
                while (!isOp("]")) {
                    if (!n->args.empty()) expectOp(",");
                    if (isOp("]")) break;
                    n->args.push_back(parseExpression());
                }
                advance();
                return n;
            }
            if (tok.text == "{") {
                auto n = node(ExprKind::Dict, tok);
                advance();
                while (!isOp("}")) {
                    if (!n->args.empty()) expectOp(",");
                    if (isOp("}")) break;
                    n->args.push_back(parseExpression());
                    expectOp(":");
                    n->args.push_back(parseExpression());
                }
                advance();
                return n;
            }
            break;
        default:
            break;
        }
        fail("unexpected " + describe(tok));
    }

    // Postfix, call, filter and test nodes report the position where their subject starts.
    static ExprPtr anchored(ExprPtr n) {
        if (n->a) {
            n->line = n->a->line;
            n->column = n->a->column;
        }
        return n;
    }

    ExprPtr parsePostfix(ExprPtr e) {
        while (true) {
            const Token& at = cur();
            if (isOp(".")) {
                advance();
                if (cur().type == TokenType::Name) {
                    auto n = node(ExprKind::Attr, at);
                    n->a = std::move(e);
                    n->name = cur().text;
                    advance();
                    e = anchored(std::move(n));
                } else if (cur().type == TokenType::Integer) {
                    auto n = node(ExprKind::Item, at);
                    n->a = std::move(e);
                    auto idx = node(ExprKind::Literal, cur());
                    idx->value = Value(py::toInt64(cur().text));
                    n->b = std::move(idx);
                    advance();
                    e = anchored(std::move(n));
                } else {
                    fail("expected name or number after '.'");
                }
            } else if (isOp("[")) {
                advance();
                e = anchored(parseSubscript(std::move(e), at));
                expectOp("]");
            } else if (isOp("(")) {
                e = parseCall(std::move(e));
            } else {
                return e;
            }
        }
    }

    ExprPtr parseSubscript(ExprPtr subject, const Token& at) {
        ExprPtr parts[3];
        bool isSlice = false;
        int idx = 0;
        if (!isOp(":")) parts[0] = parseExpression();
        while (isOp(":") && idx < 2) {
            isSlice = true;
            advance();
            ++idx;
            if (!isOp(":") && !isOp("]")) parts[idx] = parseExpression();
        }
        if (!isSlice) {
            auto n = node(ExprKind::Item, at);
            n->a = std::move(subject);
            n->b = std::move(parts[0]);
            return n;
        }
        auto n = node(ExprKind::Slice, at);
        n->a = std::move(subject);
        for (auto& p : parts) n->args.push_back(std::move(p));
        return n;
    }

    void parseCallArgs(Expr& n) {
        expectOp("(");
        bool first = true;
        while (!isOp(")")) {
            if (!first) expectOp(",");
            first = false;
            if (isOp(")")) break;
            if (cur().type == TokenType::Name && peek().type == TokenType::Operator &&
                peek().text == "=") {
                std::string key = cur().text;
                advance();
                advance();
                n.kwargs.emplace_back(key, parseExpression());
            } else {
                if (isOp("*") || isOp("**")) fail("argument unpacking is not supported");
                n.args.push_back(parseExpression());
            }
        }
        advance();
    }

    ExprPtr parseCall(ExprPtr callee) {
        auto n = node(ExprKind::Call, cur());
        n->a = std::move(callee);
        parseCallArgs(*n);
        return anchored(std::move(n));
    }

    ExprPtr parseFilterExpr(ExprPtr e) {
        while (true) {
            if (isOp("|")) {
                e = parseFilterChain(std::move(e));
            } else if (isName("is")) {
                e = parseTest(std::move(e));
            } else if (isOp("(")) {
                e = parseCall(std::move(e));
            } else {
                return e;
            }
        }
    }

    // One or more `| name(args)`; with `startInline` the first filter has no leading bar.
    ExprPtr parseFilterChain(ExprPtr e, bool startInline = false) {
        bool first = true;
        while (isOp("|") || (startInline && first)) {
            if (!(startInline && first)) advance();
            first = false;
            auto n = node(ExprKind::Filter, cur());
            n->name = expectName();
            while (isOp(".")) {
                advance();
                n->name += std::string(".") + expectName();
            }
            n->a = std::move(e);
            if (isOp("(")) parseCallArgs(*n);
            e = anchored(std::move(n));
        }
        return e;
    }

    ExprPtr parseTest(ExprPtr e) {
        auto n = node(ExprKind::Test, cur());
        advance(); // 'is'
        if (isName("not")) {
            n->negated = true;
            advance();
        }
        n->name = expectName();
        n->a = std::move(e);
        if (isOp("(")) {
            parseCallArgs(*n);
        } else {
            const Token& c = cur();
            bool argStart = c.type == TokenType::String || c.type == TokenType::Integer ||
                            c.type == TokenType::Float ||
                            (c.type == TokenType::Name && c.text != "else" && c.text != "or" &&
                             c.text != "and" && c.text != "if" && c.text != "is" &&
                             c.text != "in" && c.text != "not") ||
                            (c.type == TokenType::Operator && (c.text == "[" || c.text == "{"));
            if (argStart) n->args.push_back(parsePostfix(parsePrimary()));
        }
        return anchored(std::move(n));
    }

    std::vector<Token> t_;
    std::size_t i_ = 0;
    int depth_ = 0;
};

} // namespace

Result<StmtList> parseJinja(std::vector<Token> tokens) {
    try {
        Parser p(std::move(tokens));
        return p.parseTemplate();
    } catch (const TemplateError& e) {
        return makeError(e.describe());
    }
}

} // namespace hearth::tmpl
