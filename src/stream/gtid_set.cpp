#include "stream/gtid_set.h"

#include <algorithm>
#include <charconv>

namespace dbtrail::stream {
namespace {

bool parse_u64(std::string_view s, uint64_t& out) {
  if (s.empty()) return false;
  auto r = std::from_chars(s.data(), s.data() + s.size(), out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\n')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\n')) s.remove_suffix(1);
  return s;
}

Error bad(std::string_view what) {
  return make_error(ErrorCode::kInvalidArgument,
                    "'" + std::string(what) +
                        "' is not a GTID: expected MariaDB domain-server-seq (0-1-5) or MySQL "
                        "uuid:n / uuid:a-b");
}

}  // namespace

Result<GtidSet> GtidSet::parse(std::string_view text) {
  GtidSet set;
  std::string_view rest = text;
  while (!rest.empty()) {
    size_t comma = rest.find(',');
    std::string_view item = trim(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    if (item.empty()) continue;
    if (item.find(':') == std::string_view::npos) {
      DBT_TRY(set.add(item));
      continue;
    }
    // uuid[:tag]:interval[:interval...]; intervals start with a digit, a tag never does.
    size_t colon = item.find(':');
    std::string sid(item.substr(0, colon));
    std::string_view ivs = item.substr(colon + 1);
    while (!ivs.empty()) {
      size_t c = ivs.find(':');
      std::string_view iv = ivs.substr(0, c);
      ivs = c == std::string_view::npos ? std::string_view() : ivs.substr(c + 1);
      if (!iv.empty() && !(iv[0] >= '0' && iv[0] <= '9')) {
        sid = std::string(item.substr(0, colon)) + ":" + std::string(iv);  // a tag
        continue;
      }
      size_t dash = iv.find('-');
      uint64_t a = 0, b = 0;
      if (!parse_u64(iv.substr(0, dash), a)) return bad(item);
      b = a;
      if (dash != std::string_view::npos && !parse_u64(iv.substr(dash + 1), b)) return bad(item);
      if (b < a) return bad(item);
      DBT_TRY(set.add_mysql_interval(sid, a, b));
    }
  }
  if (!set.maria_.empty() && !set.mysql_.empty()) {
    return make_error(ErrorCode::kInvalidArgument,
                      "GTID set '" + std::string(text) +
                          "' mixes MariaDB and MySQL notation; one source uses one of them");
  }
  return set;
}

Status GtidSet::add(std::string_view gtid) {
  gtid = trim(gtid);
  if (gtid.empty()) return {};
  size_t colon = gtid.rfind(':');
  if (colon != std::string_view::npos) {
    uint64_t n = 0;
    if (!parse_u64(gtid.substr(colon + 1), n) || colon == 0) return bad(gtid);
    return add_mysql_interval(std::string(gtid.substr(0, colon)), n, n);
  }
  size_t d1 = gtid.find('-');
  size_t d2 = d1 == std::string_view::npos ? d1 : gtid.find('-', d1 + 1);
  uint64_t domain = 0, server = 0, seq = 0;
  if (d2 == std::string_view::npos || !parse_u64(gtid.substr(0, d1), domain) ||
      !parse_u64(gtid.substr(d1 + 1, d2 - d1 - 1), server) ||
      !parse_u64(gtid.substr(d2 + 1), seq) || domain > UINT32_MAX || server > UINT32_MAX) {
    return bad(gtid);
  }
  // Within a domain sequence numbers only grow, so the newest one stands for all.
  maria_[static_cast<uint32_t>(domain)] = {static_cast<uint32_t>(server), seq};
  return {};
}

Status GtidSet::add_mysql_interval(std::string_view sid, uint64_t first, uint64_t last) {
  auto& v = mysql_[std::string(sid)];
  // Fast path: the next transaction of a source extends its last interval.
  if (!v.empty() && v.back().first <= first && first <= v.back().second + 1) {
    v.back().second = std::max(v.back().second, last);
    return {};
  }
  // Otherwise insert in start order and merge neighbours that overlap or touch.
  auto it = std::lower_bound(v.begin(), v.end(), std::make_pair(first, last));
  v.insert(it, {first, last});
  std::vector<std::pair<uint64_t, uint64_t>> merged;
  merged.reserve(v.size());
  for (const auto& iv : v) {
    if (!merged.empty() && iv.first <= merged.back().second + 1) {
      merged.back().second = std::max(merged.back().second, iv.second);
    } else {
      merged.push_back(iv);
    }
  }
  v = std::move(merged);
  return {};
}

std::string GtidSet::to_string() const {
  std::string out;
  for (const auto& [domain, sv] : maria_) {
    if (!out.empty()) out += ',';
    out +=
        std::to_string(domain) + "-" + std::to_string(sv.first) + "-" + std::to_string(sv.second);
  }
  for (const auto& [sid, ivs] : mysql_) {
    if (!out.empty()) out += ',';
    out += sid;
    for (const auto& [a, b] : ivs) {
      out += ':' + std::to_string(a);
      if (b != a) out += '-' + std::to_string(b);
    }
  }
  return out;
}

}  // namespace dbtrail::stream
