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

Armed& armed() {
  static Armed a = parse_env();
  return a;
}

}  // namespace

void crash_point(const char* name) {
  Armed& a = armed();
  if (a.name.empty() || a.name != name) return;
  if (--a.remaining == 0) std::raise(SIGKILL);
}

void arm_crash_point(std::string name, long nth) {
  armed() = Armed{std::move(name), nth < 1 ? 1 : nth};
}

}  // namespace dbtrail
