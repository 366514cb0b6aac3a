#include "cli/commands.h"

#include <string_view>

#include "cli/index_cli.h"

namespace dbtrail::cli {
namespace {

void add_binlog_family(CLI::App& app) {
  add_binlog_commands(app);
  add_binlog_dump_command(*app.get_subcommand("binlog"));
}

struct Command {
  std::string_view name;
  void (*add)(CLI::App&);
};

// In the order `dbtrail --help` lists them.
constexpr Command kCommands[] = {
    {"binlog", add_binlog_family},      {"init", add_init_command},
    {"index", add_index_command},       {"query", add_query_command},
    {"status", add_status_command},     {"rotate", add_rotate_command},
    {"snapshot", add_snapshot_command}, {"recover", add_recover_commands},
    {"check", add_check_command},       {"stream", add_stream_command},
};

}  // namespace

void add_commands(CLI::App& app, int argc, char** argv) {
  std::string_view named;
  for (int i = 1; i < argc && named.empty(); ++i) {
    if (argv[i][0] != '-') named = argv[i];
  }
  if (named == "reconstruct") named = "recover";  // registered together
  for (const Command& c : kCommands) {
    if (c.name == named) return c.add(app);
  }
  for (const Command& c : kCommands) c.add(app);
}

}  // namespace dbtrail::cli
