import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth.Ui

// One chat in the conversation list: its title, selected state, rename (double-click or F2)
// and a delete button.
ItemDelegate {
    id: control

    required property var conversationId
    required property string title
    required property int index
    property bool current: false
    signal deleteRequested
    signal renameRequested(string newTitle)

    function startRename() {
        renameField.text = control.title;
        renameField.visible = true;
        renameField.forceActiveFocus();
        renameField.selectAll();
    }

    implicitHeight: 40
    leftPadding: 12
    rightPadding: 6
    focusPolicy: Qt.StrongFocus
    highlighted: current

    Accessible.role: Accessible.ListItem
    Accessible.name: title
    Accessible.selected: current

    Keys.onDeletePressed: control.deleteRequested()
    Keys.onPressed: event => {
        if (event.key === Qt.Key_F2) {
            control.startRename();
            event.accepted = true;
        }
    }
    onDoubleClicked: control.startRename()
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

        TextField {
            id: renameField

            objectName: "renameField"
            visible: false
            Layout.fillWidth: true
            font.pixelSize: Theme.fontBody
            Accessible.name: qsTr("New name for chat %1").arg(control.title)
            onAccepted: {
                visible = false;
                control.renameRequested(text);
            }
            onActiveFocusChanged: if (!activeFocus) visible = false
            Keys.onEscapePressed: visible = false
        }

        Label {
            visible: !renameField.visible
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
            Accessible.description: qsTr("It can be restored with Undo")
            onClicked: control.deleteRequested()

            background: Rectangle {
                radius: 6
                color: parent.hovered ? Theme.pressed : "transparent"
            }
        }
    }
}
