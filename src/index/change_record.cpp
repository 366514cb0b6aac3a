#include "index/change_record.h"

#include "index/store.h"

namespace dbtrail::index {

const char* change_type_name(ChangeType t) {
  switch (t) {
    case ChangeType::kInsert: return "INSERT";
    case ChangeType::kUpdate: return "UPDATE";
    case ChangeType::kDelete: return "DELETE";
  }
  return "UNKNOWN";
}

namespace {
Error no_file_progress() {
  return make_error(ErrorCode::kUnsupported,
                    "this index backend does not keep per-file progress; index binlog files into an "
                    "embedded index (sqlite:/dir) instead");
}
}  // namespace

// Defaults so a backend that only streams need not implement file indexing.
Status Store::write_file_batch(std::vector<ChangeRecord>&, const FileProgress&) {
  return no_file_progress();
}
Result<std::optional<FileProgress>> Store::load_file_progress(std::string_view) {
  return no_file_progress();
}
Result<std::vector<FileProgress>> Store::file_progress() { return no_file_progress(); }

}  // namespace dbtrail::index
