// The /metrics page of `dbtrail stream`: stream::StreamMetrics as Prometheus
// metric families (names, help, labels). The names are an interface that
// dashboards and alerts depend on: never rename one (docs/metrics.md).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "api/prometheus_text.h"
#include "stream/stream_metrics.h"

namespace dbtrail::api {

// Reads `m` (safe while the stream runs) at now_ms (unix milliseconds, our
// clock: the ages are computed against it).
std::vector<MetricFamily> stream_metric_families(const stream::StreamMetrics& m, int64_t now_ms);

// render_prometheus(stream_metric_families(m, now)) at the current time.
std::string render_stream_metrics(const stream::StreamMetrics& m);

}  // namespace dbtrail::api
