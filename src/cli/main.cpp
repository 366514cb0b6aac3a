#include <cstdio>

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
  dbtrail::cli::add_binlog_commands(app);
  dbtrail::cli::add_index_commands(app);
  dbtrail::cli::add_recover_commands(app);
  dbtrail::cli::add_binlog_dump_command(*app.get_subcommand("binlog"));
  dbtrail::cli::add_check_command(app);
  dbtrail::cli::add_stream_command(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    // CLI11 returns 0 for --help; bad usage is our invalid-argument code.
    return rc == 0 ? 0 : 2;
  }
  return dbtrail::cli::exit_status();
}
