# Third-party libraries: Debian packages found by find_package, and DuckDB's
# prebuilt shared library fetched by scripts/setup.sh into third_party/duckdb.
find_package(nlohmann_json 3.10 REQUIRED)
find_package(CLI11 REQUIRED)
find_package(fmt REQUIRED)
find_package(yaml-cpp REQUIRED)
# Debian's libzip CMake config requires the zipcmp tools; pkg-config does not.
find_package(PkgConfig REQUIRED)
pkg_check_modules(LIBZIP REQUIRED IMPORTED_TARGET libzip)
find_package(OpenSSL REQUIRED)
find_package(Eigen3 3.3 REQUIRED NO_MODULE)
find_package(Threads REQUIRED)

set(N4A_DUCKDB_DIR ${CMAKE_SOURCE_DIR}/third_party/duckdb)
if(NOT EXISTS ${N4A_DUCKDB_DIR}/lib/libduckdb.so OR NOT EXISTS ${N4A_DUCKDB_DIR}/include/duckdb.h)
  message(FATAL_ERROR "DuckDB not found in ${N4A_DUCKDB_DIR}: run `make setup` (scripts/setup.sh) first")
endif()
add_library(duckdb_shared SHARED IMPORTED GLOBAL)
set_target_properties(duckdb_shared PROPERTIES
  IMPORTED_LOCATION ${N4A_DUCKDB_DIR}/lib/libduckdb.so)
# The header is marked SYSTEM so its own warnings stay out of ours.
add_library(n4a_duckdb INTERFACE)
target_include_directories(n4a_duckdb SYSTEM INTERFACE ${N4A_DUCKDB_DIR}/include)
target_link_libraries(n4a_duckdb INTERFACE duckdb_shared Threads::Threads)

# Binaries find libduckdb.so through their rpath: no LD_LIBRARY_PATH needed.
set(CMAKE_BUILD_RPATH ${N4A_DUCKDB_DIR}/lib)
set(CMAKE_INSTALL_RPATH ${N4A_DUCKDB_DIR}/lib)

# The n4a command links tcmalloc (Debian's libtcmalloc-minimal4; only its
# runtime library is needed, nothing calls it by name): a sweep allocates and
# frees many matrices and records from several threads, and glibc's malloc
# spent ~20% of a 5,400-variant sweep's time on it (bench/run_e2e.sh). Not
# with the sanitizers, which bring their own allocator.
option(N4A_TCMALLOC "Link the n4a command with tcmalloc" ON)
add_library(n4a_allocator INTERFACE)
if(N4A_TCMALLOC AND NOT N4A_SANITIZE)
  find_library(N4A_TCMALLOC_LIBRARY NAMES tcmalloc_minimal libtcmalloc_minimal.so.4)
  if(N4A_TCMALLOC_LIBRARY)
    # --no-as-needed: the linker would otherwise drop a library that no
    # symbol of the program refers to.
    target_link_libraries(n4a_allocator INTERFACE
      "-Wl,--push-state,--no-as-needed" ${N4A_TCMALLOC_LIBRARY} "-Wl,--pop-state")
  else()
    message(WARNING "tcmalloc not found (run `make setup`): n4a uses glibc's malloc")
  endif()
endif()
