import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth.Ui

// Chats. Until chatting lands (issue 7) this page says so plainly: no conversations, and the
// way to the Models page.
Item {
    id: page

    signal openPage(string key)

    Accessible.role: Accessible.Pane
    Accessible.name: qsTr("Chats")

    RowLayout {
        anchors.fill: parent
        spacing: 0

        // Conversation list column.
        Rectangle {
            Layout.fillHeight: true
            Layout.preferredWidth: 260
            color: Theme.surface

            ColumnLayout {
                anchors.fill: parent
                anchors.margins: 16
                anchors.topMargin: 28
                spacing: 12

                Label {
                    text: qsTr("Chats")
                    color: Theme.text
                    font.pixelSize: Theme.fontTitle
                    font.weight: Font.Bold
                    Accessible.role: Accessible.Heading
                    Accessible.name: text
                }

                ActionButton {
                    objectName: "newChatButton"
                    Layout.fillWidth: true
                    text: qsTr("New chat")
                    iconName: "plus"
                    enabled: false
                    Accessible.description: qsTr("Needs a model; none is available yet")
                }

                Label {
                    objectName: "noConversationsLabel"
                    Layout.fillWidth: true
                    Layout.topMargin: 8
                    text: qsTr("No conversations yet.")
                    wrapMode: Text.Wrap
                    color: Theme.textFaint
                    font.pixelSize: Theme.fontBody
                }

                Item {
                    Layout.fillHeight: true
                }
            }
        }

        Rectangle {
            Layout.fillHeight: true
            implicitWidth: 1
            color: Theme.border
        }

        Item {
            Layout.fillWidth: true
            Layout.fillHeight: true

            EmptyState {
                anchors.centerIn: parent
                width: Math.min(parent.width - 2 * Theme.pageMargin, 460)
                iconName: "chat"
                title: qsTr("No chats yet")
                body: qsTr("Pick a model to start. The Models page shows which models are on this machine.")
                actionText: qsTr("Browse models")
                actionIcon: "models"
                onActionTriggered: page.openPage("models")
            }
        }
    }
}
