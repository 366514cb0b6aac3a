#include "stream/stream_metrics_page.h"

#include <limits>

namespace dbtrail::stream {
namespace {

constexpr auto kRelaxed = StreamMetrics::kRelaxed;

MetricFamily counter(std::string name, std::string help, const std::atomic<uint64_t>& value) {
  return {std::move(name), std::move(help), MetricType::kCounter, {{{}, value.load(kRelaxed)}}};
}

MetricFamily gauge(std::string name, std::string help, double value) {
  return {std::move(name), std::move(help), MetricType::kGauge, {{{}, value}}};
}

// A unix time in seconds, NaN while unknown (stored as 0).
double unix_seconds(const std::atomic<int64_t>& t) {
  int64_t v = t.load(kRelaxed);
  return v == 0 ? std::numeric_limits<double>::quiet_NaN() : static_cast<double>(v);
}

}  // namespace

std::vector<MetricFamily> stream_metric_families(const StreamMetrics& m, int64_t now_ms) {
  std::vector<MetricFamily> out;
  out.push_back(counter("dbtrail_stream_events_received_total",
                        "Binlog events read from the source (heartbeats excluded; events read "
                        "again after a reconnect count again).",
                        m.events_received));
  out.push_back(counter("dbtrail_stream_rows_indexed_total",
                        "Row changes committed to the change index.", m.rows_indexed));
  out.push_back(counter("dbtrail_stream_batches_committed_total",
                        "Index transactions committed, each a batch of rows with its checkpoint.",
                        m.batches_committed));
  out.push_back(counter("dbtrail_stream_transactions_indexed_total",
                        "Source transactions covered by durable checkpoints (including those "
                        "whose rows the filters dropped).",
                        m.transactions_indexed));
  out.push_back(counter("dbtrail_stream_reconnects_total",
                        "Times the stream reconnected to the source after losing it.",
                        m.reconnects));
  MetricFamily errors{"dbtrail_stream_errors_total",
                      "Errors by kind: connection (retried), decode, store, source (refused "
                      "checkpoint); all but connection stop the stream.",
                      MetricType::kCounter,
                      {}};
  for (size_t k = 0; k < kStreamErrorKinds; ++k) {
    auto kind = static_cast<StreamError>(k);
    errors.samples.push_back({{{"kind", stream_error_name(kind)}}, m.errors_of(kind)});
  }
  out.push_back(std::move(errors));
  out.push_back(gauge("dbtrail_stream_checkpoint_age_seconds",
                      "Seconds since the last durable checkpoint was written (grows while the "
                      "source is idle); NaN before the first.",
                      checkpoint_age_seconds(m, now_ms)));
  out.push_back(gauge("dbtrail_stream_replication_lag_seconds",
                      "Seconds the indexed position is behind the source: now minus the source "
                      "time of the oldest event not yet durable, 0 when caught up at a "
                      "heartbeat; NaN until the source is heard (docs/metrics.md).",
                      replication_lag_seconds(m, now_ms)));
  out.push_back(gauge("dbtrail_stream_last_event_timestamp_seconds",
                      "Source time (binlog header, unix seconds) of the newest event read; NaN "
                      "before the first.",
                      unix_seconds(m.last_event_time)));
  return out;
}

std::string render_stream_metrics(const StreamMetrics& m) {
  return render_prometheus(stream_metric_families(m, unix_now_ms()));
}

}  // namespace dbtrail::stream
