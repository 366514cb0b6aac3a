#include "util/prometheus_text.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace dbtrail {
namespace {

TEST(PrometheusText, CounterWithHelpTypeAndExactValue) {
  MetricFamily f{"x_total", "Things counted.", MetricType::kCounter, {{{}, uint64_t{42}}}};
  EXPECT_EQ(render_prometheus({f}),
            "# HELP x_total Things counted.\n"
            "# TYPE x_total counter\n"
            "x_total 42\n");
}

TEST(PrometheusText, CountersAbove2To53StayExact) {
  MetricFamily f{"big_total", "h", MetricType::kCounter, {{{}, uint64_t{18446744073709551615u}}}};
  EXPECT_NE(render_prometheus({f}).find("\nbig_total 18446744073709551615\n"), std::string::npos);
}

TEST(PrometheusText, GaugeDoublesNaNAndInfinities) {
  MetricFamily f{"g", "h", MetricType::kGauge, {}};
  for (double v :
       {0.25, 3.0, -1.5, 1e21, std::numeric_limits<double>::quiet_NaN(),
        std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity()})
    f.samples.push_back({{}, v});
  EXPECT_EQ(render_prometheus({f}),
            "# HELP g h\n# TYPE g gauge\n"
            "g 0.25\ng 3\ng -1.5\ng 1e+21\ng NaN\ng +Inf\ng -Inf\n");
}

TEST(PrometheusText, LabelsInOrderWithQuotesBackslashesAndNewlinesEscaped) {
  MetricFamily f{"e_total", "h", MetricType::kCounter, {}};
  f.samples.push_back({{{"kind", "a\"b"}, {"path", "c:\\d\ne"}}, uint64_t{1}});
  f.samples.push_back({{{"kind", "plain"}}, uint64_t{0}});
  EXPECT_EQ(render_prometheus({f}),
            "# HELP e_total h\n# TYPE e_total counter\n"
            "e_total{kind=\"a\\\"b\",path=\"c:\\\\d\\ne\"} 1\n"
            "e_total{kind=\"plain\"} 0\n");
}

TEST(PrometheusText, HelpEscapesBackslashAndNewlineButNotQuotes) {
  MetricFamily f{"g", "say \"x\"\\y\nz", MetricType::kGauge, {}};
  EXPECT_EQ(render_prometheus({f}), "# HELP g say \"x\"\\\\y\\nz\n# TYPE g gauge\n");
}

TEST(PrometheusText, FamiliesKeepTheirOrder) {
  std::vector<MetricFamily> fs = {{"b", "1", MetricType::kGauge, {{{}, 1.0}}},
                                  {"a", "2", MetricType::kGauge, {{{}, 2.0}}}};
  EXPECT_EQ(render_prometheus(fs),
            "# HELP b 1\n# TYPE b gauge\nb 1\n# HELP a 2\n# TYPE a gauge\na 2\n");
}

TEST(PrometheusText, MetricNames) {
  EXPECT_TRUE(valid_metric_name("dbtrail_stream_rows_indexed_total"));
  EXPECT_TRUE(valid_metric_name("_x:y9"));
  EXPECT_FALSE(valid_metric_name(""));
  EXPECT_FALSE(valid_metric_name("9x"));
  EXPECT_FALSE(valid_metric_name("rows-indexed"));
  EXPECT_FALSE(valid_metric_name("rows indexed"));
}

}  // namespace
}  // namespace dbtrail
