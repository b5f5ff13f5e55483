import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth.Ui

// One entry of the navigation sidebar: an icon, a label, and a clear selected state.
AbstractButton {
    id: control

    property string iconName
    property string shortcutHint

    implicitHeight: 40
    implicitWidth: 180
    leftPadding: 12
    rightPadding: 12
    focusPolicy: Qt.StrongFocus

    Accessible.role: Accessible.PageTab
    Accessible.name: text
    Accessible.description: shortcutHint ? qsTr("Shortcut %1").arg(shortcutHint) : ""
    Accessible.checkable: true
    Accessible.checked: checked

    Keys.onReturnPressed: clicked()
    Keys.onEnterPressed: clicked()

    background: Rectangle {
        radius: 8
        color: control.checked ? Theme.accentSoft
                               : control.down ? Theme.pressed
                                              : control.hovered ? Theme.hover : "transparent"

        Rectangle {
            width: 3
            height: parent.height - 16
            radius: 1.5
            anchors.left: parent.left
            anchors.verticalCenter: parent.verticalCenter
            color: Theme.accent
            visible: control.checked
        }

        FocusRing {
            visible: control.visualFocus
        }
    }

    contentItem: RowLayout {
        spacing: 12

        Icon {
            iconName: control.iconName
            color: control.checked ? Theme.accent : Theme.textMuted
        }

        Label {
            Layout.fillWidth: true
            text: control.text
            elide: Text.ElideRight
            color: control.checked ? Theme.text : Theme.textMuted
            font.pixelSize: Theme.fontBody
            font.weight: control.checked ? Font.DemiBold : Font.Normal
        }
    }
}
