#include "mysql/local_infile.h"

#include <algorithm>
#include <cstdio>
#include <cstring>

namespace dbtrail::mysql {
namespace {

// The library calls init with the name the server sent; *ptr is what the
// other callbacks get (also on failure, for error()).
int infile_init(void** ptr, const char* filename, void* userdata) {
  auto* src = static_cast<LocalInfileSource*>(userdata);
  *ptr = src;
  if (!src->armed || filename == nullptr || LocalInfileSource::kFileName != filename) return 1;
  src->offset = 0;
  return 0;
}

int infile_read(void* ptr, char* buf, unsigned int buf_len) {
  auto* src = static_cast<LocalInfileSource*>(ptr);
  const size_t n = std::min<size_t>(buf_len, src->data.size() - src->offset);
  std::memcpy(buf, src->data.data() + src->offset, n);
  src->offset += n;
  return static_cast<int>(n);
}

void infile_end(void*) {}

int infile_error(void* ptr, char* msg, unsigned int msg_len) {
  auto* src = static_cast<LocalInfileSource*>(ptr);
  std::snprintf(msg, msg_len, "%s",
                src->armed ? "the server asked for another file than the statement named"
                           : "the server asked for a local file; this client sends none");
  return 2068;  // CR_LOAD_DATA_LOCAL_INFILE_REJECTED
}

}  // namespace

void install_local_infile_handler(MYSQL* db, LocalInfileSource* source) {
  mysql_set_local_infile_handler(db, infile_init, infile_read, infile_end, infile_error, source);
}

}  // namespace dbtrail::mysql
