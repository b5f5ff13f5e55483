import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth.App

ApplicationWindow {
    id: window
    width: 1100
    height: 720
    minimumWidth: 720
    minimumHeight: 480
    visible: true
    title: qsTr("Hearth")

    SystemController { id: system }

    Label {
        anchors.centerIn: parent
        text: system.cpuModel
    }
}
