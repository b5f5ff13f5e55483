#include "engine/template/go_template.h"

#include "engine/template/json.h"
#include "engine/template/py_string.h"
#include "engine/template/template_error.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <vector>

namespace hearth::tmpl {

// An expression operand or command in a pipeline.
struct GoExpr {
    enum class Kind { Field, Variable, Literal, Function, Pipeline } kind = Kind::Literal;
    std::string name;                // variable name ("$" for root) or function name
    std::vector<std::string> fields; // .A.B after the operand (Field: from dot)
    Value literal;
    std::vector<std::vector<GoExpr>> pipeline; // Pipeline: commands, each a list of operands
};

struct GoPipeline {
    std::vector<std::string> declare; // $x := / $i, $e := ; empty when none
    bool assignOnly = false;          // $x = ...
    std::vector<std::vector<GoExpr>> commands;
};

struct GoNode {
    enum class Kind { List, Text, Action, If, Range, With, Break, Continue } kind = Kind::List;
    int line = 0;
    int order = 0; // pre-order position, for cutting after .Response
    std::string text;
    GoPipeline pipe;
    std::vector<std::shared_ptr<GoNode>> children; // List
    std::shared_ptr<GoNode> body, elseBody;        // If/Range/With
    bool printsResponse = false;
};

namespace {

using NodePtr = std::shared_ptr<GoNode>;

struct RawAction {
    std::string text;
    int line;
};

class GoParser {
public:
    explicit GoParser(std::string_view src) : src_(src) {}

    NodePtr parseAll() {
        tokenize();
        NodePtr root = parseList({});
        if (pos_ < items_.size())
            fail("unexpected {{" + items_[pos_].text + "}}", items_[pos_].line);
        int order = 0;
        number(root, order);
        return root;
    }

    std::vector<std::string> mentioned;
    int firstResponseOrder = -1;

private:
    struct Item {
        bool isAction;
        std::string text;
        int line;
    };

    [[noreturn]] void fail(const std::string& msg, int line) const {
        throw TemplateError{"template", msg, line, 1};
    }

    void tokenize() {
        std::size_t pos = 0;
        int line = 1;
        std::string pendingText;
        bool trimNextText = false;
        auto countLines = [&](std::size_t from, std::size_t to) {
            for (std::size_t i = from; i < to; ++i) line += src_[i] == '\n';
        };
        while (pos <= src_.size()) {
            std::size_t open = src_.find("{{", pos);
            std::string text(src_.substr(
                pos, open == std::string_view::npos ? std::string_view::npos : open - pos));
            if (trimNextText) {
                std::size_t b = 0;
                while (b < text.size() && std::isspace(static_cast<unsigned char>(text[b]))) ++b;
                text.erase(0, b);
            }
            if (open == std::string_view::npos) {
                if (!text.empty()) items_.push_back({false, text, line});
                break;
            }
            bool trimLeft = open + 3 < src_.size() && src_[open + 2] == '-' &&
                            std::isspace(static_cast<unsigned char>(src_[open + 3]));
            if (trimLeft)
                while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
                    text.pop_back();
            if (!text.empty()) items_.push_back({false, text, line});
            countLines(pos, open);
            std::size_t bodyStart = open + (trimLeft ? 3 : 2);
            // Find the closing braces outside string literals.
            std::size_t i = bodyStart;
            char quote = 0;
            for (; i + 1 < src_.size(); ++i) {
                char c = src_[i];
                if (quote) {
                    if (c == '\\' && quote == '"')
                        ++i;
                    else if (c == quote)
                        quote = 0;
                } else if (c == '"' || c == '`' || c == '\'') {
                    quote = c;
                } else if (c == '}' && src_[i + 1] == '}') {
                    break;
                }
            }
            if (i + 1 >= src_.size()) fail("unclosed action", line);
            std::size_t bodyEnd = i;
            bool trimRight = bodyEnd >= bodyStart + 2 && src_[bodyEnd - 1] == '-' &&
                             std::isspace(static_cast<unsigned char>(src_[bodyEnd - 2]));
            if (trimRight) --bodyEnd;
            std::string body(src_.substr(bodyStart, bodyEnd - bodyStart));
            std::size_t b = body.find_first_not_of(" \t\r\n");
            std::size_t e = body.find_last_not_of(" \t\r\n");
            body = b == std::string::npos ? "" : body.substr(b, e - b + 1);
            if (!(body.size() >= 4 && body.compare(0, 2, "/*") == 0 &&
                  body.compare(body.size() - 2, 2, "*/") == 0))
                items_.push_back({true, body, line});
            countLines(open, i + 2);
            pos = i + 2;
            trimNextText = trimRight;
        }
    }

