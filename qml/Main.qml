import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth.App
import Hearth.Ui

// The one main window: navigation sidebar on the left, the current page on the right.
ApplicationWindow {
    id: window

    readonly property var pages: [
        { key: "chats", title: qsTr("Chats"), icon: "chat" },
        { key: "models", title: qsTr("Models"), icon: "models" },
        { key: "discover", title: qsTr("Discover"), icon: "discover" },
        { key: "fit", title: qsTr("Memory fit"), icon: "fit" },
        { key: "system", title: qsTr("System"), icon: "system" }
    ]
    property int currentPage: 0
    readonly property string currentPageKey: pages[currentPage].key

    function showPage(index) {
        if (index >= 0 && index < pages.length)
            currentPage = index;
    }

    function showPageByKey(key) {
        showPage(pages.findIndex(page => page.key === key));
    }

    objectName: "mainWindow"
    width: 1120
    height: 740
    minimumWidth: 760
    minimumHeight: 520
    visible: true
    title: qsTr("Hearth")
    color: Theme.window
    font.pixelSize: Theme.fontBody

    // The few Basic-style pieces we do not restyle (scroll bars, tool tips, text selection)
    // take their colours from the palette, so it follows the theme too.
    palette.window: Theme.window
    palette.windowText: Theme.text
    palette.base: Theme.surface
    palette.text: Theme.text
    palette.button: Theme.surface
    palette.buttonText: Theme.text
    palette.highlight: Theme.accent
    palette.highlightedText: Theme.textOnAccent
    palette.toolTipBase: Theme.surfaceRaised
    palette.toolTipText: Theme.text
    palette.mid: Theme.textFaint
    palette.dark: Theme.textMuted
    palette.light: Theme.surface
    palette.midlight: Theme.border
    palette.placeholderText: Theme.textFaint

    // One source of the machine's facts for every page that shows them.
    SystemController {
        id: systemInfo

        objectName: "systemController"
    }

    // Conversations, saved under the user's data folder ($HEARTH_DATA_DIR in tests).
    ChatController {
        id: chatController

        objectName: "chatController"
    }

    Shortcut {
        sequence: "Ctrl+1"
        onActivated: window.showPage(0)
    }
    Shortcut {
        sequence: "Ctrl+2"
        onActivated: window.showPage(1)
    }
    Shortcut {
        sequence: "Ctrl+3"
        onActivated: window.showPage(2)
    }
    Shortcut {
        sequence: "Ctrl+4"
        onActivated: window.showPage(3)
    }
    Shortcut {
        sequence: "Ctrl+5"
        onActivated: window.showPage(4)
    }

    // Searches, the starter catalog and the download queue; one for the app's lifetime because
    // it owns the queue.
    DiscoverController {
        id: discoverController

        objectName: "discoverController"
    }

    RowLayout {
        anchors.fill: parent
        spacing: 0

        NavSidebar {
            id: sidebar

            Layout.fillHeight: true
            Layout.preferredWidth: Theme.sidebarWidth
            pages: window.pages
            currentIndex: window.currentPage
            onPageRequested: index => window.showPage(index)
        }

        Rectangle {
            Layout.fillHeight: true
            implicitWidth: 1
            color: Theme.border
        }

        StackLayout {
            Layout.fillWidth: true
            Layout.fillHeight: true
            currentIndex: window.currentPage

            ChatsPage {
                objectName: "page_chats"
                chats: chatController
                onOpenPage: key => window.showPageByKey(key)
            }

            ModelsPage {
                id: modelsPage

                objectName: "page_models"
                // Store models are named; loose files from linked folders are opened by path.
                onChatRequested: (name, path) => {
                    chatController.newChat();
                    chatController.setModel(path.endsWith(".gguf") ? path : name);
                    window.showPageByKey("chats");
                }
            }

            DiscoverPage {
                objectName: "page_discover"
                discover: discoverController
            }

            MemoryFitPage {
                objectName: "page_fit"
                system: systemInfo
            }

            SystemPage {
                objectName: "page_system"
                system: systemInfo
            }
        }
    }
}
