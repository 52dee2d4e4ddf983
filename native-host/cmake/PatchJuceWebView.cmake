# Build-time fixes for Debian's JUCE 7.0.5 WebBrowserComponent on Linux (measured, native-host/README.md):
# - its reader thread waits for the GTK/WebKit child's messages with poll(..., 0) in a loop, so an open
#   editor spins a core at 70–100 %: the poll now blocks until a message or the quit signal arrives
#   (timeout −1; quit() writes to the control pipe the thread also polls, so closing still wakes it);
# - each editor left four file descriptors open (the child's two channels, the thread's control pipe):
#   they are now closed when it goes.
# This compiles juce_gui_extra from a copy in the build directory. Nothing from JUCE is kept in the source
# tree: the copy is made from the installed module at configure time, and when an expected passage is not
# found (another JUCE) the installed module is used unchanged, with a warning.
# Writes `content` to `path` unless it already holds exactly that (keeps the timestamp: no rebuild).
function(namrig_write_if_changed path content)
  set(current "")
  if(EXISTS "${path}")
    file(READ "${path}" current)
  endif()
  if(NOT current STREQUAL content)
    file(WRITE "${path}" "${content}")
  endif()
endfunction()

function(namrig_patch_juce_webview)
  if(APPLE OR WIN32 OR NOT TARGET juce_gui_extra)
    return()
  endif()
  get_target_property(sources juce_gui_extra INTERFACE_SOURCES)
  set(unity "")
  foreach(s IN LISTS sources)
    if(s MATCHES "juce_gui_extra/juce_gui_extra\\.cpp$")
      set(unity "${s}")
    endif()
  endforeach()
  if(unity STREQUAL "")
    message(WARNING "nam-rig: juce_gui_extra.cpp not among juce_gui_extra's sources; the WebView reader thread is left unpatched")
    return()
  endif()
  get_filename_component(module_dir "${unity}" DIRECTORY)
  set(file "native/juce_linux_X11_WebBrowserComponent.cpp")
  set(copy_root "${CMAKE_BINARY_DIR}/juce-patched")
  set(copy_dir "${copy_root}/juce_gui_extra")
  file(READ "${module_dir}/${file}" text)
  # 1. The reader thread's poll blocks instead of spinning.
  set(find1 "result = poll (&pfds.front(), static_cast<nfds_t> (pfds.size()), 0);")
  set(repl1 "result = poll (&pfds.front(), static_cast<nfds_t> (pfds.size()), -1); /* nam-rig: block, do not spin */")
  # 2. and 3. The editor's pipes are closed when it goes (JUCE 7.0.5 left four descriptors open per
  # editor: the child's two channels and the thread's control pipe).
  set(find2 "            waitForThreadToExit (-1);\n            receiver = nullptr;\n")
  set(repl2 "${find2}            close (threadControl[0]); close (threadControl[1]); /* nam-rig: were leaked */\n")
  set(find3 "            CommandReceiver::sendCommand (outChannel, \"quit\", {});\n            killChild();\n")
  set(repl3 "${find3}            close (inChannel); close (outChannel); /* nam-rig: were leaked */\n")
  set(patched "${text}")
  foreach(i 1 2 3)
    string(FIND "${patched}" "${find${i}}" at)
    if(at EQUAL -1)
      message(WARNING "nam-rig: patch ${i} of ${module_dir}/${file} does not apply (another JUCE?); the WebView is left unpatched")
      return()
    endif()
    string(REPLACE "${find${i}}" "${repl${i}}" patched "${patched}")
  endforeach()
  # file(COPY) skips files already there with the same timestamp, and the patched file is rewritten only
  # when it changes: a re-configure does not rebuild juce_gui_extra.
  file(COPY "${module_dir}" DESTINATION "${copy_root}" PATTERN "juce_gui_extra.cpp" EXCLUDE)
  namrig_write_if_changed("${copy_dir}/${file}.patched" "${patched}")
  # The unity file includes the platform file by relative path: point it at the patched one.
  file(READ "${module_dir}/juce_gui_extra.cpp" unity_text)
  string(FIND "${unity_text}" "#include \"${file}\"" at)
  if(at EQUAL -1)
    message(WARNING "nam-rig: juce_gui_extra.cpp does not include ${file} as expected; the WebView is left unpatched")
    return()
  endif()
  string(REPLACE "#include \"${file}\"" "#include \"${file}.patched\"" unity_patched "${unity_text}")
  namrig_write_if_changed("${copy_dir}/juce_gui_extra.cpp" "${unity_patched}")
  list(TRANSFORM sources REPLACE "^${module_dir}/" "${copy_dir}/")
  set_property(TARGET juce_gui_extra PROPERTY INTERFACE_SOURCES "${sources}")
  # Re-run the patch when the installed file changes (a JUCE update).
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${module_dir}/${file}")
  message(STATUS "nam-rig: juce_gui_extra compiled from ${copy_dir} (WebView fixes: blocking reader thread, pipes closed)")
endfunction()
