// Prometheus text exposition format (version 0.0.4): metric families in,
// the body of a GET /metrics out. Knows nothing of what is measured.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace dbtrail {

// The Content-Type header of a rendered page.
inline constexpr const char* kPrometheusContentType = "text/plain; version=0.0.4; charset=utf-8";

enum class MetricType { kCounter, kGauge };

struct MetricSample {
  std::vector<std::pair<std::string, std::string>> labels;  // name, value (any UTF-8)
  // Counters stay exact integers (a double loses them above 2^53). A double
  // may be NaN (unknown) or infinite.
  std::variant<uint64_t, double> value;
};

struct MetricFamily {
  std::string name;  // [a-zA-Z_:][a-zA-Z0-9_:]*; counters end in _total
  std::string help;  // one sentence (any UTF-8)
  MetricType type = MetricType::kGauge;
  std::vector<MetricSample> samples;
};

// "# HELP", "# TYPE" and one line per sample, family by family in the order
// given; label values and help text escaped as the format requires. Names
// are not checked: they are the program's own, not input (see
// valid_metric_name for tests).
std::string render_prometheus(const std::vector<MetricFamily>& families);

// True if `name` may be a metric name ([a-zA-Z_:][a-zA-Z0-9_:]*).
bool valid_metric_name(const std::string& name);

}  // namespace dbtrail
