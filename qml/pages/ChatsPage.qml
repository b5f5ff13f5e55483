import QtQuick
import QtQuick.Controls
import QtQuick.Dialogs
import QtQuick.Layouts
import Hearth.App
import Hearth.Ui

// Chats: the conversation list on the left (search, grouped by date, undoable delete), the open
// chat on the right (model picker, settings, export, messages), the composer below. Replies
// stream from the engine's worker thread through ChatController; a finished reply is announced
// to screen readers through a live region (see `replyAnnouncer`).
Item {
    id: page

    property ChatController chats
    readonly property bool hasChat: chats && chats.currentConversationId >= 0
    signal openPage(string key)

    Accessible.role: Accessible.Pane
    Accessible.name: qsTr("Chats")

    // Accessible.announce() is not in Qt 6.4: an AlertMessage item whose name changes is what
    // AT-SPI bridges report as an alert, so screen readers read the finished reply aloud.
    Item {
        id: replyAnnouncer

        objectName: "replyAnnouncer"
        width: 1
        height: 1
        Accessible.role: Accessible.AlertMessage
        Accessible.name: page.chats ? page.chats.announcement : ""
    }

    Shortcut {
        sequence: "Ctrl+F"
        enabled: page.visible
        onActivated: searchField.forceActiveFocus()
    }
    Shortcut {
        sequence: "Ctrl+L"
        enabled: page.visible
        onActivated: composer.focusInput()
    }
    Shortcut {
        sequences: ["Esc", "Ctrl+."]
        enabled: page.visible && page.chats && (page.chats.streaming || page.chats.loading)
        onActivated: page.chats.streaming ? page.chats.stop() : page.chats.cancelLoad()
    }
    Shortcut {
        sequence: "Ctrl+Shift+R"
        enabled: page.visible && page.chats && !page.chats.streaming
        onActivated: page.chats.regenerate()
    }

    FileDialog {
        id: openModelDialog

        title: qsTr("Open a GGUF model")
        nameFilters: [qsTr("GGUF models (*.gguf)"), qsTr("All files (*)")]
        onAccepted: page.chats.setModel(selectedFile.toString())
    }

    FileDialog {
        id: exportDialog

        property bool json: false
        title: json ? qsTr("Export chat as JSON") : qsTr("Export chat as Markdown")
        fileMode: FileDialog.SaveFile
        defaultSuffix: json ? "json" : "md"
        nameFilters: json ? [qsTr("JSON (*.json)")] : [qsTr("Markdown (*.md)")]
        onAccepted: page.chats.exportToFile(page.chats.currentConversationId, selectedFile.toString())
    }

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

                TextField {
                    id: searchField

                    objectName: "chatSearchField"
                    Layout.fillWidth: true
                    placeholderText: qsTr("Search chats")
                    selectByMouse: true
                    Accessible.name: qsTr("Search chats by title and content")
                    Accessible.description: qsTr("Shortcut Ctrl+F")
                    onTextChanged: if (page.chats) page.chats.searchText = text
                    Keys.onEscapePressed: text = ""
                }

                Label {
                    objectName: "noConversationsLabel"
                    Layout.fillWidth: true
                    Layout.topMargin: 8
                    visible: conversationList.count === 0
                    text: searchField.text !== "" ? qsTr("No chat matches.") : qsTr("No conversations yet.")
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

                    section.property: "section"
                    section.delegate: Label {
                        required property string section
                        text: section
                        topPadding: 10
                        bottomPadding: 4
                        leftPadding: 4
                        color: Theme.textFaint
                        font.pixelSize: Theme.fontSmall
                        font.weight: Font.DemiBold
                        Accessible.role: Accessible.Heading
                        Accessible.name: section
                    }

                    delegate: ConversationDelegate {
                        width: conversationList.width
                        current: page.chats && conversationId === page.chats.currentConversationId
                        onClicked: page.chats.select(conversationId)
                        onDeleteRequested: page.chats.remove(conversationId)
                        onRenameRequested: newTitle => page.chats.rename(conversationId, newTitle)
                    }
                }

                // Undo for the last delete.
                RowLayout {
                    objectName: "undoBar"
                    Layout.fillWidth: true
                    visible: page.chats && page.chats.undoTitle !== ""

                    Label {
                        Layout.fillWidth: true
                        text: qsTr("Deleted “%1”").arg(page.chats ? page.chats.undoTitle : "")
                        elide: Text.ElideRight
                        color: Theme.textMuted
                        font.pixelSize: Theme.fontSmall
                    }
                    ActionButton {
                        objectName: "undoDeleteButton"
                        text: qsTr("Undo")
                        onClicked: page.chats.undoRemove()
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

            RowLayout {
                Layout.fillWidth: true
                Layout.leftMargin: Theme.pageMargin
                Layout.rightMargin: Theme.pageMargin
                Layout.topMargin: 24
                Layout.bottomMargin: 8
                spacing: 8

                Label {
                    objectName: "chatTitle"
                    Layout.fillWidth: true
                    text: page.hasChat ? page.chats.currentTitle : qsTr("New chat")
                    elide: Text.ElideRight
                    color: Theme.text
                    font.pixelSize: Theme.fontLarge + 2
                    font.weight: Font.DemiBold
                    Accessible.role: Accessible.Heading
                    Accessible.name: text
                }

                ComboBox {
                    id: modelPicker

                    objectName: "modelPicker"
                    readonly property string openFileEntry: qsTr("Open a .gguf file…")
                    readonly property string current: page.chats ? page.chats.currentModel : ""
                    Layout.preferredWidth: Math.min(280, page.width / 4)
                    model: {
                        const names = page.chats ? page.chats.models.slice() : [];
                        if (current !== "" && names.indexOf(current) < 0)
                            names.unshift(current);
                        names.push(openFileEntry);
                        return names;
                    }
                    currentIndex: current === "" ? -1 : model.indexOf(current)
                    displayText: current === "" ? qsTr("Pick a model") : current.split("/").pop()
                    enabled: page.chats && !page.chats.streaming
                    Accessible.name: qsTr("Model for this chat")
                    onActivated: index => {
                        if (model[index] === openFileEntry)
                            openModelDialog.open();
                        else
                            page.chats.setModel(model[index]);
                    }
                    onPressedChanged: if (pressed && page.chats) page.chats.refreshModels()
                }

                ToolButton {
                    objectName: "settingsButton"
                    highlighted: settingsPanel.visible
                    enabled: page.hasChat
                    text: qsTr("Settings")
                    Accessible.name: settingsPanel.visible ? qsTr("Hide chat settings")
                                                           : qsTr("Show chat settings")
                    onClicked: settingsPanel.visible = !settingsPanel.visible
                }

                ToolButton {
                    objectName: "exportButton"
                    enabled: page.hasChat
                    text: qsTr("Export")
                    Accessible.name: qsTr("Export chat")
                    onClicked: exportMenu.open()

                    Menu {
                        id: exportMenu

                        MenuItem {
                            text: qsTr("As Markdown…")
                            onTriggered: { exportDialog.json = false; exportDialog.open(); }
                        }
                        MenuItem {
                            text: qsTr("As JSON…")
                            onTriggered: { exportDialog.json = true; exportDialog.open(); }
                        }
                    }
                }
            }

            // Loading a model: what is happening, and a way out.
            RowLayout {
                objectName: "loadBar"
                Layout.fillWidth: true
                Layout.leftMargin: Theme.pageMargin
                Layout.rightMargin: Theme.pageMargin
                visible: page.chats && page.chats.loading
                spacing: 8

                ProgressBar {
                    Layout.fillWidth: true
                    from: 0
                    to: 1
                    value: page.chats ? page.chats.loadProgress : 0
                    Accessible.name: page.chats ? page.chats.loadStage : ""
                }
                Label {
                    text: page.chats ? page.chats.loadStage : ""
                    color: Theme.textMuted
                    font.pixelSize: Theme.fontSmall
                }
                ActionButton {
                    text: qsTr("Cancel")
                    onClicked: page.chats.cancelLoad()
                }
            }

            ChatSettingsPanel {
                id: settingsPanel

                objectName: "chatSettings"
                Layout.fillWidth: true
                Layout.leftMargin: Theme.pageMargin
                Layout.rightMargin: Theme.pageMargin
                visible: false
                chats: page.chats
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
                        maxWidth: Math.min(760, messageList.width * 0.9)
                        renderer: page.chats ? page.chats.renderer : null
                        isLast: index === messageList.count - 1
                        busy: page.chats && page.chats.streaming
                        onCopyRequested: text => Clipboard.setText(text)
                        onEditRequested: (row, text) => page.chats.editAndResend(row, text)
                        onRegenerateRequested: page.chats.regenerate()
                        onAlternativeRequested: (row, alternative) => page.chats.showAlternative(row, alternative)
                    }
                }

                EmptyState {
                    id: chatEmpty

                    anchors.centerIn: parent
                    width: Math.min(parent.width - 2 * Theme.pageMargin, 460)
                    visible: messageList.count === 0
                    iconName: "chat"
                    readonly property bool noModels: page.chats && page.chats.models.length === 0
                                                     && page.chats.currentModel === ""
                    // First run: the catalog's small model sized for this machine, one click away.
                    readonly property var starter: noModels ? page.chats.starter : ({})
                    readonly property bool offersStarter: noModels && starter.spec !== undefined
                    readonly property string starterState: page.chats ? page.chats.starterState : ""
                    objectName: "chatEmptyState"
                    title: noModels ? qsTr("No models on this machine yet")
                                    : page.hasChat ? qsTr("An empty chat") : qsTr("No chats yet")
                    body: offersStarter ? qsTr("Download %1 to start chatting, open a .gguf file you already have, or browse models.").arg(starter.name)
                          : noModels ? qsTr("Open a .gguf file you already have, or browse models to find and download a small instruct model.")
                          : page.chats && page.chats.currentModel !== ""
                            ? qsTr("Type a message below to talk to %1.").arg(page.chats.currentModel.split("/").pop())
                            : qsTr("Pick a model above to start, or open a .gguf file.")
                    actionText: qsTr("Browse models")
                    actionIcon: "models"
                    actionPrimary: !offersStarter
                    onActionTriggered: page.openPage("models")

                    // The starter download, its progress in place, and a way out of it.
                    ColumnLayout {
                        objectName: "starterOffer"
                        Layout.fillWidth: true
                        Layout.topMargin: 8
                        visible: chatEmpty.offersStarter
                        spacing: 6

                        ActionButton {
                            objectName: "starterDownloadButton"
                            Layout.alignment: Qt.AlignHCenter
                            visible: chatEmpty.starterState !== "downloading"
                            primary: true
                            iconName: "discover"
                            text: chatEmpty.starterState === "failed"
                                  ? qsTr("Try downloading %1 again").arg(chatEmpty.starter.name)
                                  : qsTr("Download %1").arg(chatEmpty.starter.name)
                            Accessible.description: starterNote.text
                            onClicked: page.chats.downloadStarter()
                        }
                        ProgressBar {
                            objectName: "starterProgress"
                            Layout.fillWidth: true
                            visible: chatEmpty.starterState === "downloading"
                            from: 0
                            to: 1
                            value: page.chats ? page.chats.starterProgress : 0
                            Accessible.name: qsTr("Downloading %1").arg(chatEmpty.starter.name)
                            Accessible.description: page.chats ? page.chats.starterStatus : ""
                        }
                        Label {
                            id: starterNote

                            objectName: "starterNote"
                            Layout.fillWidth: true
                            horizontalAlignment: Text.AlignHCenter
                            wrapMode: Text.Wrap
                            color: chatEmpty.starterState === "failed" ? Theme.text : Theme.textFaint
                            font.pixelSize: Theme.fontSmall
                            text: chatEmpty.starterState === "" || chatEmpty.starterState === "done"
                                  ? qsTr("%1 · %2, the size the memory-fit estimate picks for this machine")
                                    .arg(chatEmpty.starter.variant).arg(chatEmpty.starter.sizeText)
                                  : page.chats.starterStatus
                        }
                        ActionButton {
                            objectName: "starterCancelButton"
                            Layout.alignment: Qt.AlignHCenter
                            visible: chatEmpty.starterState === "downloading"
                            text: qsTr("Cancel download")
                            onClicked: page.chats.cancelStarter()
                        }
                    }
                }

                // First run: a model file the user already has is one click away.
                ActionButton {
                    objectName: "openGgufButton"
                    anchors.horizontalCenter: parent.horizontalCenter
                    anchors.top: chatEmpty.bottom
                    anchors.topMargin: 12
                    visible: chatEmpty.visible && page.chats && page.chats.currentModel === ""
                    primary: chatEmpty.noModels && !chatEmpty.offersStarter
                    text: qsTr("Open a .gguf file…")
                    Accessible.name: qsTr("Open a GGUF model file")
                    onClicked: openModelDialog.open()
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
                streaming: page.chats && page.chats.streaming
                onSendRequested: text => {
                    if (page.chats.send(text))
                        composer.clear();
                }
                onStopRequested: page.chats.stop()
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