    static std::string keyword(const std::string& action) {
        std::size_t e = 0;
        while (e < action.size() && (std::isalpha(static_cast<unsigned char>(action[e])))) ++e;
        return action.substr(0, e);
    }

    NodePtr parseList(std::initializer_list<const char*> ends) {
        auto list = std::make_shared<GoNode>();
        list->kind = GoNode::Kind::List;
        while (pos_ < items_.size()) {
            const Item& it = items_[pos_];
            if (!it.isAction) {
                auto t = std::make_shared<GoNode>();
                t->kind = GoNode::Kind::Text;
                t->text = it.text;
                t->line = it.line;
                list->children.push_back(t);
                ++pos_;
                continue;
            }
            std::string kw = keyword(it.text);
            for (const char* e : ends)
                if (kw == e) return list;
            ++pos_;
            if (kw == "if" || kw == "range" || kw == "with") {
                list->children.push_back(parseControl(kw, it.text.substr(kw.size()), it.line));
            } else if (kw == "break" || kw == "continue") {
                auto n = std::make_shared<GoNode>();
                n->kind = kw == "break" ? GoNode::Kind::Break : GoNode::Kind::Continue;
                n->line = it.line;
                list->children.push_back(n);
            } else if (kw == "end" || kw == "else") {
                fail("unexpected {{" + kw + "}}", it.line);
            } else if (kw == "define" || kw == "template" || kw == "block") {
                fail("{{" + kw + "}} is not supported", it.line);
            } else {
                auto n = std::make_shared<GoNode>();
                n->kind = GoNode::Kind::Action;
                n->line = it.line;
                n->pipe = parsePipeline(it.text, it.line);
                list->children.push_back(n);
            }
        }
        if (ends.size() != 0)
            fail("unexpected EOF: missing {{end}}", items_.empty() ? 1 : items_.back().line);
        return list;
    }

    NodePtr parseControl(const std::string& kw, const std::string& rest, int line) {
        auto n = std::make_shared<GoNode>();
        n->kind = kw == "if"      ? GoNode::Kind::If
                  : kw == "range" ? GoNode::Kind::Range
                                  : GoNode::Kind::With;
        n->line = line;
        n->pipe = parsePipeline(rest, line);
        n->body = parseList({"else", "end"});
        if (pos_ >= items_.size()) fail("unexpected EOF: missing {{end}}", line);
        const Item& it = items_[pos_];
        ++pos_;
        if (keyword(it.text) == "else") {
            std::string after = it.text.substr(4);
            std::size_t b = after.find_first_not_of(" \t\r\n");
            after = b == std::string::npos ? "" : after.substr(b);
            std::string kw2 = keyword(after);
            if (kw2 == "if" || kw2 == "with") {
                // {{else if X}} nests an if that shares this node's {{end}}.
                auto elseList = std::make_shared<GoNode>();
                elseList->kind = GoNode::Kind::List;
                elseList->children.push_back(parseControl(kw2, after.substr(kw2.size()), it.line));
                n->elseBody = elseList;
                return n;
            }
            n->elseBody = parseList({"end"});
            if (pos_ >= items_.size()) fail("unexpected EOF: missing {{end}}", line);
            ++pos_;
        }
        return n;
    }

