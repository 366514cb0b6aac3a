// open_store: picks the backend from the index location's form.
#include "index/mysql_store.h"
#include "index/store.h"

namespace dbtrail::index {

Result<std::unique_ptr<Store>> open_store(std::string_view location) {
  if (location.starts_with("sqlite:"))
    return make_error(ErrorCode::kUnsupported, "this build has no SQLite index backend yet");
  if (location.starts_with("mysql://") || location.starts_with("mariadb://") ||
      location.find("tcp(") != std::string_view::npos)
    return open_mysql_store(location);
  // Never echo the location: it may hold a password.
  return make_error(ErrorCode::kInvalidArgument,
                    "unknown index location; expected sqlite:/path/dir, "
                    "mysql://user:pass@host:port/db or user:pass@tcp(host:port)/db");
}

}  // namespace dbtrail::index
