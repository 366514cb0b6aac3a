// `dbtrail init --index LOC`: creates the index (idempotent).
#include <cstdio>

#include "cli/commands.h"
#include "cli/index_cli.h"

namespace dbtrail::cli {

void add_init_command(CLI::App& app) {
  auto loc = std::make_shared<std::string>();
  auto* cmd = app.add_subcommand("init", "Create the change index (safe to run again)");
  cmd->add_option("--index", *loc, "Index location: sqlite:/path/to/dir")->required();
  cmd->callback([loc] {
    auto store = open_index(*loc);
    if (!store.ok()) return void(exit_status() = report(store.error()));
    if (Status s = store.value()->init(); !s.ok()) return void(exit_status() = report(s.error()));
    std::printf("index ready at %s\n", loc->c_str());
  });
}

}  // namespace dbtrail::cli