    // ---- pipelines ----
    struct Lex {
        std::string s;
        std::size_t i = 0;
        void ws() {
            while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
        }
        bool done() {
            ws();
            return i >= s.size();
        }
    };

    GoPipeline parsePipeline(const std::string& text, int line) {
        GoPipeline p;
        Lex lx{text, 0};
        // Declarations: $x := ..., $i, $e := ..., $x = ...
        std::size_t save = lx.i;
        std::vector<std::string> vars;
        while (true) {
            lx.ws();
            if (lx.i < lx.s.size() && lx.s[lx.i] == '$') {
                std::size_t b = lx.i++;
                while (lx.i < lx.s.size() &&
                       (std::isalnum(static_cast<unsigned char>(lx.s[lx.i])) || lx.s[lx.i] == '_'))
                    ++lx.i;
                vars.push_back(lx.s.substr(b, lx.i - b));
                lx.ws();
                if (lx.i < lx.s.size() && lx.s[lx.i] == ',') {
                    ++lx.i;
                    continue;
                }
                if (lx.s.compare(lx.i, 2, ":=") == 0) {
                    lx.i += 2;
                    p.declare = vars;
                } else if (lx.i < lx.s.size() && lx.s[lx.i] == '=' &&
                           lx.s.compare(lx.i, 2, "==") != 0) {
                    ++lx.i;
                    p.declare = vars;
                    p.assignOnly = true;
                } else {
                    lx.i = save;
                }
            }
            break;
        }
        if (p.declare.empty()) lx.i = save;
        p.commands = parseCommands(lx, line, false);
        if (p.commands.empty()) fail("missing value for command", line);
        return p;
    }

    std::vector<std::vector<GoExpr>> parseCommands(Lex& lx, int line, bool inParens) {
        std::vector<std::vector<GoExpr>> cmds(1);
        while (true) {
            lx.ws();
            if (lx.i >= lx.s.size()) {
                if (inParens) fail("unclosed left paren", line);
                break;
            }
            char c = lx.s[lx.i];
            if (c == ')') {
                if (!inParens) fail("unexpected right paren", line);
                ++lx.i;
                break;
            }
            if (c == '|') {
                ++lx.i;
                if (cmds.back().empty()) fail("missing command before |", line);
                cmds.emplace_back();
                continue;
            }
            cmds.back().push_back(parseOperand(lx, line));
        }
        if (cmds.back().empty()) cmds.pop_back();
        return cmds;
    }

    std::vector<std::string> parseFieldChain(Lex& lx) {
        std::vector<std::string> fields;
        while (lx.i < lx.s.size() && lx.s[lx.i] == '.') {
            std::size_t b = ++lx.i;
            while (lx.i < lx.s.size() &&
                   (std::isalnum(static_cast<unsigned char>(lx.s[lx.i])) || lx.s[lx.i] == '_'))
                ++lx.i;
            if (lx.i == b) break; // a lone "." (dot itself)
            fields.push_back(lx.s.substr(b, lx.i - b));
            mentioned.push_back(fields.back());
        }
        return fields;
    }

