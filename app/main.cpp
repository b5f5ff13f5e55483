// hearth: the desktop application.
#include "app/ui/app_setup.h"
#include "app/ui/chat_controller.h"

#include <QGuiApplication>
#include <QQmlApplicationEngine>
#include <QtQml/qqmlextensionplugin.h>

Q_IMPORT_QML_PLUGIN(Hearth_AppPlugin)
Q_IMPORT_QML_PLUGIN(Hearth_UiPlugin)

int main(int argc, char** argv) {
    QGuiApplication app(argc, argv);
    hearth::configureApplication();
    // `hearth path/to/model.gguf`: open a chat with that file.
    const QStringList args = QCoreApplication::arguments();
    if (args.size() > 1 && !args.at(1).startsWith(QLatin1Char('-')))
        hearth::ChatController::setStartupModel(args.at(1));

    QQmlApplicationEngine engine;
    hearth::configureEngine(engine);
    QObject::connect(
        &engine, &QQmlApplicationEngine::objectCreationFailed, &app,
        [] { QCoreApplication::exit(1); }, Qt::QueuedConnection);
    engine.load(hearth::mainQmlUrl());
    if (engine.rootObjects().isEmpty()) return 1;
    return app.exec();
}
