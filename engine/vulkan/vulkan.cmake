# Vulkan backend sources (included from engine/CMakeLists.txt when HEARTH_VULKAN is on).
file(GLOB _vulkan_sources CONFIGURE_DEPENDS "${CMAKE_CURRENT_LIST_DIR}/*.cpp")
target_sources(hearth_engine PRIVATE ${_vulkan_sources})