    GoExpr parseOperand(Lex& lx, int line) {
        GoExpr e;
        char c = lx.s[lx.i];
        if (c == '(') {
            ++lx.i;
            e.kind = GoExpr::Kind::Pipeline;
            e.pipeline = parseCommands(lx, line, true);
            e.fields = parseFieldChain(lx);
            return e;
        }
        if (c == '.') {
            e.kind = GoExpr::Kind::Field;
            e.fields = parseFieldChain(lx);
            if (e.fields.empty() && lx.i < lx.s.size() && lx.s[lx.i] == '.') ++lx.i;
            return e;
        }
        if (c == '$') {
            std::size_t b = lx.i++;
            while (lx.i < lx.s.size() &&
                   (std::isalnum(static_cast<unsigned char>(lx.s[lx.i])) || lx.s[lx.i] == '_'))
                ++lx.i;
            e.kind = GoExpr::Kind::Variable;
            e.name = lx.s.substr(b, lx.i - b);
            e.fields = parseFieldChain(lx);
            return e;
        }
        if (c == '"' || c == '`') {
            std::string v;
            ++lx.i;
            while (lx.i < lx.s.size() && lx.s[lx.i] != c) {
                char ch = lx.s[lx.i++];
                if (c == '"' && ch == '\\' && lx.i < lx.s.size()) {
                    char esc = lx.s[lx.i++];
                    v.push_back(esc == 'n' ? '\n' : esc == 't' ? '\t' : esc == 'r' ? '\r' : esc);
                } else {
                    v.push_back(ch);
                }
            }
            if (lx.i >= lx.s.size()) fail("unterminated quoted string", line);
            ++lx.i;
            e.literal = Value(std::move(v));
            return e;
        }
        if (std::isdigit(static_cast<unsigned char>(c)) || c == '-') {
            std::size_t b = lx.i++;
            while (lx.i < lx.s.size() &&
                   (std::isalnum(static_cast<unsigned char>(lx.s[lx.i])) || lx.s[lx.i] == '.'))
                ++lx.i;
            std::string num = lx.s.substr(b, lx.i - b);
            try {
                e.literal = num.find('.') != std::string::npos ? Value(py::toDouble(num))
                                                               : Value(py::toInt64(num));
            } catch (...) {
                fail("bad number syntax: " + num, line);
            }
            return e;
        }
        if (std::isalpha(static_cast<unsigned char>(c))) {
            std::size_t b = lx.i;
            while (lx.i < lx.s.size() &&
                   (std::isalnum(static_cast<unsigned char>(lx.s[lx.i])) || lx.s[lx.i] == '_'))
                ++lx.i;
            std::string word = lx.s.substr(b, lx.i - b);
            if (word == "true" || word == "false")
                e.literal = Value(word == "true");
            else if (word == "nil")
                e.literal = Value::none();
            else {
                static const char* known[] = {
                    "eq",    "ne",      "lt",      "le",   "gt",          "ge",
                    "and",   "or",      "not",     "len",  "index",       "slice",
                    "print", "printf",  "println", "json", "currentDate", "yesterdayDate",
                    "html",  "urlquery"};
                if (std::none_of(std::begin(known), std::end(known),
                                 [&](const char* k) { return word == k; }))
                    fail("function \"" + word + "\" not defined", line);
                e.kind = GoExpr::Kind::Function;
                e.name = word;
            }
            return e;
        }
        fail(std::string("unexpected \"") + c + "\" in command", line);
    }

    void number(const NodePtr& n, int& order) {
        if (!n) return;
        n->order = order++;
        for (auto& c : n->children) number(c, order);
        number(n->body, order);
        number(n->elseBody, order);
        if (n->kind == GoNode::Kind::Action)
            for (auto& cmd : n->pipe.commands)
                for (auto& op : cmd)
                    if (std::find(op.fields.begin(), op.fields.end(), "Response") !=
                        op.fields.end()) {
                        n->printsResponse = true;
                        if (firstResponseOrder < 0) firstResponseOrder = n->order;
                    }
    }

    std::string_view src_;
    std::vector<Item> items_;
    std::size_t pos_ = 0;
};

// ---- execution ----

class GoExec {
public:
    GoExec(const Value& root, int cutOrder, std::function<std::tm()> clock)
        : root_(root), cutAt_(cutOrder), clock_(std::move(clock)) {}

    std::string run(const GoNode& n) {
        vars_.emplace_back("$", root_);
        exec(n, root_);
        return std::move(out_);
    }

private:
    enum class Flow { Normal, Break, Continue };

    [[noreturn]] void fail(const std::string& msg, int line) const {
        throw TemplateError{"template", msg, line, 1};
    }

    void step() {
        if (++steps_ > 5'000'000) fail("template exceeded 5000000 steps", 0);
    }

