import QtQuick
import Hearth.Ui

// The keyboard focus outline drawn around a control (bind `visible` to control.visualFocus).
Rectangle {
    property int gap: 2

    anchors.fill: parent
    anchors.margins: -gap
    radius: (parent && parent.radius !== undefined ? parent.radius : 0) + gap
    color: "transparent"
    border.width: 2
    border.color: Theme.focusRing
}
