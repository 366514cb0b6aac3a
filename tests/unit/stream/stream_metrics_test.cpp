// The definitions of the two computed gauges (stream_metrics.h), case by case.
#include "stream/stream_metrics.h"

#include <gtest/gtest.h>

#include <cmath>

namespace dbtrail::stream {
namespace {

TEST(StreamMetrics, NothingKnownYetIsNaN) {
  StreamMetrics m;
  EXPECT_TRUE(std::isnan(checkpoint_age_seconds(m, 5000)));
  EXPECT_TRUE(std::isnan(replication_lag_seconds(m, 5000)));
}

TEST(StreamMetrics, CheckpointAgeIsMillisecondsSinceTheWrite) {
  StreamMetrics m;
  m.last_checkpoint_ms = 1'000;
  EXPECT_DOUBLE_EQ(checkpoint_age_seconds(m, 3'500), 2.5);
  EXPECT_DOUBLE_EQ(checkpoint_age_seconds(m, 1'000), 0);
  EXPECT_DOUBLE_EQ(checkpoint_age_seconds(m, 900), 0) << "a clock step back reads as 0";
}

TEST(StreamMetrics, LagOfPendingEventsIsTheOldestOnesAge) {
  StreamMetrics m;
  m.indexed_event_time = 50;
  m.pending_since = 100;
  m.source_idle = true;  // a heartbeat while rows wait for the checkpoint: still behind
  EXPECT_DOUBLE_EQ(replication_lag_seconds(m, 105'000), 5);
}

TEST(StreamMetrics, CaughtUpAtAHeartbeatIsZeroHoweverOldTheLastEvent) {
  StreamMetrics m;
  m.indexed_event_time = 100;
  m.source_idle = true;
  EXPECT_DOUBLE_EQ(replication_lag_seconds(m, 9'000'000), 0);
}

TEST(StreamMetrics, DurableButNotHeardIdleIsTheNewestIndexedEventsAge) {
  StreamMetrics m;
  m.indexed_event_time = 100;
  EXPECT_DOUBLE_EQ(replication_lag_seconds(m, 130'000), 30);
}

TEST(StreamMetrics, SourceClockAheadReadsAsZero) {
  StreamMetrics m;
  m.pending_since = 200;
  EXPECT_DOUBLE_EQ(replication_lag_seconds(m, 100'000), 0);
}

TEST(StreamMetrics, ErrorKindsHaveStableNamesAndCountSeparately) {
  StreamMetrics m;
  m.count(StreamError::kStore);
  m.count(StreamError::kStore);
  m.count(StreamError::kDecode);
  EXPECT_EQ(m.errors_of(StreamError::kStore), 2u);
  EXPECT_EQ(m.errors_of(StreamError::kDecode), 1u);
  EXPECT_EQ(m.errors_of(StreamError::kConnection), 0u);
  EXPECT_STREQ(stream_error_name(StreamError::kConnection), "connection");
  EXPECT_STREQ(stream_error_name(StreamError::kDecode), "decode");
  EXPECT_STREQ(stream_error_name(StreamError::kStore), "store");
  EXPECT_STREQ(stream_error_name(StreamError::kSource), "source");
}

}  // namespace
}  // namespace dbtrail::stream
