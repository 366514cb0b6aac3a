#include "stream/stream_metrics.h"

#include <algorithm>
#include <chrono>
#include <limits>

namespace dbtrail::stream {
namespace {

constexpr double kUnknown = std::numeric_limits<double>::quiet_NaN();

double seconds_since(int64_t then_ms, int64_t now_ms) {
  return std::max<double>(0, static_cast<double>(now_ms - then_ms) / 1000);
}

}  // namespace

int64_t unix_now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

const char* stream_error_name(StreamError e) {
  switch (e) {
    case StreamError::kConnection:
      return "connection";
    case StreamError::kDecode:
      return "decode";
    case StreamError::kStore:
      return "store";
    case StreamError::kSource:
      return "source";
  }
  return "unknown";
}

double checkpoint_age_seconds(const StreamMetrics& m, int64_t now_ms) {
  int64_t at = m.last_checkpoint_ms.load(StreamMetrics::kRelaxed);
  return at == 0 ? kUnknown : seconds_since(at, now_ms);
}

double replication_lag_seconds(const StreamMetrics& m, int64_t now_ms) {
  if (int64_t oldest = m.pending_since.load(StreamMetrics::kRelaxed); oldest != 0)
    return seconds_since(oldest * 1000, now_ms);
  if (m.source_idle.load(StreamMetrics::kRelaxed)) return 0;
  if (int64_t newest = m.indexed_event_time.load(StreamMetrics::kRelaxed); newest != 0)
    return seconds_since(newest * 1000, now_ms);
  return kUnknown;
}

}  // namespace dbtrail::stream
