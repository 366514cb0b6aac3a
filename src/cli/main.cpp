#include <cstdio>
#include <cstdlib>

#include "cli/commands.h"

namespace dbtrail::cli {
int& exit_status() {
  static int status = 0;
  return status;
}
}  // namespace dbtrail::cli

int main(int argc, char** argv) {
  CLI::App app{"dbtrail: a lossless change index of MySQL and MariaDB binary logs"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "dbtrail 0.1.0");
  dbtrail::cli::add_commands(app, argc, argv);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    // CLI11 returns 0 for --help; bad usage is our invalid-argument code.
    return rc == 0 ? 0 : 2;
  }
  // Everything a command writes is committed and closed by the time it
  // returns; what is left (the parsed command tree, a query's read-only
  // store) the kernel frees faster than destructors would. A one-shot
  // `query --pk` is a few milliseconds, of which teardown was a tenth.
  std::fflush(stdout);
  std::fflush(stderr);
  std::_Exit(dbtrail::cli::exit_status());
}
