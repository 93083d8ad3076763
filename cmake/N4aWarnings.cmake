# Warnings as an INTERFACE target: every n4a target links it privately.
add_library(n4a_warnings INTERFACE)
target_compile_options(n4a_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast
  -Wcast-align -Woverloaded-virtual -Wimplicit-fallthrough)
