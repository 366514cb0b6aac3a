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

}  // namespace dbtrail::cli
