#pragma once
// The application-wide set-up shared by the hearth executable and the GUI tests, so the tests
// drive exactly what users run.
#include <QUrl>

class QQmlEngine;

namespace hearth {

// Names and window icon. Call after the QGuiApplication exists and
// before the first QML engine is created.
void configureApplication();

// Lets the engine find Hearth's own QML modules (qrc:/Hearth/...) by import, which Qt 6.4 does
// not do by default; without it `import Hearth.Ui` inside the module resolves only by luck.
void configureEngine(QQmlEngine& engine);

// The root QML file of the UI module (Hearth.Ui).
QUrl mainQmlUrl();

} // namespace hearth
