# A build-time fix for Debian's JUCE 7.0.5 on Linux: the WebBrowserComponent's reader thread waits for
# the GTK/WebKit child's messages with poll(..., 0) in a loop, so an open editor spins a core at
# 70–100 % (measured, native-host/README.md). This compiles juce_gui_extra from a copy in the build
# directory whose poll blocks until a message or the quit signal arrives (timeout −1; quit() writes to
# the control pipe the thread also polls, so closing the editor still wakes it). Nothing from JUCE is
# kept in the source tree: the copy is made from the installed module at configure time, and when the
# expected line is not found (another JUCE) the installed module is used unchanged, with a warning.
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
  set(spin "result = poll (&pfds.front(), static_cast<nfds_t> (pfds.size()), 0);")
  set(block "result = poll (&pfds.front(), static_cast<nfds_t> (pfds.size()), -1); /* nam-rig: block, do not spin */")
  string(FIND "${text}" "${spin}" at)
  if(at EQUAL -1)
    message(WARNING "nam-rig: the WebView reader's poll(…, 0) was not found in ${module_dir}/${file}; left unpatched")
    return()
  endif()
  string(REPLACE "${spin}" "${block}" patched "${text}")
  file(REMOVE_RECURSE "${copy_dir}")
  file(COPY "${module_dir}" DESTINATION "${copy_root}")
  file(WRITE "${copy_dir}/${file}" "${patched}")
  list(TRANSFORM sources REPLACE "^${module_dir}/" "${copy_dir}/")
  set_property(TARGET juce_gui_extra PROPERTY INTERFACE_SOURCES "${sources}")
  # Re-run the patch when the installed file changes (a JUCE update).
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${module_dir}/${file}")
  message(STATUS "nam-rig: juce_gui_extra compiled from ${copy_dir} (WebView reader thread blocks in poll)")
endfunction()
