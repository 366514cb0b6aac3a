// `dbtrail rotate --index LOC --retain 7d [--add-future N]`.
#include <cstdio>
#include <ctime>

#include "cli/commands.h"
#include "cli/index_cli.h"
#include "cli/time_arg.h"
#include "util/time_format.h"

namespace dbtrail::cli {

namespace {

struct RotateOptions {
  std::string index;
  std::string retain;
  uint32_t add_future = 0;
};

int run_rotate(const RotateOptions& o) {
  auto retain = parse_duration(o.retain, "--retain");
  if (!retain.ok()) return report(retain.error());
  if (o.add_future > 24 * 366) {
    return report(make_error(ErrorCode::kInvalidArgument,
                             "--add-future is in hours and at most 8784 (a year)"));
  }
  auto store = open_index(o.index);
  if (!store.ok()) return report(store.error());
  int64_t now = std::time(nullptr);
  int64_t cutoff = now - retain.value();
  auto dropped = store.value()->drop_partitions_before(cutoff);
  if (!dropped.ok()) return report(dropped.error());
  std::printf("dropped %u partitions ending before %s\n", dropped.value(),
              iso8601_utc(cutoff).c_str());
  if (o.add_future > 0) {
    if (Status s = store.value()->add_future_partitions(o.add_future, now); !s.ok()) {
      return report(s.error());
    }
    std::printf("partitions ready for the next %u hours\n", o.add_future);
  }
  return 0;
}

}  // namespace

void add_rotate_command(CLI::App& app) {
  auto o = std::make_shared<RotateOptions>();
  auto* cmd = app.add_subcommand("rotate", "Drop partitions older than the retention period");
  cmd->add_option("--index", o->index, "Index location: sqlite:/path/to/dir")->required();
  cmd->add_option("--retain", o->retain, "Keep this much history, e.g. 7d or 36h")->required();
  cmd->add_option("--add-future", o->add_future, "Also pre-create this many hourly partitions");
  cmd->callback([o] { exit_status() = run_rotate(*o); });
}

}  // namespace dbtrail::cli
