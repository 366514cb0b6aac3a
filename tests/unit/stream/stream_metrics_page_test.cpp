#include "stream/stream_metrics_page.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <set>
#include <string>

namespace dbtrail::stream {
namespace {

// name + labels -> the family it is in.
std::map<std::string, const MetricFamily*> by_name(const std::vector<MetricFamily>& fs) {
  std::map<std::string, const MetricFamily*> out;
  for (const auto& f : fs) out[f.name] = &f;
  return out;
}

double single(const MetricFamily& f) {
  EXPECT_EQ(f.samples.size(), 1u) << f.name;
  const auto& v = f.samples.at(0).value;
  if (auto* n = std::get_if<uint64_t>(&v)) return static_cast<double>(*n);
  return std::get<double>(v);
}

TEST(StreamMetricsPage, NamesFollowPrometheusConventions) {
  StreamMetrics m;
  auto fs = stream_metric_families(m, 0);
  std::set<std::string> seen;
  for (const auto& f : fs) {
    EXPECT_TRUE(valid_metric_name(f.name)) << f.name;
    EXPECT_TRUE(seen.insert(f.name).second) << "twice: " << f.name;
    EXPECT_EQ(f.name.rfind("dbtrail_stream_", 0), 0u) << f.name;
    bool total = f.name.size() > 6 && f.name.ends_with("_total");
    EXPECT_EQ(total, f.type == MetricType::kCounter) << f.name;
    EXPECT_FALSE(f.help.empty()) << f.name;
    EXPECT_FALSE(f.samples.empty()) << f.name;
  }
}

TEST(StreamMetricsPage, ReportsTheCountersAndGaugesItIsGiven) {
  StreamMetrics m;
  m.events_received = 400;
  m.rows_indexed = 100;
  m.batches_committed = 3;
  m.transactions_indexed = 101;
  m.reconnects = 2;
  m.count(stream::StreamError::kConnection);
  m.count(stream::StreamError::kConnection);
  m.last_checkpoint_ms = 1'000'000;
  m.last_event_time = 990;
  m.indexed_event_time = 990;
  m.pending_since = 995;
  auto fs = stream_metric_families(m, 1'001'500);
  auto f = by_name(fs);
  ASSERT_EQ(f.size(), fs.size());
  EXPECT_EQ(single(*f.at("dbtrail_stream_events_received_total")), 400);
  EXPECT_EQ(single(*f.at("dbtrail_stream_rows_indexed_total")), 100);
  EXPECT_EQ(single(*f.at("dbtrail_stream_batches_committed_total")), 3);
  EXPECT_EQ(single(*f.at("dbtrail_stream_transactions_indexed_total")), 101);
  EXPECT_EQ(single(*f.at("dbtrail_stream_reconnects_total")), 2);
  EXPECT_DOUBLE_EQ(single(*f.at("dbtrail_stream_checkpoint_age_seconds")), 1.5);
  EXPECT_DOUBLE_EQ(single(*f.at("dbtrail_stream_replication_lag_seconds")), 6.5);
  EXPECT_DOUBLE_EQ(single(*f.at("dbtrail_stream_last_event_timestamp_seconds")), 990);

  // Every kind present (a zero series makes rate() and alerts work from the start).
  std::string text = render_prometheus(fs);
  for (const char* line : {"dbtrail_stream_errors_total{kind=\"connection\"} 2\n",
                           "dbtrail_stream_errors_total{kind=\"decode\"} 0\n",
                           "dbtrail_stream_errors_total{kind=\"store\"} 0\n",
                           "dbtrail_stream_errors_total{kind=\"source\"} 0\n",
                           "# TYPE dbtrail_stream_errors_total counter\n"})
    EXPECT_NE(text.find(line), std::string::npos) << line << "\nin:\n" << text;
}

TEST(StreamMetricsPage, UnknownTimesAreNaNNotZero) {
  StreamMetrics m;
  std::string text = render_prometheus(stream_metric_families(m, 123'456));
  for (const char* line : {"\ndbtrail_stream_checkpoint_age_seconds NaN\n",
                           "\ndbtrail_stream_replication_lag_seconds NaN\n",
                           "\ndbtrail_stream_last_event_timestamp_seconds NaN\n"})
    EXPECT_NE(text.find(line), std::string::npos) << line << "\nin:\n" << text;
}

}  // namespace
}  // namespace dbtrail::stream
