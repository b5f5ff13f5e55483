import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth.App
import Hearth.Ui

// A fenced code block in a message: the language, a copy button, and the code, coloured by
// the highlighter once the block is complete (plain until then).
Rectangle {
    id: block

    property string language
    property string code
    property string html       // highlighted HTML, "" while not (yet) coloured
    property bool closed: true

    implicitHeight: header.implicitHeight + codeText.implicitHeight + 20
    radius: 8
    color: Theme.dark ? "#1a1c21" : "#f6f7f9"
    border.width: 1
    border.color: Theme.border

    Accessible.role: Accessible.Grouping
    Accessible.name: qsTr("%1 code").arg(block.language || qsTr("Plain"))

    RowLayout {
        id: header

        anchors.left: parent.left
        anchors.right: parent.right
        anchors.top: parent.top
        anchors.leftMargin: 10
        anchors.rightMargin: 4
        anchors.topMargin: 2

        Label {
            objectName: "codeLanguage"
            Layout.fillWidth: true
            text: block.language || qsTr("code")
            color: Theme.textMuted
            font.pixelSize: Theme.fontSmall
        }

        ToolButton {
            id: copyButton

            objectName: "copyCodeButton"
            property bool copied: false
            text: copied ? qsTr("Copied") : qsTr("Copy")
            font.pixelSize: Theme.fontSmall
            Accessible.name: qsTr("Copy %1 code").arg(block.language)
            onClicked: {
                Clipboard.setText(block.code);
                copied = true;
                copiedTimer.restart();
            }

            Timer {
                id: copiedTimer

                interval: 1500
                onTriggered: copyButton.copied = false
            }
        }
    }

    TextEdit {
        id: codeText

        objectName: "codeText"
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.top: header.bottom
        anchors.margins: 10
        anchors.topMargin: 2
        readOnly: true
        selectByMouse: true
        wrapMode: TextEdit.WrapAnywhere
        textFormat: block.html !== "" ? TextEdit.RichText : TextEdit.PlainText
        text: block.html !== "" ? "<pre style=\"white-space:pre-wrap\">" + block.html + "</pre>" : block.code
        color: Theme.text
        selectionColor: Theme.accent
        selectedTextColor: Theme.textOnAccent
        font.family: Theme.monoFamily
        font.pixelSize: Theme.fontBody - 1
        Accessible.role: Accessible.StaticText
        Accessible.name: block.code
    }
}
