// An outside DuckDB client, as a user's script would be (issue 26 item 1):
// opens a database file through DuckDB's C API, READ_ONLY or READ_WRITE,
// prints "open" once it holds it, keeps it open for SECONDS and closes it.
//   hold_duckdb FILE SECONDS [read_only|read_write]
// Exit 0 after closing; 1 if the file cannot be opened (DuckDB's error on
// stderr).
#include <duckdb.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s FILE SECONDS [read_only|read_write]\n", argv[0]);
    return 2;
  }
  const bool read_only = argc < 4 || std::strcmp(argv[3], "read_write") != 0;
  duckdb_config config;
  if (duckdb_create_config(&config) != DuckDBSuccess) return 1;
  duckdb_set_config(config, "access_mode", read_only ? "READ_ONLY" : "READ_WRITE");
  duckdb_database db;
  char* error = nullptr;
  if (duckdb_open_ext(argv[1], &db, config, &error) != DuckDBSuccess) {
    std::fprintf(stderr, "%s\n", error != nullptr ? error : "cannot open");
    duckdb_free(error);
    duckdb_destroy_config(&config);
    return 1;
  }
  duckdb_destroy_config(&config);
  std::printf("open\n");
  std::fflush(stdout);
  usleep(static_cast<useconds_t>(std::atof(argv[2]) * 1e6));
  duckdb_close(&db);
  return 0;
}
