#pragma once
// SystemTheme: whether the UI should be dark, following the platform palette live.
// HEARTH_THEME=light|dark pins the answer (tests and screenshots need a fixed theme).
#include <QObject>
#include <QPalette>
#include <QtQml/qqmlregistration.h>

#include <optional>

namespace hearth {

class SystemTheme : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON
    Q_PROPERTY(bool dark READ dark NOTIFY darkChanged)
    Q_PROPERTY(bool pinned READ pinned CONSTANT)

public:
    explicit SystemTheme(QObject* parent = nullptr);
    ~SystemTheme() override;

    bool dark() const { return dark_; }
    bool pinned() const { return pinned_.has_value(); } // set by HEARTH_THEME

    // A palette is dark when its window colour is darker than its text colour.
    static bool paletteIsDark(const QPalette& palette);
    // HEARTH_THEME: "dark" -> true, "light" -> false, unset or anything else -> nullopt.
    static std::optional<bool> pinnedFromEnvironment();

signals:
    void darkChanged();

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void update();

    std::optional<bool> pinned_;
    bool dark_ = false;
};

} // namespace hearth
