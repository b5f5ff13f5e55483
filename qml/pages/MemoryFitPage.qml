import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth.App
import Hearth.Ui

// Memory fit: the machine's real budget, and an empty state until estimates exist (issue 9).
PageScaffold {
    id: page

    property SystemController system

    fillHeight: true
    title: qsTr("Memory fit")
    subtitle: qsTr("Which quantization of which model fits this machine.")

    Card {
        Layout.fillWidth: true
        title: qsTr("This machine's budget")
        iconName: "memory"

        FactRow {
            Layout.fillWidth: true
            label: qsTr("RAM total")
            value: page.system ? page.system.ramTotal : ""
        }

        FactRow {
            Layout.fillWidth: true
            label: qsTr("RAM available")
            value: page.system ? page.system.ramAvailable : ""
        }

        FactRow {
            Layout.fillWidth: true
            label: qsTr("GPU (Vulkan)")
            value: !page.system ? ""
                   : page.system.gpuDevices.length > 0
                     ? (page.system.gpuDevices.length === 1 ? qsTr("1 device")
                        : qsTr("%1 devices").arg(page.system.gpuDevices.length))
                     : page.system.gpuMessage
        }
    }

    Item {
        Layout.fillWidth: true
        Layout.fillHeight: true
        implicitHeight: emptyState.implicitHeight + 48

        EmptyState {
            id: emptyState

            objectName: "fitEmptyState"
            anchors.centerIn: parent
            width: Math.min(parent.width, 520)
            iconName: "fit"
            title: qsTr("No estimates yet")
            body: qsTr("There is no model to estimate yet. Estimates will show, for each quantization, the RAM and VRAM a model needs next to the budget above.")
        }
    }
}