    // Ollama deletes every node after the .Response action in tree order (not run order).
    bool skipped(const GoNode& n) const { return cutAt_ >= 0 && n.order > cutAt_; }

    Flow exec(const GoNode& n, const Value& dot) {
        step();
        if (skipped(n)) return Flow::Normal;
        switch (n.kind) {
        case GoNode::Kind::List: {
            std::size_t mark = vars_.size();
            for (const auto& c : n.children) {
                Flow f = exec(*c, dot);
                if (f != Flow::Normal) {
                    vars_.resize(mark);
                    return f;
                }
            }
            vars_.resize(mark);
            return Flow::Normal;
        }
        case GoNode::Kind::Text:
            write(n.text);
            return Flow::Normal;
        case GoNode::Kind::Action: {
            Value v = evalPipeline(n.pipe, dot, n.line);
            if (n.pipe.declare.empty()) write(print(v));
            return Flow::Normal;
        }
        case GoNode::Kind::If:
        case GoNode::Kind::With: {
            std::size_t mark = vars_.size();
            Value v = evalPipeline(n.pipe, dot, n.line);
            Flow f = Flow::Normal;
            if (truthy(v))
                f = exec(*n.body, n.kind == GoNode::Kind::With ? v : dot);
            else if (n.elseBody)
                f = exec(*n.elseBody, dot);
            vars_.resize(mark);
            return f;
        }
        case GoNode::Kind::Range:
            return execRange(n, dot);
        case GoNode::Kind::Break:
            return Flow::Break;
        case GoNode::Kind::Continue:
            return Flow::Continue;
        }
        return Flow::Normal;
    }

    Flow execRange(const GoNode& n, const Value& dot) {
        GoPipeline pipe = n.pipe;
        std::vector<std::string> names = pipe.declare;
        pipe.declare.clear();
        Value coll = evalPipeline(pipe, dot, n.line);
        std::vector<std::pair<Value, Value>> entries;
        if (coll.isList()) {
            for (std::size_t i = 0; i < coll.asList().size(); ++i)
                entries.emplace_back(Value(static_cast<std::int64_t>(i)), coll.asList()[i]);
        } else if (coll.isDict()) {
            entries = coll.asDict().entries;
            std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
                bool ok = true;
                return compareValues(a.first, b.first, ok) < 0;
            });
        } else if (coll.isInt()) {
            for (std::int64_t i = 0; i < coll.asInt() && i < 1'000'000; ++i)
                entries.emplace_back(Value(i), Value(i));
        } else if (!coll.isNone() && !coll.isUndefined()) {
            fail("range can't iterate over " + print(coll), n.line);
        }
        if (entries.empty()) {
            if (n.elseBody) return exec(*n.elseBody, dot);
            return Flow::Normal;
        }
        for (const auto& [k, v] : entries) {
            step();
            std::size_t mark = vars_.size();
            if (names.size() == 1) vars_.emplace_back(names[0], v);
            if (names.size() == 2) {
                vars_.emplace_back(names[0], k);
                vars_.emplace_back(names[1], v);
            }
            Flow f = exec(*n.body, v);
            vars_.resize(mark);
            if (f == Flow::Break) break;
        }
        return Flow::Normal;
    }

    void write(const std::string& s) {
        out_ += s;
        if (out_.size() > (32u << 20)) fail("template output too large", 0);
    }

    static bool truthy(const Value& v) { return v.truthy(); }

    std::string print(const Value& v) const {
        switch (v.kind()) {
        case Value::Kind::None:
        case Value::Kind::Undefined:
            return "";
        case Value::Kind::Bool:
            return v.asBool() ? "true" : "false";
        case Value::Kind::String:
            return v.asString();
        case Value::Kind::Dict:
            return goJson(v); // tool arguments print as JSON in Ollama
        case Value::Kind::List: {
            std::string s = "[";
            for (std::size_t i = 0; i < v.asList().size(); ++i)
                s += (i ? " " : "") + print(v.asList()[i]);
            return s + "]";
        }
        default:
            return pyStr(v);
        }
    }

