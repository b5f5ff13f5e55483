#pragma once
// ChatTemplate: turns a conversation into the prompt text a model expects.
//
// Which template applies (first match wins):
//   1. the user's per-model override (Jinja, or Go syntax for an Ollama-style template);
//   2. the GGUF's own `tokenizer.chat_template` (Jinja);
//   3. the Ollama manifest's TEMPLATE layer (Go text/template);
//   4. a built-in fallback picked from the vocabulary's special tokens, then the architecture:
//      `<|start_header_id|>` -> llama3, `<|im_start|>` -> chatml, `<start_of_turn>` -> gemma,
//      `<|user|>`+`<|assistant|>` -> phi3, `[INST]` -> mistral; else by architecture (qwen*,
//      chatglm -> chatml; gemma* -> gemma; phi3 -> phi3; mistral -> mistral); else "plain"
//      ("User: ...\n\nAssistant:").
// Stop strings come from the template itself: the text it writes right after an assistant
// message (e.g. <|eot_id|>, <|im_end|>, <end_of_turn>) plus the vocabulary's EOS text.
#include "engine/core/result.h"
#include "engine/template/go_template.h"
#include "engine/template/jinja_template.h"
#include "engine/template/value.h"

#include <ctime>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hearth::tmpl {

struct ChatRequest {
    Value messages =
        Value::list({}); // [{role, content, tool_calls?, ...}] as Hugging Face takes them
    bool addGenerationPrompt = true;
    Value tools = Value::none();
    std::string bosToken;
    std::string eosToken;
    std::function<std::tm()> clock; // strftime_now / currentDate; empty: local time
    RenderLimits limits;
};

// The Jinja variables Hugging Face passes: messages, tools, add_generation_prompt, bos/eos_token.
Value chatContext(const ChatRequest& request);

enum class TemplateOrigin { UserOverride, Gguf, Ollama, Fallback };

struct TemplateSources {
    std::string userOverride;
    std::string ggufTemplate;
    std::string ollamaTemplate;
    std::string architecture;               // general.architecture
    std::vector<std::string> specialTokens; // control/user-defined token texts of the vocab
};

// Heuristic: Go templates use `{{ .Field }}`/`{{ range }}` and never `{%`.
bool looksLikeGoTemplate(std::string_view source);

class ChatTemplate {
public:
    static Result<ChatTemplate> select(const TemplateSources& sources);
    static Result<ChatTemplate> fromJinja(std::string source,
                                          TemplateOrigin origin = TemplateOrigin::Gguf);
    static Result<ChatTemplate> fromGo(std::string source,
                                       TemplateOrigin origin = TemplateOrigin::Ollama);
    // The fallback's name ("llama3", "chatml", "gemma", "phi3", "mistral", "plain") and source.
    static std::pair<std::string, std::string>
    fallbackFor(std::string_view architecture, const std::vector<std::string>& specialTokens);

    Result<std::string> render(const ChatRequest& request) const;

    // EOS text (if any) plus the end-of-turn marker the template writes after an assistant turn.
    std::vector<std::string>
    stopSequences(const std::string& eosToken,
                  const std::vector<std::string>& specialTokens = {}) const;

    TemplateOrigin origin() const { return origin_; }
    bool isGo() const { return go_ != nullptr; }
    const std::string& source() const { return source_; }
    const std::string& fallbackName() const { return fallbackName_; }

private:
    TemplateOrigin origin_ = TemplateOrigin::Gguf;
    std::string source_;
    std::string fallbackName_;
    std::shared_ptr<const JinjaTemplate> jinja_;
    std::shared_ptr<const GoTemplate> go_;
};

// Ollama's rendering of a Go template over HF-style messages (messages mode when the template
// mentions .Messages, otherwise legacy System/Prompt/Response mode cut after .Response).
Result<std::string> renderOllama(const GoTemplate& t, const ChatRequest& request);

} // namespace hearth::tmpl
