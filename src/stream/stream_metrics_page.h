// The /metrics page of `dbtrail stream`: StreamMetrics as Prometheus
// metric families (names, help, labels). The names are an interface that
// dashboards and alerts depend on: never rename one (docs/metrics.md).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "stream/stream_metrics.h"
#include "util/prometheus_text.h"

namespace dbtrail::stream {

// Reads `m` (safe while the stream runs) at now_ms (unix milliseconds, our
// clock: the ages are computed against it).
std::vector<MetricFamily> stream_metric_families(const StreamMetrics& m, int64_t now_ms);

// render_prometheus(stream_metric_families(m, now)) at the current time.
std::string render_stream_metrics(const StreamMetrics& m);

}  // namespace dbtrail::stream
