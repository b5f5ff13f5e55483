#pragma once
// Small filesystem helpers shared by the store's files (POSIX; the engine has no Qt).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace hearth::storefs {

struct FileInfo {
    bool isDir = false;
    bool isFile = false;
    uint64_t size = 0;
    int64_t mtime = 0;
};

std::optional<FileInfo> stat(const std::string& path);    // follows symlinks
std::vector<std::string> listDir(const std::string& dir); // names, without . and ..
std::string join(const std::string& a, const std::string& b);
bool iequals(const std::string& a, const std::string& b);
bool endsWithNoCase(const std::string& s, const std::string& suffix);

} // namespace hearth::storefs
