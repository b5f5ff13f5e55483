#include "system_theme.h"

#include <QEvent>
#include <QGuiApplication>

namespace hearth {

SystemTheme::SystemTheme(QObject* parent) : QObject(parent), pinned_(pinnedFromEnvironment()) {
    // The application object receives ApplicationPaletteChange whenever the platform theme
    // (or anyone calling setPalette) changes the palette; watching it keeps us live.
    if (qApp) qApp->installEventFilter(this);
    update();
}

SystemTheme::~SystemTheme() {
    if (qApp) qApp->removeEventFilter(this);
}

bool SystemTheme::paletteIsDark(const QPalette& palette) {
    return palette.color(QPalette::Window).lightness() <
           palette.color(QPalette::WindowText).lightness();
}

std::optional<bool> SystemTheme::pinnedFromEnvironment() {
    const QString value = qEnvironmentVariable("HEARTH_THEME").trimmed().toLower();
    if (value == QLatin1String("dark")) return true;
    if (value == QLatin1String("light")) return false;
    return std::nullopt;
}

bool SystemTheme::eventFilter(QObject* watched, QEvent* event) {
    if (watched == qApp && event->type() == QEvent::ApplicationPaletteChange) update();
    return QObject::eventFilter(watched, event);
}

void SystemTheme::update() {
    const bool dark = pinned_ ? *pinned_ : paletteIsDark(QGuiApplication::palette());
    if (dark == dark_) return;
    dark_ = dark;
    emit darkChanged();
}

} // namespace hearth
