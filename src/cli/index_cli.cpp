#include "cli/index_cli.h"

#include <cstdio>

#include "cli/commands.h"

namespace dbtrail::cli {

int report(const Error& e) {
  std::fprintf(stderr, "dbtrail: error: %s\n", e.message.c_str());
  return exit_code(e.code);
}

Result<std::unique_ptr<index::Store>> open_index(const std::string& location) {
  return index::open_store(location);
}

void add_index_commands(CLI::App& app) {
  add_init_command(app);
  add_index_command(app);
  add_query_command(app);
  add_status_command(app);
  add_rotate_command(app);
  add_snapshot_command(app);
}

}  // namespace dbtrail::cli
