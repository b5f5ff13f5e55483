import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth.App
import Hearth.Ui

// System: what Hearth detected on this machine, the same facts `hearth-cli system` prints.
PageScaffold {
    id: page

    property SystemController system
    readonly property real usedFraction: system ? 1 - system.ramAvailableFraction : 0

    title: qsTr("System")
    subtitle: qsTr("What Hearth detected on this machine.")

    actions: [
        ActionButton {
            objectName: "refreshButton"
            text: qsTr("Refresh")
            iconName: "refresh"
            onClicked: page.system.refresh()
        },
        ActionButton {
            id: copyButton

            property bool copied: false

            objectName: "copyReportButton"
            primary: true
            text: copied ? qsTr("Copied") : qsTr("Copy report")
            iconName: copied ? "check" : "copy"
            Accessible.name: qsTr("Copy report")
            Accessible.description: qsTr("Copies these facts as text to the clipboard")
            onClicked: {
                Clipboard.setText(page.system.reportText);
                copied = true;
                copiedTimer.restart();
            }

            Timer {
                id: copiedTimer

                interval: 2000
                onTriggered: copyButton.copied = false
            }
        }
    ]

    GridLayout {
        id: grid

        Layout.fillWidth: true
        Layout.fillHeight: false
        columns: width >= 700 ? 2 : 1
        columnSpacing: Theme.gapLarge
        rowSpacing: Theme.gapLarge

        Card {
            Layout.fillWidth: true
            Layout.fillHeight: true
            Layout.preferredWidth: 1
            title: qsTr("Processor")
            iconName: "system"

            Label {
                objectName: "cpuModelLabel"
                Layout.fillWidth: true
                text: page.system.cpuModel !== "" ? page.system.cpuModel : qsTr("Unknown processor")
                wrapMode: Text.Wrap
                color: Theme.text
                font.pixelSize: Theme.fontDisplay
                font.weight: Font.DemiBold
            }

            Label {
                Layout.fillWidth: true
                Layout.topMargin: -6
                visible: text !== ""
                text: page.system.cpuVendor
                color: Theme.textMuted
            }

            FactRow {
                objectName: "coresRow"
                Layout.fillWidth: true
                Layout.topMargin: 4
                label: qsTr("Cores")
                value: qsTr("%1 logical · %2 physical").arg(page.system.logicalCores).arg(page.system.physicalCores)
            }

            FactRow {
                objectName: "kernelsRow"
                Layout.fillWidth: true
                label: qsTr("Kernels in use")
                value: page.system.kernelIsa
                mono: true
            }
        }

        Card {
            Layout.fillWidth: true
            Layout.fillHeight: true
            Layout.preferredWidth: 1
            title: qsTr("Memory")
            iconName: "memory"

            RowLayout {
                spacing: 8

                Label {
                    objectName: "ramAvailableLabel"
                    text: page.system.ramAvailable
                    color: Theme.text
                    font.pixelSize: Theme.fontDisplay
                    font.weight: Font.DemiBold
                }

                Label {
                    Layout.alignment: Qt.AlignBaseline
                    text: qsTr("available")
                    color: Theme.textMuted
                }
            }

            Label {
                objectName: "ramTotalLabel"
                Layout.topMargin: -6
                text: qsTr("of %1 total").arg(page.system.ramTotal)
                color: Theme.textMuted
            }

            UsageBar {
                objectName: "ramBar"
                Layout.fillWidth: true
                Layout.topMargin: 4
                value: page.usedFraction
                Accessible.name: qsTr("Memory in use: %1 percent").arg(Math.round(page.usedFraction * 100))
            }

            RowLayout {
                spacing: 18

                Repeater {
                    model: [
                        { label: qsTr("In use"), share: page.usedFraction, swatch: Theme.accent },
                        { label: qsTr("Available"), share: 1 - page.usedFraction, swatch: Theme.surfaceRaised }
                    ]

                    RowLayout {
                        required property var modelData

                        spacing: 6

                        Rectangle {
                            implicitWidth: 10
                            implicitHeight: 10
                            radius: 3
                            color: modelData.swatch
                            border.width: 1
                            border.color: Theme.border
                        }

                        Label {
                            text: qsTr("%1 %2%").arg(modelData.label).arg(Math.round(modelData.share * 100))
                            color: Theme.textMuted
                            font.pixelSize: Theme.fontSmall
                        }
                    }
                }
            }
        }

        Card {
            Layout.fillWidth: true
            Layout.columnSpan: grid.columns
            title: qsTr("Instruction sets")
            iconName: "simd"

            Label {
                Layout.fillWidth: true
                text: qsTr("Detected at run time with CPUID. The engine picks its kernels from what is present.")
                wrapMode: Text.Wrap
                color: Theme.textMuted
            }

            Flow {
                objectName: "simdFlow"
                Layout.fillWidth: true
                spacing: 8

                Repeater {
                    model: page.system.simdFeatures

                    Chip {
                        required property var modelData

                        objectName: "simd_" + modelData.name
                        text: modelData.name
                        present: modelData.present
                    }
                }
            }
        }

        Card {
            Layout.fillWidth: true
            Layout.columnSpan: grid.columns
            title: qsTr("Graphics (Vulkan)")
            iconName: "gpu"

            RowLayout {
                visible: page.system.gpuDevices.length === 0
                Layout.fillWidth: true
                spacing: 10

                Icon {
                    Layout.alignment: Qt.AlignTop
                    iconName: "info"
                    iconSize: 18
                    color: Theme.textMuted
                }

                Label {
                    objectName: "gpuMessageLabel"
                    Layout.fillWidth: true
                    text: page.system.gpuMessage !== "" ? page.system.gpuMessage : qsTr("No Vulkan device found.")
                    wrapMode: Text.Wrap
                    color: Theme.text
                }
            }

            Repeater {
                model: page.system.gpuDeviceDetails

                ColumnLayout {
                    required property var modelData
                    required property int index

                    objectName: "gpuDevice_" + index
                    Layout.fillWidth: true
                    spacing: 8

                    Rectangle {
                        visible: index > 0
                        Layout.fillWidth: true
                        Layout.bottomMargin: 6
                        implicitHeight: 1
                        color: Theme.border
                    }

                    Label {
                        Layout.fillWidth: true
                        text: modelData.title
                        wrapMode: Text.Wrap
                        color: Theme.text
                        font.weight: Font.DemiBold
                    }

                    Flow {
                        Layout.fillWidth: true
                        spacing: 8

                        Label {
                            height: 28
                            verticalAlignment: Text.AlignVCenter
                            text: qsTr("Memory heaps")
                            color: Theme.textMuted
                            font.pixelSize: Theme.fontSmall
                        }

                        Repeater {
                            model: modelData.heaps

                            Chip {
                                required property string modelData

                                showState: false
                                text: modelData
                            }
                        }
                    }
                }
            }
        }
    }
}
