import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth.Ui

// One chat in the conversation list: its title, selected state, and a delete button.
ItemDelegate {
    id: control

    required property var conversationId
    required property string title
    required property int index
    property bool current: false
    signal deleteRequested

    implicitHeight: 40
    leftPadding: 12
    rightPadding: 6
    focusPolicy: Qt.StrongFocus
    highlighted: current

    Accessible.role: Accessible.ListItem
    Accessible.name: title
    Accessible.selected: current

    Keys.onDeletePressed: control.deleteRequested()
    Keys.onReturnPressed: control.clicked()

    background: Rectangle {
        radius: 8
        color: control.current ? Theme.accentSoft
                               : control.down ? Theme.pressed
                                              : control.hovered ? Theme.hover : "transparent"

        FocusRing {
            visible: control.visualFocus
        }
    }

    contentItem: RowLayout {
        spacing: 4

        Label {
            Layout.fillWidth: true
            text: control.title
            elide: Text.ElideRight
            color: Theme.text
            font.pixelSize: Theme.fontBody
            font.weight: control.current ? Font.DemiBold : Font.Normal
        }

        ToolButton {
            objectName: "deleteChatButton"
            visible: control.hovered || control.current || activeFocus
            implicitWidth: 28
            implicitHeight: 28
            icon.source: Theme.icon("cross")
            icon.width: 14
            icon.height: 14
            icon.color: Theme.textMuted
            Accessible.role: Accessible.Button
            Accessible.name: qsTr("Delete chat %1").arg(control.title)
            onClicked: control.deleteRequested()

            background: Rectangle {
                radius: 6
                color: parent.hovered ? Theme.pressed : "transparent"
            }
        }
    }
}
