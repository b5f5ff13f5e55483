import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth.Ui

// A push button in Hearth's look: `primary` for the page's main action, plain otherwise.
Button {
    id: control

    property string iconName
    property bool primary: false

    implicitHeight: Theme.controlHeight
    leftPadding: iconName ? 12 : 16
    rightPadding: 16
    font.pixelSize: Theme.fontBody

    Accessible.role: Accessible.Button
    Accessible.name: text

    contentItem: Item {
        implicitWidth: content.implicitWidth
        implicitHeight: content.implicitHeight
        opacity: control.enabled ? 1 : 0.45

        RowLayout {
            id: content

            anchors.centerIn: parent
            spacing: 8

            Icon {
                visible: control.iconName !== ""
                iconName: control.iconName
                iconSize: 18
                color: control.primary ? Theme.textOnAccent : Theme.text
            }

            Label {
                text: control.text
                font: control.font
                color: control.primary ? Theme.textOnAccent : Theme.text
            }
        }
    }

    background: Rectangle {
        implicitWidth: 88
        radius: 8
        opacity: control.enabled ? 1 : 0.5
        color: control.primary
               ? (control.down || control.hovered ? Theme.accentHover : Theme.accent)
               : (control.down ? Theme.pressed : control.hovered ? Theme.hover : Theme.surface)
        border.width: control.primary ? 0 : 1
        border.color: Theme.border

        FocusRing {
            visible: control.visualFocus
        }
    }
}
