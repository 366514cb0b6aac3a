// `dbtrail rotate --index LOC --retain 7d [--add-future N] [--daemon --interval 1h]`.
#include <chrono>
#include <csignal>
#include <cstdio>
#include <ctime>
#include <thread>

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
  bool daemon = false;
  std::string interval;
};

volatile std::sig_atomic_t g_stop = 0;
void on_signal(int) { g_stop = 1; }

// One pass: drop what is past retention, pre-create future partitions.
Status rotate_once(index::Store& store, int64_t retain_s, uint32_t add_future) {
  int64_t now = std::time(nullptr);
  int64_t cutoff = now - retain_s;
  auto dropped = store.drop_partitions_before(cutoff);
  if (!dropped.ok()) return dropped.error();
  std::printf("%s dropped %u partitions ending before %s\n", iso8601_utc(now).c_str(),
              dropped.value(), iso8601_utc(cutoff).c_str());
  if (add_future > 0) {
    if (Status s = store.add_future_partitions(add_future, now); !s.ok()) return s;
    std::printf("%s partitions ready for the next %u hours\n", iso8601_utc(now).c_str(),
                add_future);
  }
  std::fflush(stdout);
  return {};
}

// Sleeps `seconds` in short steps so SIGTERM/SIGINT end the daemon promptly.
void sleep_unless_stopped(int64_t seconds) {
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (!g_stop && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

int run_rotate(const RotateOptions& o) {
  auto retain = parse_duration(o.retain, "--retain");
  if (!retain.ok()) return report(retain.error());
  if (o.add_future > 24 * 366) {
    return report(make_error(ErrorCode::kInvalidArgument,
                             "--add-future is in hours and at most 8784 (a year)"));
  }
  int64_t interval = 0;
  if (!o.interval.empty()) {
    if (!o.daemon) {
      return report(make_error(ErrorCode::kInvalidArgument,
                               "--interval only applies with --daemon; add --daemon to keep "
                               "rotating, or drop --interval for one pass"));
    }
    auto parsed = parse_duration(o.interval, "--interval");
    if (!parsed.ok()) return report(parsed.error());
    interval = parsed.value();
  } else if (o.daemon) {
    interval = 3600;
  }
  if (o.daemon && interval < 1) {
    return report(make_error(ErrorCode::kInvalidArgument,
                             "--interval must be at least 1s (e.g. 1h, 30m)"));
  }
  auto store = open_index(o.index);
  if (!store.ok()) return report(store.error());
  if (!o.daemon) {
    Status s = rotate_once(**store, retain.value(), o.add_future);
    return s.ok() ? 0 : report(s.error());
  }
  // The daemon outlives passing index trouble (a MySQL index restarting, a
  // locked file): a failed pass is reported and retried at the next interval.
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  while (!g_stop) {
    if (Status s = rotate_once(**store, retain.value(), o.add_future); !s.ok()) {
      std::fprintf(stderr, "dbtrail rotate: pass failed, retrying in %llds: %s\n",
                   static_cast<long long>(interval), s.error().message.c_str());
      std::fflush(stderr);
    }
    sleep_unless_stopped(interval);
  }
  std::printf("rotate daemon stopped\n");
  return 0;
}

}  // namespace

void add_rotate_command(CLI::App& app) {
  auto o = std::make_shared<RotateOptions>();
  auto* cmd = app.add_subcommand("rotate", "Drop partitions older than the retention period");
  cmd->add_option("--index", o->index, "Index location: sqlite:/dir or a MySQL DSN")->required();
  cmd->add_option("--retain", o->retain, "Keep this much history, e.g. 7d or 36h")->required();
  cmd->add_option("--add-future", o->add_future, "Also pre-create this many hourly partitions");
  cmd->add_flag("--daemon", o->daemon, "Keep running: rotate every --interval until SIGTERM");
  cmd->add_option("--interval", o->interval, "With --daemon: time between passes (default 1h)");
  cmd->callback([o] { exit_status() = run_rotate(*o); });
}

}  // namespace dbtrail::cli
