#pragma once
// Json: a small JSON value, parser and compact serializer for the engine's own files (store
// manifests, config blobs). Object members keep their order, so a file read and written back
// keeps its layout and any fields we do not know about. Not Qt (the engine never includes Qt).
#include "engine/core/result.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hearth {

class Json {
public:
    enum class Type { Null, Bool, Number, String, Array, Object };
    using Members = std::vector<std::pair<std::string, Json>>;

    Json() = default;
    Json(std::nullptr_t) {}
    Json(bool b) : type_(Type::Bool), bool_(b) {}
    Json(int v) : Json(static_cast<int64_t>(v)) {}
    Json(int64_t v) : type_(Type::Number), num_(static_cast<double>(v)), int_(v), isInt_(true) {}
    Json(uint64_t v);
    Json(double v) : type_(Type::Number), num_(v) {}
    Json(std::string s) : type_(Type::String), str_(std::move(s)) {}
    Json(std::string_view s) : type_(Type::String), str_(s) {}
    Json(const char* s) : type_(Type::String), str_(s) {}
    static Json array() {
        Json j;
        j.type_ = Type::Array;
        return j;
    }
    static Json object() {
        Json j;
        j.type_ = Type::Object;
        return j;
    }

    // Parses one JSON text (RFC 8259); errors name the byte offset. Nesting is limited to 512.
    static Result<Json> parse(std::string_view text);
    // Compact, with Go's encoding/json escaping (<, >, & as \u003c...), so bytes match Ollama's.
    std::string dump() const;

    Type type() const { return type_; }
    bool isNull() const { return type_ == Type::Null; }
    bool isBool() const { return type_ == Type::Bool; }
    bool isNumber() const { return type_ == Type::Number; }
    bool isInteger() const { return type_ == Type::Number && isInt_; }
    bool isString() const { return type_ == Type::String; }
    bool isArray() const { return type_ == Type::Array; }
    bool isObject() const { return type_ == Type::Object; }

    bool asBool(bool fallback = false) const { return isBool() ? bool_ : fallback; }
    double asDouble(double fallback = 0) const { return isNumber() ? num_ : fallback; }
    int64_t asInt(int64_t fallback = 0) const; // integers, and whole doubles in range
    const std::string& asString() const;       // empty unless a string

    // Arrays.
    const std::vector<Json>& items() const { return items_; }
    std::vector<Json>& items() { return items_; }
    void push(Json v) { items_.push_back(std::move(v)); }
    size_t size() const { return isArray() ? items_.size() : members_.size(); }

    // Objects.
    const Members& members() const { return members_; }
    const Json* find(std::string_view key) const;
    Json* find(std::string_view key);
    // Value at key, or a shared null when absent / not an object.
    const Json& operator[](std::string_view key) const;
    // Replaces the value if the key exists (position kept), else appends.
    Json& set(std::string_view key, Json v);
    bool erase(std::string_view key);

private:
    Type type_ = Type::Null;
    bool bool_ = false;
    double num_ = 0;
    int64_t int_ = 0;
    bool isInt_ = false;
    std::string str_;
    std::vector<Json> items_;
    Members members_;
    friend class JsonParser;
    friend void dumpJson(const Json& j, std::string& out);
};

} // namespace hearth
