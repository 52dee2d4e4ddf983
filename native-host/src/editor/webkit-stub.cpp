// Intentionally empty: a stub library named as JUCE 7.0.5 dlopen()s WebKitGTK or GTK
// (libwebkit2gtk-4.0.so / libgtk-3.so), whose only content is its dependency on the versioned
// runtime library; dlsym() through it finds the real symbols. Built by editor.cmake.
