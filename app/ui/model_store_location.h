#pragma once
// ModelStoreLocation: where Hearth's model library lives (Ollama's store layout) and whether
// anything is in it yet. Only enough for the Models page to state honestly what it sees until
// the real store listing (issue 3/8) replaces it.
#include <QObject>
#include <QString>
#include <QtQml/qqmlregistration.h>

namespace hearth {

class ModelStoreLocation : public QObject {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(QString path READ path NOTIFY changed)
    Q_PROPERTY(bool exists READ exists NOTIFY changed)
    Q_PROPERTY(int manifestCount READ manifestCount NOTIFY changed)

public:
    explicit ModelStoreLocation(QObject* parent = nullptr);

    // $OLLAMA_MODELS when set, else ~/.ollama/models (Ollama's own rule).
    static QString defaultPath();

    QString path() const { return path_; }
    bool exists() const { return exists_; }
    int manifestCount() const { return manifestCount_; } // files under <path>/manifests

    Q_INVOKABLE void refresh();

signals:
    void changed();

private:
    QString path_;
    bool exists_ = false;
    int manifestCount_ = 0;
};

} // namespace hearth
