#include "engine/template/chat_template.h"

#include <algorithm>
#include <regex>

namespace hearth::tmpl {
namespace {

// Built-in fallbacks, written to render like the families' own templates.
constexpr const char* kChatml =
    "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] "
    "+ '<|im_end|>\\n' }}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}"
    "{% endif %}";
constexpr const char* kLlama3 =
    "{{ bos_token }}{% for message in messages %}{{ '<|start_header_id|>' + message['role'] + "
    "'<|end_header_id|>\\n\\n' + message['content'] | trim + '<|eot_id|>' }}{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}"
    "{% endif %}";
constexpr const char* kGemma =
    "{{ bos_token }}{% set ns = namespace(system='') %}{% for message in messages %}"
    "{% if message['role'] == 'system' %}{% set ns.system = message['content'] | trim + '\\n\\n' %}"
    "{% else %}{% set role = 'model' if message['role'] == 'assistant' else message['role'] %}"
    "{{ '<start_of_turn>' + role + '\\n' + (ns.system if role == 'user' else '') + "
    "message['content'] | trim + '<end_of_turn>\\n' }}{% if role == 'user' %}"
    "{% set ns.system = '' %}{% endif %}{% endif %}{% endfor %}"
    "{% if add_generation_prompt %}{{ '<start_of_turn>model\\n' }}{% endif %}";
constexpr const char* kPhi3 =
    "{% for message in messages %}{{ '<|' + message['role'] + '|>\\n' + message['content'] + "
    "'<|end|>\\n' }}{% endfor %}{% if add_generation_prompt %}{{ '<|assistant|>\\n' }}{% endif %}";
constexpr const char* kMistral =
    "{{ bos_token }}{% set ns = namespace(system='') %}{% for message in messages %}"
    "{% if message['role'] == 'system' %}{% set ns.system = message['content'] | trim + '\\n\\n' %}"
    "{% elif message['role'] == 'user' %}{{ '[INST] ' + ns.system + message['content'] | trim + "
    "' [/INST]' }}{% set ns.system = '' %}{% elif message['role'] == 'assistant' %}"
    "{{ ' ' + message['content'] | trim + eos_token }}{% endif %}{% endfor %}";
constexpr const char* kPlain =
    "{% for message in messages %}{{ message['role'] | capitalize + ': ' + message['content'] + "
    "'\\n\\n' }}{% endfor %}{% if add_generation_prompt %}{{ 'Assistant:' }}{% endif %}";

bool hasToken(const std::vector<std::string>& tokens, std::string_view t) {
    return std::find(tokens.begin(), tokens.end(), t) != tokens.end();
}

std::string contentText(const Value& content) {
    // Multi-part content (text/image parts) reduces to its text for Go templates.
    if (content.isString()) return content.asString();
    std::string out;
    if (content.isList())
        for (const auto& part : content.asList())
            if (part.isDict())
                if (const Value* t = part.asDict().find("text"); t && t->isString())
                    out += t->asString();
    return out;
}

std::string field(const Value& msg, const char* key) {
    if (!msg.isDict()) return {};
    const Value* v = msg.asDict().find(key);
    return v && v->isString() ? v->asString() : std::string();
}

// HF message dict -> Ollama api.Message field names.
Value ollamaMessage(const Value& m, const std::string& content) {
    Dict d;
    d.set(Value("Role"), Value(field(m, "role")));
    d.set(Value("Content"), Value(content));
    std::string thinking = field(m, "reasoning_content");
    if (thinking.empty()) thinking = field(m, "thinking");
    d.set(Value("Thinking"), Value(thinking));
    ValueList calls;
    if (m.isDict())
        if (const Value* tc = m.asDict().find("tool_calls"); tc && tc->isList())
            for (const auto& call : tc->asList()) {
                if (!call.isDict()) continue;
                Dict fn;
                const Value* f = call.asDict().find("function");
                if (f && f->isDict()) {
                    fn.set(Value("Name"), Value(field(*f, "name")));
                    const Value* args = f->asDict().find("arguments");
                    fn.set(Value("Arguments"), args ? *args : Value::dict({}));
                }
                Dict c;
                c.set(Value("ID"), Value(field(call, "id")));
                c.set(Value("Function"), Value::dict(std::move(fn)));
                calls.push_back(Value::dict(std::move(c)));
            }
    d.set(Value("ToolCalls"), Value::list(std::move(calls)));
    d.set(Value("ToolName"), Value(field(m, "name")));
    d.set(Value("ToolCallID"), Value(field(m, "tool_call_id")));
    return Value::dict(std::move(d));
}

Value ollamaTools(const Value& tools) {
    if (!tools.isList()) return Value::list({});
    ValueList out;
    for (const auto& t : tools.asList()) {
        if (!t.isDict()) continue;
        Dict d;
        d.set(Value("Type"), Value(field(t, "type")));
        Dict fn;
        if (const Value* f = t.asDict().find("function"); f && f->isDict()) {
            fn.set(Value("Name"), Value(field(*f, "name")));
            fn.set(Value("Description"), Value(field(*f, "description")));
            const Value* p = f->asDict().find("parameters");
            fn.set(Value("Parameters"), p ? *p : Value::dict({}));
        }
        d.set(Value("Function"), Value::dict(std::move(fn)));
        out.push_back(Value::dict(std::move(d)));
    }
    return Value::list(std::move(out));
}

} // namespace

Value chatContext(const ChatRequest& r) {
    Dict d;
    d.set(Value("messages"), r.messages);
    d.set(Value("tools"), r.tools);
    d.set(Value("add_generation_prompt"), Value(r.addGenerationPrompt));
    d.set(Value("bos_token"), Value(r.bosToken));
    d.set(Value("eos_token"), Value(r.eosToken));
    return Value::dict(std::move(d));
}

bool looksLikeGoTemplate(std::string_view s) {
    if (s.find("{%") != std::string_view::npos) return false;
    static const std::regex goAction(
        R"(\{\{-?\s*(\.|\$|range\s|if\s+(\.|\$|eq|and|or|not)|end\s*-?\}\}))");
    return std::regex_search(s.begin(), s.end(), goAction);
}

std::pair<std::string, std::string>
ChatTemplate::fallbackFor(std::string_view arch, const std::vector<std::string>& tokens) {
    if (hasToken(tokens, "<|start_header_id|>")) return {"llama3", kLlama3};
    if (hasToken(tokens, "<|im_start|>")) return {"chatml", kChatml};
    if (hasToken(tokens, "<start_of_turn>")) return {"gemma", kGemma};
    if (hasToken(tokens, "<|user|>") && hasToken(tokens, "<|assistant|>")) return {"phi3", kPhi3};
    if (hasToken(tokens, "[INST]")) return {"mistral", kMistral};
    auto starts = [&](std::string_view p) { return arch.substr(0, p.size()) == p; };
    if (starts("qwen") || starts("chatglm") || starts("internlm")) return {"chatml", kChatml};
    if (starts("gemma")) return {"gemma", kGemma};
    if (starts("phi3")) return {"phi3", kPhi3};
    if (starts("mistral")) return {"mistral", kMistral};
    return {"plain", kPlain};
}

Result<ChatTemplate> ChatTemplate::fromJinja(std::string source, TemplateOrigin origin) {
    auto t = JinjaTemplate::parse(source);
    if (!t) return makeError(t.error());
    ChatTemplate c;
    c.origin_ = origin;
    c.source_ = std::move(source);
    c.jinja_ = std::make_shared<const JinjaTemplate>(std::move(*t));
    return c;
}

Result<ChatTemplate> ChatTemplate::fromGo(std::string source, TemplateOrigin origin) {
    auto t = GoTemplate::parse(source);
    if (!t) return makeError(t.error());
    // Like Ollama: a template using neither .Messages nor .Response gets {{ .Response }} appended.
    if (!t->references("Messages") && !t->references("Response")) {
        t = GoTemplate::parse(source + "{{ .Response }}");
        if (!t) return makeError(t.error());
    }
    ChatTemplate c;
    c.origin_ = origin;
    c.source_ = std::move(source);
    c.go_ = std::make_shared<const GoTemplate>(std::move(*t));
    return c;
}

Result<ChatTemplate> ChatTemplate::select(const TemplateSources& s) {
    if (!s.userOverride.empty())
        return looksLikeGoTemplate(s.userOverride)
                   ? fromGo(s.userOverride, TemplateOrigin::UserOverride)
                   : fromJinja(s.userOverride, TemplateOrigin::UserOverride);
    if (!s.ggufTemplate.empty()) return fromJinja(s.ggufTemplate, TemplateOrigin::Gguf);
    if (!s.ollamaTemplate.empty()) return fromGo(s.ollamaTemplate, TemplateOrigin::Ollama);
    auto [name, source] = fallbackFor(s.architecture, s.specialTokens);
    auto t = fromJinja(source, TemplateOrigin::Fallback);
    if (t) t->fallbackName_ = name;
    return t;
}

Result<std::string> ChatTemplate::render(const ChatRequest& request) const {
    if (go_) return renderOllama(*go_, request);
    RenderEnvironment env;
    env.clock = request.clock;
    env.limits = request.limits;
    return jinja_->render(chatContext(request), env);
}

std::vector<std::string>
ChatTemplate::stopSequences(const std::string& eosToken,
                            const std::vector<std::string>& specialTokens) const {
    std::vector<std::string> stops;
    auto add = [&](const std::string& s) {
        if (!s.empty() && std::find(stops.begin(), stops.end(), s) == stops.end())
            stops.push_back(s);
    };
    add(eosToken);
    // Probe: render one exchange with a sentinel answer and read what follows it.
    const std::string sentinel = "\x02hearth-answer\x03";
    ChatRequest probe;
    auto msg = [](const char* role, const std::string& content) {
        Dict d;
        d.set(Value("role"), Value(role));
        d.set(Value("content"), Value(content));
        return Value::dict(std::move(d));
    };
    probe.messages =
        Value::list({msg("user", "hi"), msg("assistant", sentinel), msg("user", "ok")});
    probe.addGenerationPrompt = false;
    probe.eosToken = eosToken;
    auto rendered = render(probe);
    if (rendered) {
        std::size_t at = rendered->find(sentinel);
        if (at != std::string::npos) {
            std::string after = rendered->substr(at + sentinel.size());
            std::size_t b = after.find_first_not_of(" \t\n");
            after = b == std::string::npos ? "" : after.substr(b);
            std::string best;
            for (const auto& t : specialTokens)
                if (t.size() > best.size() && after.compare(0, t.size(), t) == 0) best = t;
            if (best.empty()) {
                static const std::regex marker(
                    R"(^(<\|[^|<>]{1,40}\|>|<[^<>\s]{1,40}>|\[/?[A-Z_]{2,20}\]))");
                std::smatch m;
                if (std::regex_search(after, m, marker)) best = m.str(1);
            }
            add(best);
        }
    }
    return stops;
}

Result<std::string> renderOllama(const GoTemplate& t, const ChatRequest& request) {
    // Ollama's collate(): system texts joined by blank lines; same-role neighbours merged.
    std::vector<std::string> systems;
    ValueList collated;
    std::vector<std::pair<std::string, std::string>> roleContent;
    if (request.messages.isList())
        for (const auto& m : request.messages.asList()) {
            std::string role = field(m, "role");
            std::string content = contentText(
                m.isDict() && m.asDict().find("content") ? *m.asDict().find("content") : Value(""));
            if (role == "system") systems.push_back(content);
            if (!roleContent.empty() && roleContent.back().first == role && role != "tool") {
                roleContent.back().second += "\n\n" + content;
                Dict d = collated.back().asDict();
                d.set(Value("Content"), Value(roleContent.back().second));
                collated.back() = Value::dict(std::move(d));
            } else {
                roleContent.emplace_back(role, content);
                collated.push_back(ollamaMessage(m, content));
            }
        }
    std::string system;
    for (std::size_t i = 0; i < systems.size(); ++i) system += (i ? "\n\n" : "") + systems[i];

    auto data = [&](const std::string& sys, const std::string& prompt,
                    const std::string& response) {
        Dict d;
        d.set(Value("System"), Value(sys));
        d.set(Value("Prompt"), Value(prompt));
        d.set(Value("Response"), Value(response));
        d.set(Value("Messages"), Value::list(collated));
        d.set(Value("Tools"), ollamaTools(request.tools));
        d.set(Value("Think"), Value(false));
        d.set(Value("IsThinkSet"), Value(false));
        return Value::dict(std::move(d));
    };

    if (t.references("Messages")) return t.execute(data(system, "", ""), false, request.clock);

    // Legacy mode: one execution per completed (system, prompt, response) turn, then the
    // final turn cut right after .Response.
    std::string out, sys = system, prompt, response;
    auto flush = [&]() -> Status {
        auto r = t.execute(data(sys, prompt, response), false, request.clock);
        if (!r) return makeError(r.error());
        out += *r;
        sys.clear();
        prompt.clear();
        response.clear();
        return {};
    };
    for (const auto& [role, content] : roleContent) {
        if (role == "system") {
            if (!prompt.empty() || !response.empty())
                if (auto st = flush(); !st) return makeError(st.error());
            sys = content;
        } else if (role == "user") {
            if (!response.empty())
                if (auto st = flush(); !st) return makeError(st.error());
            prompt = content;
        } else if (role == "assistant") {
            response = content;
        }
    }
    auto last = t.execute(data(sys, prompt, response), true, request.clock);
    if (!last) return makeError(last.error());
    return out + *last;
}

} // namespace hearth::tmpl
