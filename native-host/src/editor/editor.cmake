# The plugin editor (WebView UI + bridge), for native-host/CMakeLists.txt:
#
#   include(${CMAKE_CURRENT_SOURCE_DIR}/src/editor/editor.cmake)
#   namrig_add_editor(<shared-code target, e.g. NamRig>
#                     FORMAT_TARGETS <NamRig_VST3 NamRig_Standalone ...>)
#
# What it does (see README.md beside this file):
# - adds the editor sources and include directory to the shared-code target;
# - builds the UI page (`npm run build:plugin-ui` → <repo>/dist/plugin-ui/index.html, one self-contained
#   file) when its sources change, and embeds it with juceaide binarydata (namespace namrig_editor_ui);
#   set NAMRIG_PLUGIN_UI_HTML to a prebuilt page to skip npm;
# - gives the shared-code target WebKitGTK's and GTK's *headers* only (JUCE loads both at run time with
#   dlopen; linking them, as NEEDS_WEB_BROWSER does, would make the plugin fail to load without them);
# - on Linux, builds two stub libraries next to each format target's binary, named as JUCE 7.0.5 dlopen()s
#   them (libwebkit2gtk-4.0.so, libgtk-3.so: names only the -dev packages install) and depending on the
#   versioned runtime libraries, and appends $ORIGIN to each format target's RUNPATH, so the WebView
#   works on a plain user install.
# The shared-code target must compile JUCE with JUCE_WEB_BROWSER=1 (JUCE's default; don't set it to 0).

set(NAMRIG_EDITOR_DIR "${CMAKE_CURRENT_LIST_DIR}")
get_filename_component(NAMRIG_REPO_ROOT "${CMAKE_CURRENT_LIST_DIR}/../../.." ABSOLUTE)
set(NAMRIG_PLUGIN_UI_HTML "" CACHE FILEPATH "Prebuilt plugin UI page (default: build it with npm run build:plugin-ui)")

function(namrig_add_editor shared_target)
    cmake_parse_arguments(ARG "" "" "FORMAT_TARGETS" ${ARGN})

    target_sources(${shared_target} PRIVATE
        "${NAMRIG_EDITOR_DIR}/PluginEditor.cpp"
        "${NAMRIG_EDITOR_DIR}/PluginUiPage.cpp"
        "${NAMRIG_EDITOR_DIR}/BridgeReassembler.cpp"
        "${NAMRIG_EDITOR_DIR}/BridgePushScript.cpp"
        "${NAMRIG_EDITOR_DIR}/WebKitAvailability.cpp"
        "${NAMRIG_EDITOR_DIR}/WebViewChildGuard.cpp"
        "${NAMRIG_EDITOR_DIR}/WebViewReaper.cpp")
    target_include_directories(${shared_target} PRIVATE "${NAMRIG_EDITOR_DIR}")

    # The UI page.
    if(NAMRIG_PLUGIN_UI_HTML)
        set(ui_html "${NAMRIG_PLUGIN_UI_HTML}")
    else()
        set(ui_html "${NAMRIG_REPO_ROOT}/dist/plugin-ui/index.html")
        file(GLOB_RECURSE ui_sources CONFIGURE_DEPENDS
            "${NAMRIG_REPO_ROOT}/src/*.ts" "${NAMRIG_REPO_ROOT}/src/*.tsx" "${NAMRIG_REPO_ROOT}/src/*.css"
            "${NAMRIG_REPO_ROOT}/src/ui/plugin/index.html")
        find_program(NAMRIG_NPM npm REQUIRED)
        add_custom_command(OUTPUT "${ui_html}"
            COMMAND "${NAMRIG_NPM}" run --silent build:plugin-ui
            WORKING_DIRECTORY "${NAMRIG_REPO_ROOT}"
            DEPENDS ${ui_sources} "${NAMRIG_REPO_ROOT}/vite.plugin.config.ts" "${NAMRIG_REPO_ROOT}/package.json"
            COMMENT "Building the plugin UI page (vite, single file)"
            VERBATIM)
    endif()
    # Embedded with juceaide like juce_add_binary_data, but rebuilt when the page changes
    # (juce_add_binary_data only depends on its list of file names).
    set(ui_data_dir "${CMAKE_CURRENT_BINARY_DIR}/namrig_editor_ui")
    file(MAKE_DIRECTORY "${ui_data_dir}")
    file(WRITE "${ui_data_dir}/input_file_list" "${ui_html}\n")
    add_custom_command(OUTPUT "${ui_data_dir}/BinaryData1.cpp" "${ui_data_dir}/NamRigEditorUi.h"
        COMMAND juce::juceaide binarydata namrig_editor_ui NamRigEditorUi.h "${ui_data_dir}" "${ui_data_dir}/input_file_list"
        DEPENDS "${ui_html}" "${ui_data_dir}/input_file_list"
        COMMENT "Embedding the plugin UI page"
        VERBATIM)
    add_library(${shared_target}_EditorUi STATIC "${ui_data_dir}/BinaryData1.cpp" "${ui_data_dir}/NamRigEditorUi.h")
    target_include_directories(${shared_target}_EditorUi INTERFACE "${ui_data_dir}")
    target_compile_features(${shared_target}_EditorUi PRIVATE cxx_std_17)
    set_target_properties(${shared_target}_EditorUi PROPERTIES POSITION_INDEPENDENT_CODE TRUE)
    target_link_libraries(${shared_target} PRIVATE ${shared_target}_EditorUi)

    if(CMAKE_SYSTEM_NAME STREQUAL "Linux")
        find_package(PkgConfig REQUIRED)
        pkg_check_modules(NAMRIG_WEBKIT_HEADERS REQUIRED webkit2gtk-4.0 gtk+-x11-3.0)
        target_include_directories(${shared_target} SYSTEM PRIVATE ${NAMRIG_WEBKIT_HEADERS_INCLUDE_DIRS})
        target_compile_options(${shared_target} PRIVATE ${NAMRIG_WEBKIT_HEADERS_CFLAGS_OTHER})

        foreach(format_target IN LISTS ARG_FORMAT_TARGETS)
            foreach(stub IN ITEMS "webkit2gtk-4.0:libwebkit2gtk-4.0.so.37" "gtk-3:libgtk-3.so.0")
                string(REPLACE ":" ";" parts "${stub}")
                list(GET parts 0 stub_name)
                list(GET parts 1 runtime_lib)
                string(MAKE_C_IDENTIFIER "${format_target}_stub_${stub_name}" stub_target)
                add_library(${stub_target} SHARED "${NAMRIG_EDITOR_DIR}/webkit-stub.cpp")
                set_target_properties(${stub_target} PROPERTIES
                    OUTPUT_NAME "${stub_name}"
                    LIBRARY_OUTPUT_DIRECTORY "$<TARGET_FILE_DIR:${format_target}>")
                target_link_options(${stub_target} PRIVATE "LINKER:--no-as-needed")
                target_link_libraries(${stub_target} PRIVATE "-l:${runtime_lib}")
                add_dependencies(${format_target} ${stub_target})
            endforeach()
            set_property(TARGET ${format_target} APPEND PROPERTY BUILD_RPATH "$ORIGIN")
            set_property(TARGET ${format_target} APPEND PROPERTY INSTALL_RPATH "$ORIGIN")
        endforeach()
    endif()
endfunction()
