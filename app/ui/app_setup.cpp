#include "app_setup.h"

#include <QGuiApplication>
#include <QIcon>
#include <QQmlEngine>

namespace hearth {

void configureApplication() {
    QGuiApplication::setApplicationName(QStringLiteral("hearth"));
    QGuiApplication::setApplicationDisplayName(QStringLiteral("Hearth"));
    QGuiApplication::setOrganizationName(QStringLiteral("Hearth"));
    QGuiApplication::setDesktopFileName(QStringLiteral("hearth"));
    QGuiApplication::setWindowIcon(QIcon(QStringLiteral(":/Hearth/Ui/icons/hearth.svg")));
    // The Quick Controls style (Basic, whose look Theme.qml fully controls) comes from
    // :/qtquickcontrols2.conf, so QT_QUICK_CONTROLS_STYLE can still override it.
}

void configureEngine(QQmlEngine& engine) {
    engine.addImportPath(QStringLiteral("qrc:/"));
}

QUrl mainQmlUrl() {
    return QUrl(QStringLiteral("qrc:/Hearth/Ui/Main.qml"));
}

} // namespace hearth
