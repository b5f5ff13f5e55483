import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth.App
import Hearth.Ui

// One message of a chat. The user's sit on the right in the accent tint; replies on the left
// with the model's name, Markdown with highlighted code, a cursor while streaming, stats, and
// the actions: copy, edit and resend (user), regenerate (assistant), and flip between versions
// (edited prompts and regenerated answers, each with the branch that followed it).
Item {
    id: bubble

    required property string role
    required property string content
    required property string modelName
    required property string messageState
    required property string stats
    required property int altIndex
    required property int altCount
    required property int index
    property real maxWidth: 640
    property MessageRenderer renderer
    property bool isLast: false
    property bool busy: false
    signal copyRequested(string text)
    signal editRequested(int row, string text)
    signal regenerateRequested
    signal alternativeRequested(int row, int alternative)

    readonly property bool fromUser: role === "user"
    readonly property bool editing: editor.visible
    // Re-read when the highlighter delivers colours (revision) or the theme flips.
    readonly property var segments: renderer && !fromUser
                                    ? (renderer.revision, renderer.segments(content, Theme.dark)) : []

    implicitHeight: column.implicitHeight + 12
    width: ListView.view ? ListView.view.width : implicitWidth

    Accessible.role: Accessible.ListItem
    Accessible.name: (fromUser ? qsTr("You: ") : qsTr("%1: ").arg(modelName.split("/").pop() || qsTr("Assistant"))) + content

    ColumnLayout {
        id: column

        anchors.top: parent.top
        anchors.right: bubble.fromUser ? parent.right : undefined
        anchors.left: bubble.fromUser ? undefined : parent.left
        width: Math.min(bubble.maxWidth, bubble.width)
        spacing: 4

        Label {
            Layout.alignment: bubble.fromUser ? Qt.AlignRight : Qt.AlignLeft
            // A model opened from a file is named by the file, not its whole path.
            text: bubble.fromUser ? qsTr("You") : (bubble.modelName.split("/").pop() || qsTr("Assistant"))
            color: Theme.textMuted
            font.pixelSize: Theme.fontSmall
            font.weight: Font.DemiBold
            elide: Text.ElideMiddle
            Layout.maximumWidth: column.width
        }

        Rectangle {
            id: frame

            Layout.alignment: bubble.fromUser ? Qt.AlignRight : Qt.AlignLeft
            // A reply stopped before its first word has nothing to frame.
            visible: !bubble.editing && (bubble.content !== "" || bubble.messageState === "streaming")
            implicitWidth: bubble.fromUser ? Math.min(userText.implicitWidth, column.width - 28) + 28
                                           : column.width
            implicitHeight: (bubble.fromUser ? userText.implicitHeight : parts.implicitHeight) + 20
            radius: 12
            color: bubble.messageState === "error" ? Theme.absentSoft
                   : bubble.fromUser ? Theme.accentSoft : Theme.surface
            border.width: bubble.fromUser ? 0 : 1
            border.color: Theme.border

            // The user's words exactly as typed.
            TextEdit {
                id: userText

                objectName: "messageText"
                visible: bubble.fromUser
                x: 14
                y: 10
                width: parent.width - 28
                text: bubble.fromUser ? bubble.content : ""
                readOnly: true
                selectByMouse: true
                wrapMode: TextEdit.Wrap
                color: Theme.text
                selectionColor: Theme.accent
                selectedTextColor: Theme.textOnAccent
                font.pixelSize: Theme.fontBody
                Accessible.ignored: true
            }

            // A reply: rich-text blocks and code blocks in order.
            ColumnLayout {
                id: parts

                visible: !bubble.fromUser
                x: 14
                y: 10
                width: parent.width - 28
                spacing: 8

                Repeater {
                    model: bubble.segments

                    delegate: Loader {
                        id: segment

                        required property var modelData
                        Layout.fillWidth: true
                        sourceComponent: segment.modelData.kind === "code" ? codeComponent : textComponent

                        Component {
                            id: textComponent

                            TextEdit {
                                objectName: "messageRichText"
                                text: segment.modelData.html
                                textFormat: TextEdit.RichText
                                readOnly: true
                                selectByMouse: true
                                wrapMode: TextEdit.Wrap
                                color: Theme.text
                                selectionColor: Theme.accent
                                selectedTextColor: Theme.textOnAccent
                                font.pixelSize: Theme.fontBody
                                Accessible.ignored: true
                                onLinkActivated: link => Qt.openUrlExternally(link)
                            }
                        }

                        Component {
                            id: codeComponent

                            CodeBlock {
                                language: segment.modelData.language
                                code: segment.modelData.code
                                html: segment.modelData.html
                                closed: segment.modelData.closed
                            }
                        }
                    }
                }

                Label {
                    objectName: "streamingCursor"
                    visible: bubble.messageState === "streaming"
                    text: "\u258D"
                    color: Theme.accent
                    font.pixelSize: Theme.fontBody
                    Accessible.ignored: true

                    SequentialAnimation on opacity {
                        running: bubble.messageState === "streaming"
                        loops: Animation.Infinite
                        NumberAnimation { to: 0.2; duration: 450 }
                        NumberAnimation { to: 1; duration: 450 }
                    }
                }
            }
        }

        // Editing a sent message: the new text is sent and the chat branches from here.
        ColumnLayout {
            id: editor

            objectName: "messageEditor"
            visible: false
            Layout.fillWidth: true

            TextArea {
                id: editArea

                Layout.fillWidth: true
                wrapMode: TextEdit.Wrap
                color: Theme.text
                font.pixelSize: Theme.fontBody
                Accessible.name: qsTr("Edit message")
                Keys.onEscapePressed: editor.visible = false
                background: Rectangle {
                    radius: 8
                    color: Theme.surface
                    border.color: Theme.focusRing
                    border.width: 2
                }
            }

            RowLayout {
                Layout.alignment: Qt.AlignRight

                ActionButton {
                    text: qsTr("Cancel")
                    onClicked: editor.visible = false
                }
                ActionButton {
                    objectName: "resendButton"
                    primary: true
                    text: qsTr("Send edited")
                    enabled: editArea.text.trim() !== "" && !bubble.busy
                    onClicked: {
                        editor.visible = false;
                        bubble.editRequested(bubble.index, editArea.text);
                    }
                }
            }
        }

        RowLayout {
            Layout.alignment: bubble.fromUser ? Qt.AlignRight : Qt.AlignLeft
            spacing: 2
            visible: bubble.messageState !== "streaming" && !bubble.editing

            Label {
                visible: bubble.messageState === "interrupted" || bubble.messageState === "stopped"
                text: bubble.messageState === "stopped" ? qsTr("Stopped") : qsTr("Cut off when Hearth stopped")
                color: Theme.textFaint
                font.pixelSize: Theme.fontSmall
                rightPadding: 6
            }

            // Versions of this message: regenerated answers, or edits of a prompt, each with the
            // conversation that followed it: < 2 / 3 >
            ToolButton {
                objectName: "previousVersionButton"
                visible: bubble.altCount > 1
                text: "\u2039"
                enabled: bubble.altIndex > 0 && !bubble.busy
                Accessible.name: bubble.fromUser ? qsTr("Previous version of this message") : qsTr("Previous answer")
                onClicked: bubble.alternativeRequested(bubble.index, bubble.altIndex - 1)
            }
            Label {
                objectName: "versionLabel"
                visible: bubble.altCount > 1
                text: qsTr("%1 / %2").arg(bubble.altIndex + 1).arg(bubble.altCount)
                color: Theme.textMuted
                font.pixelSize: Theme.fontSmall
                Accessible.role: Accessible.StaticText
                Accessible.name: (bubble.fromUser ? qsTr("Version %1 of %2") : qsTr("Answer %1 of %2"))
                                 .arg(bubble.altIndex + 1).arg(bubble.altCount)
            }
            ToolButton {
                objectName: "nextVersionButton"
                visible: bubble.altCount > 1
                text: "\u203A"
                enabled: bubble.altIndex + 1 < bubble.altCount && !bubble.busy
                Accessible.name: bubble.fromUser ? qsTr("Next version of this message") : qsTr("Next answer")
                onClicked: bubble.alternativeRequested(bubble.index, bubble.altIndex + 1)
            }

            ToolButton {
                objectName: "copyMessageButton"
                text: qsTr("Copy")
                font.pixelSize: Theme.fontSmall
                Accessible.name: qsTr("Copy message")
                onClicked: bubble.copyRequested(bubble.content)
            }
            ToolButton {
                objectName: "editMessageButton"
                visible: bubble.fromUser
                enabled: !bubble.busy
                text: qsTr("Edit")
                font.pixelSize: Theme.fontSmall
                Accessible.name: qsTr("Edit and resend message")
                onClicked: {
                    editArea.text = bubble.content;
                    editor.visible = true;
                    editArea.forceActiveFocus();
                }
            }
            ToolButton {
                objectName: "regenerateButton"
                visible: !bubble.fromUser && bubble.isLast
                enabled: !bubble.busy
                text: qsTr("Regenerate")
                font.pixelSize: Theme.fontSmall
                Accessible.name: qsTr("Regenerate answer")
                onClicked: bubble.regenerateRequested()
            }
            Label {
                objectName: "messageStats"
                visible: bubble.stats !== ""
                text: bubble.stats
                color: Theme.textFaint
                font.pixelSize: Theme.fontSmall
                leftPadding: 6
            }
        }
    }
}
