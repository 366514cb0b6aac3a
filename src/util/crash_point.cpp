#include "util/crash_point.h"

#include <csignal>
#include <cstdlib>
#include <cstring>
#include <string>

namespace dbtrail {

namespace {

struct Armed {
  std::string name;  // empty: no crash point armed
  long remaining = 0;
};

Armed parse_env() {
  Armed a;
  const char* v = std::getenv("DBTRAIL_CRASH_AT");
  if (!v || !*v) return a;
  const char* colon = std::strrchr(v, ':');
  a.name = colon ? std::string(v, colon) : std::string(v);
  a.remaining = colon ? std::strtol(colon + 1, nullptr, 10) : 1;
  if (a.remaining < 1) a.remaining = 1;
  return a;
}

}  // namespace

void crash_point(const char* name) {
  static Armed armed = parse_env();
  if (armed.name.empty() || armed.name != name) return;
  if (--armed.remaining == 0) std::raise(SIGKILL);
}

}  // namespace dbtrail