    // Go's json.Marshal: Ollama's structs (dicts with Go field names) keep field order and use
    // their json tag names; plain maps sort their keys; <, >, & are escaped.
    static Value goJsonShape(const Value& v) {
        static const std::pair<const char*, const char*> tags[] = {{"Type", "type"},
                                                                   {"Function", "function"},
                                                                   {"Name", "name"},
                                                                   {"Description", "description"},
                                                                   {"Parameters", "parameters"},
                                                                   {"Required", "required"},
                                                                   {"Properties", "properties"},
                                                                   {"ID", "id"},
                                                                   {"Index", "index"},
                                                                   {"Arguments", "arguments"},
                                                                   {"Role", "role"},
                                                                   {"Content", "content"},
                                                                   {"Thinking", "thinking"},
                                                                   {"ToolCalls", "tool_calls"},
                                                                   {"ToolName", "tool_name"},
                                                                   {"ToolCallID", "tool_call_id"},
                                                                   {"Images", "images"}};
        if (v.isList()) {
            ValueList out;
            for (const auto& x : v.asList()) out.push_back(goJsonShape(x));
            return Value::list(std::move(out));
        }
        if (!v.isDict()) return v;
        bool isStruct = !v.asDict().entries.empty();
        for (const auto& [k, x] : v.asDict().entries) {
            bool tagged = false;
            for (const auto& [go, json] : tags)
                if (k.isString() && k.asString() == go) tagged = true;
            isStruct = isStruct && tagged;
        }
        std::vector<std::pair<Value, Value>> entries;
        for (const auto& [k, x] : v.asDict().entries) {
            Value key = k;
            if (isStruct)
                for (const auto& [go, json] : tags)
                    if (k.asString() == go) key = Value(json);
            entries.emplace_back(key, goJsonShape(x));
        }
        if (!isStruct)
            std::sort(entries.begin(), entries.end(),
                      [](const auto& a, const auto& b) { return pyStr(a.first) < pyStr(b.first); });
        Dict d;
        d.entries = std::move(entries);
        return Value::dict(std::move(d));
    }

    static std::string goJson(const Value& v) {
        JsonDumpOptions o;
        o.itemSeparator = ",";
        o.keySeparator = ":";
        auto r = dumpJson(goJsonShape(v), o);
        if (!r) return "";
        std::string out;
        for (char c : *r) {
            if (c == '<')
                out += "\\u003c";
            else if (c == '>')
                out += "\\u003e";
            else if (c == '&')
                out += "\\u0026";
            else
                out.push_back(c);
        }
        return out;
    }

    const Value* lookupVar(const std::string& name) const {
        for (auto it = vars_.rbegin(); it != vars_.rend(); ++it)
            if (it->first == name) return &it->second;
        return nullptr;
    }

    Value field(Value v, const std::vector<std::string>& fields) const {
        for (const auto& f : fields) {
            if (v.isDict()) {
                const Value* got = v.asDict().find(f);
                v = got ? *got : Value::none();
            } else {
                return Value::none();
            }
        }
        return v;
    }

    Value evalOperand(const GoExpr& e, const Value& dot, int line) {
        switch (e.kind) {
        case GoExpr::Kind::Literal:
            return e.literal;
        case GoExpr::Kind::Field:
            return field(dot, e.fields);
        case GoExpr::Kind::Variable: {
            const Value* v = lookupVar(e.name);
            if (!v) fail("undefined variable: " + e.name, line);
            return field(*v, e.fields);
        }
        case GoExpr::Kind::Pipeline: {
            GoPipeline p;
            p.commands = e.pipeline;
            return field(evalPipeline(p, dot, line), e.fields);
        }
        case GoExpr::Kind::Function:
            return callFunction(e.name, {}, dot, line, nullptr);
        }
        return Value::none();
    }

