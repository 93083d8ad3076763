# -DN4A_SANITIZE=ON builds everything with ASan and UBSan (make sanitize).
add_library(n4a_sanitizers INTERFACE)
if(N4A_SANITIZE)
  set(_n4a_san -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  target_compile_options(n4a_sanitizers INTERFACE ${_n4a_san})
  target_link_options(n4a_sanitizers INTERFACE ${_n4a_san})
endif()
