#pragma once
// Byte counts and transfer rates as the UI and hearth-cli show them: the engine's one rule
// (engine/core/byte_size.h: decimal units, three significant digits) as QStrings.
#include <QString>
#include <QtGlobal>

#include <concepts>
#include <type_traits>

namespace hearth {

QString byteSizeText(quint64 bytes);      // "379 kB", "37.9 MB", "1.32 GB"
QString byteRateText(double bytesPerSec); // "12.3 MB/s"

// Any other integer type (qint64 from Qt's I/O, uint64_t from the engine); a negative count
// (Qt's "unknown") reads as 0 B.
template <std::integral T> QString byteSizeText(T bytes) {
    if constexpr (std::is_signed_v<T>)
        if (bytes < 0) return byteSizeText(quint64(0));
    return byteSizeText(quint64(bytes));
}

} // namespace hearth
