import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth.Ui

// The message input: Enter sends, Shift+Enter starts a new line. While a reply streams the
// input stays editable (the next message can be drafted) and Send becomes Stop.
Rectangle {
    id: composer

    property alias text: input.text
    property bool canSend: true
    property bool streaming: false
    readonly property string hint: qsTr("Enter to send, Shift+Enter for a new line")
    signal sendRequested(string text)
    signal stopRequested

    function send() {
        if (!composer.canSend || input.text.trim() === "")
            return;
        composer.sendRequested(input.text);
    }
    function handleEnter(event) {
        if (event.modifiers & Qt.ShiftModifier) {
            event.accepted = false;  // the TextArea inserts the line break
            return;
        }
        send();
    }
    function clear() {
        input.clear();
    }
    function focusInput() {
        input.forceActiveFocus(Qt.TabFocusReason);
    }

    implicitHeight: Math.min(Math.max(input.implicitHeight, 44), 200) + 20
    radius: 14
    color: Theme.surface
    border.width: input.activeFocus ? 2 : 1
    border.color: input.activeFocus ? Theme.focusRing : Theme.border

    RowLayout {
        anchors.fill: parent
        anchors.margins: 10
        anchors.leftMargin: 6
        spacing: 8

        ScrollView {
            Layout.fillWidth: true
            Layout.fillHeight: true

            TextArea {
                id: input

                objectName: "composerInput"
                placeholderText: qsTr("Message…")
                wrapMode: TextEdit.Wrap
                color: Theme.text
                placeholderTextColor: Theme.textFaint
                selectionColor: Theme.accent
                selectedTextColor: Theme.textOnAccent
                font.pixelSize: Theme.fontBody
                background: null
                Accessible.role: Accessible.EditableText
                Accessible.name: qsTr("Message")
                Accessible.description: composer.hint

                Keys.onReturnPressed: event => composer.handleEnter(event)
                Keys.onEnterPressed: event => composer.handleEnter(event)
            }
        }

        ActionButton {
            objectName: "sendButton"
            Layout.alignment: Qt.AlignBottom
            visible: !composer.streaming
            primary: true
            enabled: composer.canSend && input.text.trim() !== ""
            text: qsTr("Send")
            iconName: "send"
            onClicked: composer.send()
        }

        ActionButton {
            objectName: "stopButton"
            Layout.alignment: Qt.AlignBottom
            visible: composer.streaming
            text: qsTr("Stop")
            iconName: "cross"
            Accessible.description: qsTr("Shortcut Escape")
            onClicked: composer.stopRequested()
        }
    }
}
