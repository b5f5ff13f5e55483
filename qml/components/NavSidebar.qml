import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth.Ui

// The navigation sidebar: the app's name and one NavButton per page. Up/Down move between
// pages when a button has focus; Tab leaves the sidebar for the page.
Rectangle {
    id: sidebar

    property var pages: []          // [{key, title, icon}]
    property int currentIndex: 0
    signal pageRequested(int index)

    function focusButton(index) {
        const button = buttons.itemAt(index);
        if (!button)
            return;
        button.forceActiveFocus(Qt.TabFocusReason);
        sidebar.pageRequested(index);
    }

    implicitWidth: Theme.sidebarWidth
    color: Theme.sidebar

    Accessible.role: Accessible.PageTabList
    Accessible.name: qsTr("Pages")

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: 12
        spacing: 4

        RowLayout {
            Layout.leftMargin: 8
            Layout.topMargin: 10
            Layout.bottomMargin: 22
            spacing: 10

            Image {
                source: Theme.icon("hearth")
                sourceSize: Qt.size(30, 30)
                Accessible.ignored: true
            }

            Label {
                text: qsTr("Hearth")
                color: Theme.text
                font.pixelSize: 19
                font.weight: Font.Bold
                Accessible.role: Accessible.Heading
                Accessible.name: text
            }
        }

        Repeater {
            id: buttons

            model: sidebar.pages

            NavButton {
                required property var modelData
                required property int index

                Layout.fillWidth: true
                objectName: "nav_" + modelData.key
                text: modelData.title
                iconName: modelData.icon
                shortcutHint: "Ctrl+" + (index + 1)
                checked: index === sidebar.currentIndex
                onClicked: sidebar.pageRequested(index)
                Keys.onUpPressed: sidebar.focusButton(Math.max(0, index - 1))
                Keys.onDownPressed: sidebar.focusButton(Math.min(buttons.count - 1, index + 1))
            }
        }

        Item {
            Layout.fillHeight: true
        }

        Label {
            Layout.fillWidth: true
            Layout.leftMargin: 8
            Layout.bottomMargin: 4
            text: qsTr("Ctrl+1 – Ctrl+%1 switch pages").arg(Math.max(1, sidebar.pages.length))
            wrapMode: Text.Wrap
            color: Theme.textFaint
            font.pixelSize: Theme.fontSmall
        }
    }
}
