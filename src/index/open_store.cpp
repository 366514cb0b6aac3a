// Index locations -> backends. One branch per scheme.
#include <memory>
#include <string>

#include "index/mysql_store.h"
#include "index/sqlite/sqlite_store.h"
#include "index/store.h"

namespace dbtrail::index {

namespace {

constexpr const char* kForms =
    "use sqlite:/path/to/dir for the embedded index, or mysql://user:pass@host:port/db or "
    "user:pass@tcp(host:port)/db for a MySQL/MariaDB index";

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

}  // namespace

Result<std::unique_ptr<Store>> open_store(std::string_view location) {
  if (starts_with(location, "sqlite:")) {
    std::string dir(location.substr(7));
    // Accept sqlite:///abs/dir as well as sqlite:/abs/dir and sqlite:rel/dir.
    if (starts_with(dir, "//")) dir = dir.substr(2);
    while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
    if (dir.empty()) {
      return make_error(ErrorCode::kInvalidArgument,
                        "the index location \"sqlite:\" names no directory; " + std::string(kForms));
    }
    return std::unique_ptr<Store>(std::make_unique<sqlite::SqliteStore>(dir));
  }
  if (starts_with(location, "mysql://") || starts_with(location, "mariadb://") ||
      location.find("@tcp(") != std::string_view::npos) {
    return open_mysql_store(location);
  }
  // Never echo the location: it may hold a password.
  return make_error(ErrorCode::kInvalidArgument,
                    "the index location is not in a form dbtrail knows; " + std::string(kForms));
}

}  // namespace dbtrail::index
