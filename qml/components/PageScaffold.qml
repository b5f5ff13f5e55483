import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth.Ui

// The frame every page shares: a title and subtitle, the page's actions on the right, and a
// scrolling content column of readable width. With `fillHeight`, the column is at least as tall
// as the view and a child with Layout.fillHeight takes the rest (empty states sit in the middle).
Item {
    id: page

    property string title
    property string subtitle
    property bool fillHeight: false
    default property alias content: contentColumn.data
    property alias actions: actionRow.data

    Accessible.role: Accessible.Pane
    Accessible.name: title

    ColumnLayout {
        anchors.fill: parent
        spacing: 0

        RowLayout {
            Layout.fillWidth: true
            Layout.leftMargin: Theme.pageMargin
            Layout.rightMargin: Theme.pageMargin
            Layout.topMargin: 28
            Layout.bottomMargin: 20
            spacing: Theme.gapLarge

            ColumnLayout {
                Layout.fillWidth: true
                spacing: 4

                Label {
                    objectName: "pageTitle"
                    Layout.fillWidth: true
                    text: page.title
                    elide: Text.ElideRight
                    color: Theme.text
                    font.pixelSize: Theme.fontTitle
                    font.weight: Font.Bold
                    Accessible.role: Accessible.Heading
                    Accessible.name: text
                }

                Label {
                    Layout.fillWidth: true
                    visible: text !== ""
                    text: page.subtitle
                    wrapMode: Text.Wrap
                    color: Theme.textMuted
                    font.pixelSize: Theme.fontBody
                }
            }

            RowLayout {
                id: actionRow

                Layout.alignment: Qt.AlignTop
                spacing: Theme.gap
            }
        }

        Flickable {
            id: flick

            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            contentWidth: width
            contentHeight: contentColumn.height + Theme.pageMargin
            boundsBehavior: Flickable.StopAtBounds

            ScrollBar.vertical: ScrollBar {
                policy: flick.contentHeight > flick.height ? ScrollBar.AsNeeded : ScrollBar.AlwaysOff
            }

            ColumnLayout {
                id: contentColumn

                x: Theme.pageMargin
                width: Math.min(flick.width - 2 * Theme.pageMargin, Theme.contentMaxWidth)
                height: page.fillHeight ? Math.max(implicitHeight, flick.height - Theme.pageMargin)
                                        : implicitHeight
                spacing: Theme.gapLarge
            }
        }
    }
}
