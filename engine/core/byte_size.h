#pragma once
// The one way Hearth writes byte counts for people: decimal units as `ollama list`, LM Studio and
// file managers show them (B, kB, MB, GB, TB; 1 kB = 1000 B), three significant digits.
// The engine's own messages (fit summaries, preflight errors) use it, and app/core/byte_size.h
// gives the UI and hearth-cli the same text as a QString, so a file has one size everywhere.
#include <cstdint>
#include <string>

namespace hearth {

// "0 B", "999 B", "1.00 kB", "379 kB", "37.9 MB", "1.32 GB", "770 MB". Three significant digits,
// trailing zeros kept so the precision never changes with the value; rounding is half-up on the
// exact byte count, so 999,499 B is "999 kB" and 999,500 B is "1.00 MB". Under 1 kB the exact
// count; from 999.5 TB on whole terabytes ("18446744 TB" for 2^64 - 1), since there is no larger
// unit to move to.
std::string formatByteSize(uint64_t bytes);

// A transfer rate: formatByteSize of the rounded rate plus "/s" ("12.3 MB/s"). Negative or
// non-finite rates read as 0.
std::string formatByteRate(double bytesPerSecond);

} // namespace hearth
