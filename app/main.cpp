// hearth: the desktop application.
#include "app/ui/app_setup.h"

#include <QGuiApplication>
#include <QQmlApplicationEngine>
#include <QtQml/qqmlextensionplugin.h>

Q_IMPORT_QML_PLUGIN(Hearth_AppPlugin)
Q_IMPORT_QML_PLUGIN(Hearth_UiPlugin)

int main(int argc, char** argv) {
    QGuiApplication app(argc, argv);
    hearth::configureApplication();

    QQmlApplicationEngine engine;
    hearth::configureEngine(engine);
    QObject::connect(
        &engine, &QQmlApplicationEngine::objectCreationFailed, &app,
        [] { QCoreApplication::exit(1); }, Qt::QueuedConnection);
    engine.load(hearth::mainQmlUrl());
    if (engine.rootObjects().isEmpty()) return 1;
    return app.exec();
}
