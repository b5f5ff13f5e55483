import QtQuick
import Hearth.Ui

// A horizontal bar showing a fraction (0..1) of something used.
Rectangle {
    id: bar

    property real value: 0
    readonly property real clamped: Math.max(0, Math.min(1, value))

    implicitHeight: 10
    radius: height / 2
    color: Theme.surfaceRaised
    border.width: 1
    border.color: Theme.border

    Accessible.role: Accessible.ProgressBar

    Rectangle {
        width: Math.max(bar.clamped > 0 ? bar.height : 0, parent.width * bar.clamped)
        height: parent.height
        radius: parent.radius
        color: Theme.accent
    }
}
