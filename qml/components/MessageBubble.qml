import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth.Ui

// One message of a chat. The user's sit on the right in the accent tint; replies on the left
// with the model's name, a cursor while streaming, and a note when they were cut off.
Item {
    id: bubble

    required property string role
    required property string content
    required property string modelName
    required property string messageState
    required property int index
    property real maxWidth: 640

    readonly property bool fromUser: role === "user"

    implicitHeight: column.implicitHeight + 12
    width: ListView.view ? ListView.view.width : implicitWidth

    Accessible.role: Accessible.StaticText
    Accessible.name: (fromUser ? qsTr("You: ") : qsTr("%1: ").arg(modelName || qsTr("Assistant"))) + content

    ColumnLayout {
        id: column

        anchors.top: parent.top
        anchors.right: bubble.fromUser ? parent.right : undefined
        anchors.left: bubble.fromUser ? undefined : parent.left
        width: Math.min(bubble.maxWidth, bubble.width)
        spacing: 4

        Label {
            Layout.alignment: bubble.fromUser ? Qt.AlignRight : Qt.AlignLeft
            text: bubble.fromUser ? qsTr("You") : (bubble.modelName || qsTr("Assistant"))
            color: Theme.textMuted
            font.pixelSize: Theme.fontSmall
            font.weight: Font.DemiBold
        }

        Rectangle {
            Layout.alignment: bubble.fromUser ? Qt.AlignRight : Qt.AlignLeft
            implicitWidth: Math.min(body.implicitWidth, column.width - 28) + 28
            implicitHeight: body.implicitHeight + 20
            radius: 12
            color: bubble.fromUser ? Theme.accentSoft : Theme.surface
            border.width: bubble.fromUser ? 0 : 1
            border.color: Theme.border

            TextEdit {
                id: body

                objectName: "messageText"
                x: 14
                y: 10
                width: parent.width - 28
                text: bubble.content + (bubble.messageState === "streaming" ? "\u258D" : "")
                readOnly: true
                selectByMouse: true
                wrapMode: TextEdit.Wrap
                color: Theme.text
                selectionColor: Theme.accent
                selectedTextColor: Theme.textOnAccent
                font.pixelSize: Theme.fontBody
                Accessible.ignored: true
            }
        }

        Label {
            visible: bubble.messageState === "interrupted" || bubble.messageState === "stopped"
            text: bubble.messageState === "stopped" ? qsTr("Stopped") : qsTr("Cut off when Hearth stopped")
            color: Theme.textFaint
            font.pixelSize: Theme.fontSmall
        }
    }
}
