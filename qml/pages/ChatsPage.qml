import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth.App
import Hearth.Ui

// Chats: the conversation list on the left, the open chat on the right, the composer below.
// Chats are saved (ChatController → SQLite). No model answers yet; the page says so.
Item {
    id: page

    property ChatController chats
    readonly property bool hasChat: chats && chats.currentConversationId >= 0
    signal openPage(string key)

    Accessible.role: Accessible.Pane
    Accessible.name: qsTr("Chats")

    Shortcut {
        sequence: "Ctrl+N"
        enabled: page.visible && page.chats && page.chats.ready
        onActivated: {
            page.chats.newChat();
            composer.focusInput();
        }
    }

    RowLayout {
        anchors.fill: parent
        spacing: 0

        // Conversation list column.
        Rectangle {
            Layout.fillHeight: true
            Layout.preferredWidth: page.width < 700 ? 200 : 260  // leave the chat room when narrow
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
                    enabled: page.chats && page.chats.ready && !page.chats.streaming
                    Accessible.description: qsTr("Shortcut Ctrl+N")
                    onClicked: {
                        page.chats.newChat();
                        composer.focusInput();
                    }
                }

                Label {
                    objectName: "noConversationsLabel"
                    Layout.fillWidth: true
                    Layout.topMargin: 8
                    visible: conversationList.count === 0
                    text: qsTr("No conversations yet.")
                    wrapMode: Text.Wrap
                    color: Theme.textFaint
                    font.pixelSize: Theme.fontBody
                }

                ListView {
                    id: conversationList

                    objectName: "conversationList"
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                    clip: true
                    spacing: 2
                    model: page.chats ? page.chats.conversations : null
                    activeFocusOnTab: false
                    Accessible.role: Accessible.List
                    Accessible.name: qsTr("Conversations")

                    delegate: ConversationDelegate {
                        width: conversationList.width
                        current: page.chats && conversationId === page.chats.currentConversationId
                        onClicked: page.chats.select(conversationId)
                        onDeleteRequested: page.chats.remove(conversationId)
                    }
                }
            }
        }

        Rectangle {
            Layout.fillHeight: true
            implicitWidth: 1
            color: Theme.border
        }

        // The open chat.
        ColumnLayout {
            Layout.fillWidth: true
            Layout.fillHeight: true
            spacing: 0

            Label {
                objectName: "chatTitle"
                Layout.fillWidth: true
                Layout.leftMargin: Theme.pageMargin
                Layout.rightMargin: Theme.pageMargin
                Layout.topMargin: 28
                Layout.bottomMargin: 12
                visible: page.hasChat
                text: page.chats ? page.chats.currentTitle : ""
                elide: Text.ElideRight
                color: Theme.text
                font.pixelSize: Theme.fontLarge + 2
                font.weight: Font.DemiBold
                Accessible.role: Accessible.Heading
                Accessible.name: text
            }

            Item {
                Layout.fillWidth: true
                Layout.fillHeight: true

                ListView {
                    id: messageList

                    objectName: "messageList"
                    anchors.fill: parent
                    anchors.leftMargin: Theme.pageMargin
                    anchors.rightMargin: Theme.pageMargin
                    visible: count > 0
                    clip: true
                    spacing: 12
                    model: page.chats ? page.chats.messages : null
                    Accessible.role: Accessible.List
                    Accessible.name: qsTr("Messages")
                    // Stay at the newest message as text streams in.
                    onCountChanged: Qt.callLater(positionViewAtEnd)
                    onContentHeightChanged: if (atYEnd || page.chats.streaming) positionViewAtEnd()

                    ScrollBar.vertical: ScrollBar {}

                    delegate: MessageBubble {
                        maxWidth: Math.min(720, messageList.width * 0.85)
                    }
                }

                EmptyState {
                    anchors.centerIn: parent
                    width: Math.min(parent.width - 2 * Theme.pageMargin, 460)
                    visible: messageList.count === 0
                    iconName: "chat"
                    title: page.hasChat ? qsTr("An empty chat") : qsTr("No chats yet")
                    body: qsTr("Pick a model to start. The Models page shows which models are on this machine.")
                    actionText: qsTr("Browse models")
                    actionIcon: "models"
                    onActionTriggered: page.openPage("models")
                }
            }

            // Why nothing answers, or what went wrong with saving.
            Rectangle {
                objectName: "chatNotice"
                Layout.fillWidth: true
                Layout.leftMargin: Theme.pageMargin
                Layout.rightMargin: Theme.pageMargin
                Layout.topMargin: 8
                visible: page.chats && page.chats.notice !== ""
                implicitHeight: noticeRow.implicitHeight + 16
                radius: 8
                color: Theme.surfaceRaised
                border.width: 1
                border.color: Theme.border

                RowLayout {
                    id: noticeRow

                    anchors.fill: parent
                    anchors.margins: 8
                    anchors.leftMargin: 12
                    spacing: 8

                    Icon {
                        iconName: "info"
                        iconSize: 16
                        color: Theme.textMuted
                    }

                    Label {
                        objectName: "chatNoticeText"
                        Layout.fillWidth: true
                        text: page.chats ? page.chats.notice : ""
                        wrapMode: Text.Wrap
                        color: Theme.textMuted
                        font.pixelSize: Theme.fontSmall
                    }
                }
            }

            Composer {
                id: composer

                objectName: "composer"
                Layout.fillWidth: true
                Layout.margins: Theme.pageMargin
                Layout.topMargin: 12
                Layout.bottomMargin: 6
                canSend: page.chats && page.chats.ready && !page.chats.streaming
                onSendRequested: text => {
                    if (page.chats.send(text))
                        composer.clear();
                }
            }

            Label {
                Layout.alignment: Qt.AlignRight
                Layout.rightMargin: Theme.pageMargin
                Layout.bottomMargin: 12
                text: composer.hint
                color: Theme.textFaint
                font.pixelSize: Theme.fontSmall
            }
        }
    }
}