    Value evalCommand(const std::vector<GoExpr>& cmd, const Value& dot, int line,
                      const Value* piped) {
        if (cmd[0].kind == GoExpr::Kind::Function) {
            std::vector<const GoExpr*> args;
            for (std::size_t i = 1; i < cmd.size(); ++i) args.push_back(&cmd[i]);
            return callFunction(cmd[0].name, args, dot, line, piped);
        }
        if (cmd.size() > 1 || piped) fail("can't give argument to non-function", line);
        return evalOperand(cmd[0], dot, line);
    }

    Value evalPipeline(const GoPipeline& p, const Value& dot, int line) {
        Value v;
        bool have = false;
        for (const auto& cmd : p.commands) {
            v = evalCommand(cmd, dot, line, have ? &v : nullptr);
            have = true;
        }
        if (!p.declare.empty()) {
            if (p.assignOnly) {
                for (auto it = vars_.rbegin(); it != vars_.rend(); ++it)
                    if (it->first == p.declare[0]) it->second = v;
            } else {
                vars_.emplace_back(p.declare.back(), v);
            }
        }
        return v;
    }

    Value callFunction(const std::string& name, const std::vector<const GoExpr*>& argExprs,
                       const Value& dot, int line, const Value* piped) {
        // and/or evaluate lazily, returning the deciding operand (Go 1.18+).
        if (name == "and" || name == "or") {
            Value last;
            std::size_t n = argExprs.size() + (piped ? 1 : 0);
            if (n == 0) fail(name + ": missing arguments", line);
            for (std::size_t i = 0; i < n; ++i) {
                last = i < argExprs.size() ? evalOperand(*argExprs[i], dot, line) : *piped;
                if ((name == "and") != last.truthy()) return last;
            }
            return last;
        }
        std::vector<Value> args;
        args.reserve(argExprs.size() + 1);
        for (const auto* a : argExprs) args.push_back(evalOperand(*a, dot, line));
        if (piped) args.push_back(*piped);
        auto need = [&](std::size_t n) {
            if (args.size() < n) fail("wrong number of args for " + name, line);
        };
        if (name == "not") {
            need(1);
            return Value(!args[0].truthy());
        }
        if (name == "eq") {
            need(2);
            for (std::size_t i = 1; i < args.size(); ++i)
                if (valuesEqual(args[0], args[i])) return Value(true);
            return Value(false);
        }
        if (name == "ne" || name == "lt" || name == "le" || name == "gt" || name == "ge") {
            need(2);
            if (name == "ne") return Value(!valuesEqual(args[0], args[1]));
            bool ok = true;
            int c = compareValues(args[0], args[1], ok);
            if (!ok) fail("incompatible types for comparison", line);
            return Value(name == "lt"   ? c < 0
                         : name == "le" ? c <= 0
                         : name == "gt" ? c > 0
                                        : c >= 0);
        }
        if (name == "len") {
            need(1);
            const Value& v = args[0];
            if (v.isString()) return Value(static_cast<std::int64_t>(v.asString().size()));
            if (v.isList()) return Value(static_cast<std::int64_t>(v.asList().size()));
            if (v.isDict()) return Value(static_cast<std::int64_t>(v.asDict().size()));
            if (v.isNone()) return Value(0);
            fail("len of " + v.typeName(), line);
        }
        if (name == "index") {
            need(1);
            Value v = args[0];
            for (std::size_t i = 1; i < args.size(); ++i) {
                if (v.isList() && args[i].isInt()) {
                    auto idx = args[i].asInt();
                    if (idx < 0 || idx >= static_cast<std::int64_t>(v.asList().size()))
                        fail("index out of range: " + std::to_string(idx), line);
                    v = v.asList()[static_cast<std::size_t>(idx)];
                } else if (v.isDict()) {
                    const Value* got = v.asDict().find(args[i]);
                    v = got ? *got : Value::none();
                } else {
                    fail("can't index item of type " + v.typeName(), line);
                }
            }
            return v;
        }
        if (name == "slice") {
            need(1);
            const Value& v = args[0];
            auto n = static_cast<std::int64_t>(v.isList()     ? v.asList().size()
                                               : v.isString() ? v.asString().size()
                                                              : 0);
            std::int64_t b = args.size() > 1 ? args[1].asInt() : 0;
            std::int64_t e = args.size() > 2 ? args[2].asInt() : n;
            if (b < 0 || e > n || b > e) fail("slice index out of range", line);
            if (v.isString())
                return Value(v.asString().substr(static_cast<std::size_t>(b),
                                                 static_cast<std::size_t>(e - b)));
            if (v.isList())
                return Value::list(ValueList(v.asList().begin() + b, v.asList().begin() + e));
            fail("can't slice item of type " + v.typeName(), line);
        }
        if (name == "print" || name == "println") {
            std::string s;
            for (std::size_t i = 0; i < args.size(); ++i) {
                bool bothNonString = i > 0 && !args[i].isString() && !args[i - 1].isString();
                if ((name == "println" && i > 0) || bothNonString) s += " ";
                s += print(args[i]);
            }
            if (name == "println") s += "\n";
            return Value(std::move(s));
        }
        if (name == "printf") {
            need(1);
            std::string fmt = print(args[0]), s;
            std::size_t next = 1;
            for (std::size_t i = 0; i < fmt.size(); ++i) {
                if (fmt[i] != '%' || i + 1 >= fmt.size()) {
                    s.push_back(fmt[i]);
                    continue;
                }
                char c = fmt[++i];
                if (c == '%')
                    s.push_back('%');
                else if (next < args.size()) {
                    const Value& a = args[next++];
                    s += c == 'q' ? "\"" + print(a) + "\"" : print(a);
                } else
                    s += "%!" + std::string(1, c) + "(MISSING)";
            }
            return Value(std::move(s));
        }
        if (name == "json") {
            need(1);
            return Value(goJson(args[0]));
        }
        if (name == "currentDate" || name == "yesterdayDate") {
            std::tm tm{};
            if (clock_)
                tm = clock_();
            else {
                std::time_t now = std::time(nullptr);
                localtime_r(&now, &tm);
            }
            if (name == "yesterdayDate") {
                tm.tm_mday -= 1;
                std::tm copy = tm;
                timegm(&copy);
                tm = copy;
            }
            char buf[64];
            std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1,
                          tm.tm_mday);
            return Value(buf);
        }
        if (name == "html" || name == "urlquery") {
            need(1);
            return Value(print(args[0]));
        }
        fail("function \"" + name + "\" not defined", line);
    }

    Value root_;
    int cutAt_ = -1;
    std::function<std::tm()> clock_;
    std::vector<std::pair<std::string, Value>> vars_;
    std::string out_;
    std::uint64_t steps_ = 0;
};

} // namespace

Result<GoTemplate> GoTemplate::parse(std::string_view source) {
    try {
        GoParser p(source);
        GoTemplate t;
        t.root_ = p.parseAll();
        t.fields_ = std::move(p.mentioned);
        t.cutOrder_ = p.firstResponseOrder;
        return t;
    } catch (const TemplateError& e) {
        return makeError("template: line " + std::to_string(e.line) + ": " + e.message);
    }
}

bool GoTemplate::references(std::string_view field) const {
    return std::find(fields_.begin(), fields_.end(), field) != fields_.end();
}

Result<std::string> GoTemplate::execute(const Value& data, bool stopAfterResponse,
                                        std::function<std::tm()> clock) const {
    try {
        GoExec ex(data, stopAfterResponse ? cutOrder_ : -1, std::move(clock));
        return ex.run(*root_);
    } catch (const TemplateError& e) {
        return makeError("template: line " + std::to_string(e.line) + ": " + e.message);
    }
}

} // namespace hearth::tmpl
