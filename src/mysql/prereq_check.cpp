#include "mysql/prereq_check.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <map>
#include <set>
#include <utility>

namespace dbtrail::mysql {
namespace {

constexpr const char* kSystemSchemas = "('mysql','information_schema','performance_schema','sys')";

std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

std::string trim(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  size_t i = 0;
  while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
  return s.substr(i);
}

// `name` quoted as an identifier.
std::string ident(const std::string& name) {
  std::string q = "`";
  for (char c : name) {
    q += c;
    if (c == '`') q += '`';
  }
  return q + "`";
}

// "server's my.cnf" advice that follows every SET GLOBAL: a runtime change is
// lost at the next restart.
std::string persist(const std::string& setting) {
  return "; also set " + setting + " under [mysqld] in my.cnf so it survives a restart";
}

using Vars = std::map<std::string, std::string>;

Result<Vars> global_variables(Connection& c) {
  auto rows = c.query(
      "SHOW GLOBAL VARIABLES WHERE Variable_name IN ('log_bin','binlog_format',"
      "'binlog_row_image','binlog_row_metadata','expire_logs_days',"
      "'binlog_expire_logs_seconds','gtid_mode','enforce_gtid_consistency',"
      "'gtid_binlog_pos','server_id','binlog_checksum')");
  if (!rows.ok()) return rows.error();
  Vars v;
  for (const auto& r : *rows)
    if (r.size() >= 2 && r[0]) v[*r[0]] = r[1].value_or("");
  return v;
}

std::string get(const Vars& v, const std::string& k) {
  auto it = v.find(k);
  return it == v.end() ? std::string() : it->second;
}

// "a.b, c.d (and 3 more)" from schema/table rows.
std::string list_tables(const std::vector<Row>& rows, size_t max, bool with_engine) {
  std::string s;
  for (size_t i = 0; i < rows.size() && i < max; ++i) {
    if (i) s += ", ";
    s += rows[i][0].value_or("") + "." + rows[i][1].value_or("");
    if (with_engine) s += " (" + rows[i][2].value_or("no engine") + ")";
  }
  if (rows.size() > max) s += " and " + std::to_string(rows.size() - max) + " more";
  return s;
}

// Fix statements for the first `max` tables, one per line.
std::string table_fixes(const std::vector<Row>& rows, size_t max, const std::string& tail) {
  std::string s;
  for (size_t i = 0; i < rows.size() && i < max; ++i) {
    if (i) s += "\n";
    s += "ALTER TABLE " + ident(rows[i][0].value_or("")) + "." + ident(rows[i][1].value_or("")) +
         tail;
  }
  return s;
}

CheckItem check_server(const Connection& c) {
  CheckItem it{"server", CheckLevel::kPass, c.server_description(), ""};
  unsigned long v = c.server_version();
  if (c.server_is_mariadb()) {
    if (v < 100500) {
      it.level = CheckLevel::kWarn;
      it.detail +=
          ": MariaDB before 10.5 is not supported (no binlog_row_metadata, old GTID list format)";
      it.fix = "upgrade to MariaDB 10.5 or later";
    } else {
      it.detail += " (supported: MariaDB 10.5+)";
    }
  } else if (v >= 80000) {
    it.detail += " (supported: MySQL 8.0, 8.4, 9.x)";
  } else if (v >= 50700) {
    it.level = CheckLevel::kWarn;
    it.detail += ": MySQL 5.7 is supported on a best-effort basis (no binlog_row_metadata)";
    it.fix = "upgrade to MySQL 8.0 or later";
  } else {
    it.level = CheckLevel::kFail;
    it.detail += ": MySQL before 5.7 cannot write the binlog dbtrail reads";
    it.fix = "upgrade to MySQL 8.0 or later";
  }
  return it;
}

CheckItem check_log_bin(const Vars& v) {
  std::string val = upper(get(v, "log_bin"));
  if (val == "ON" || val == "1") return {"log_bin", CheckLevel::kPass, "binary logging is ON", ""};
  return {"log_bin", CheckLevel::kFail,
          "binary logging is " + (val.empty() ? std::string("unknown") : val) +
              "; dbtrail reads changes from the binary log",
          "log_bin cannot be turned on at runtime: add log_bin=mysql-bin and server_id=1 under "
          "[mysqld] in my.cnf and restart the server"};
}

CheckItem check_server_id(const Vars& v) {
  std::string id = get(v, "server_id");
  if (!id.empty() && id != "0") return {"server_id", CheckLevel::kPass, "server_id is " + id, ""};
  return {"server_id", CheckLevel::kFail,
          "server_id is 0; the source refuses replicas (dbtrail streams as one)",
          "SET GLOBAL server_id = 1" + persist("server_id=1")};
}

CheckItem check_format(const Vars& v) {
  std::string val = upper(get(v, "binlog_format"));
  if (val == "ROW") return {"binlog_format", CheckLevel::kPass, "binlog_format is ROW", ""};
  return {"binlog_format", CheckLevel::kFail,
          "binlog_format is " + val + "; only ROW events carry the changed rows",
          "SET GLOBAL binlog_format = 'ROW'" + persist("binlog_format=ROW") +
              " (open sessions keep the old format until they reconnect)"};
}

CheckItem check_row_image(const Vars& v) {
  std::string val = upper(get(v, "binlog_row_image"));
  if (val == "FULL") return {"binlog_row_image", CheckLevel::kPass, "binlog_row_image is FULL", ""};
  return {"binlog_row_image", CheckLevel::kFail,
          "binlog_row_image is " + val +
              "; dbtrail needs every column before and after each change to build "
              "reversal SQL",
          "SET GLOBAL binlog_row_image = 'FULL'" + persist("binlog_row_image=FULL")};
}

CheckItem check_row_metadata(const Vars& v) {
  auto it = v.find("binlog_row_metadata");
  if (it == v.end()) {
    return {"binlog_row_metadata", CheckLevel::kWarn,
            "this server does not write column names into the binlog (no binlog_row_metadata); "
            "names come from schema snapshots, so take one before each DDL",
            "upgrade to MySQL 8.0.1+ or MariaDB 10.5+ and set binlog_row_metadata=FULL"};
  }
  std::string val = upper(it->second);
  if (val == "FULL") {
    return {"binlog_row_metadata", CheckLevel::kPass,
            "binlog_row_metadata is FULL (column names travel with each row)", ""};
  }
  return {"binlog_row_metadata", CheckLevel::kWarn,
          "binlog_row_metadata is " + val +
              "; column names then come from schema snapshots, and a DDL between snapshots "
              "can mislabel columns",
          "SET GLOBAL binlog_row_metadata = 'FULL'" + persist("binlog_row_metadata=FULL")};
}

CheckItem check_retention(const Vars& v) {
  double seconds = 0;
  std::string secs = get(v, "binlog_expire_logs_seconds");
  std::string days = get(v, "expire_logs_days");
  if (!secs.empty() && std::atof(secs.c_str()) > 0) {
    seconds = std::atof(secs.c_str());
  } else if (!days.empty()) {
    seconds = std::atof(days.c_str()) * 86400;
  }
  const std::string fix = !secs.empty()
                              ? "SET GLOBAL binlog_expire_logs_seconds = 604800" +
                                    persist("binlog_expire_logs_seconds=604800")
                              : "SET GLOBAL expire_logs_days = 7" + persist("expire_logs_days=7");
  if (seconds <= 0) {
    return {"binlog_retention", CheckLevel::kPass,
            "binlogs are never purged automatically (keep an eye on disk space)", ""};
  }
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.1f", seconds / 3600);
  std::string hours = buf;
  if (seconds < 86400) {
    return {"binlog_retention", CheckLevel::kWarn,
            "binlogs are purged after " + hours +
                " h; a stream stopped for longer loses changes and must re-snapshot",
            fix};
  }
  std::snprintf(buf, sizeof buf, "%.1f", seconds / 86400);
  return {"binlog_retention", CheckLevel::kPass, std::string("binlogs are kept ") + buf + " days",
          ""};
}

CheckItem check_gtid(const Connection& c, const Vars& v) {
  if (c.server_is_mariadb()) {
    std::string pos = get(v, "gtid_binlog_pos");
    return {"gtid", CheckLevel::kPass,
            "MariaDB GTIDs are always on (gtid_binlog_pos '" + pos + "')", ""};
  }
  std::string mode = upper(get(v, "gtid_mode"));
  if (mode == "ON") return {"gtid", CheckLevel::kPass, "gtid_mode is ON", ""};
  return {"gtid", CheckLevel::kWarn,
          "gtid_mode is " + (mode.empty() ? std::string("unavailable") : mode) +
              "; streaming works by file/position, but resuming on another server after a "
              "failover needs GTIDs",
          "SET GLOBAL enforce_gtid_consistency = ON; SET GLOBAL gtid_mode = OFF_PERMISSIVE; "
          "SET GLOBAL gtid_mode = ON_PERMISSIVE; (wait until no anonymous transactions "
          "remain) SET GLOBAL gtid_mode = ON" +
              persist("gtid_mode=ON and enforce_gtid_consistency=ON")};
}

Result<CheckItem> check_engines(Connection& c, const CheckOptions& o) {
  auto rows =
      c.query(std::string("SELECT TABLE_SCHEMA, TABLE_NAME, ENGINE FROM information_schema.TABLES "
                          "WHERE TABLE_SCHEMA NOT IN ") +
              kSystemSchemas +
              " AND TABLE_TYPE = 'BASE TABLE' AND (ENGINE IS NULL OR ENGINE <> 'InnoDB') "
              "ORDER BY TABLE_SCHEMA, TABLE_NAME");
  if (!rows.ok()) return rows.error();
  if (rows->empty()) return CheckItem{"innodb", CheckLevel::kPass, "every table uses InnoDB", ""};
  return CheckItem{"innodb", CheckLevel::kFail,
                   std::to_string(rows->size()) +
                       " table(s) do not use InnoDB, so their changes are not transactional "
                       "and cannot be indexed exactly once: " +
                       list_tables(*rows, o.max_listed_tables, true),
                   table_fixes(*rows, o.max_listed_tables, " ENGINE=InnoDB;") +
                       "\n-- on large tables use pt-online-schema-change or gh-ost: ALTER "
                       "TABLE locks the table"};
}

Result<CheckItem> check_primary_keys(Connection& c, const CheckOptions& o) {
  // Primary keys from STATISTICS (index PRIMARY): MariaDB 10.11 hides
  // TABLE_CONSTRAINTS rows from an account with only global SELECT and
  // replication privileges, which made the product page's LEFT JOIN list
  // every table. Two plain queries and a difference here.
  auto tables =
      c.query(std::string("SELECT TABLE_SCHEMA, TABLE_NAME FROM information_schema.TABLES "
                          "WHERE TABLE_SCHEMA NOT IN ") +
              kSystemSchemas +
              " AND TABLE_TYPE = 'BASE TABLE' "
              "ORDER BY TABLE_SCHEMA, TABLE_NAME");
  if (!tables.ok()) return tables.error();
  auto keyed = c.query(std::string("SELECT DISTINCT TABLE_SCHEMA, TABLE_NAME FROM "
                                   "information_schema.STATISTICS WHERE INDEX_NAME = 'PRIMARY' "
                                   "AND TABLE_SCHEMA NOT IN ") +
                       kSystemSchemas);
  if (!keyed.ok()) return keyed.error();
  std::set<std::pair<std::string, std::string>> with_pk;
  for (const auto& r : *keyed) with_pk.emplace(r[0].value_or(""), r[1].value_or(""));
  std::vector<Row> missing;
  for (auto& r : *tables)
    if (!with_pk.count({r[0].value_or(""), r[1].value_or("")})) missing.push_back(std::move(r));
  if (missing.empty()) {
    return CheckItem{"primary_keys", CheckLevel::kPass, "every table has a primary key", ""};
  }
  return CheckItem{"primary_keys", CheckLevel::kFail,
                   std::to_string(missing.size()) +
                       " table(s) have no primary key, so their rows cannot be looked up or "
                       "reverted one by one: " +
                       list_tables(missing, o.max_listed_tables, false),
                   table_fixes(missing, o.max_listed_tables, " ADD PRIMARY KEY (column);") +
                       "\n-- on large tables use pt-online-schema-change or gh-ost: ALTER "
                       "TABLE locks the table"};
}

// Global privileges of the current account from SHOW GRANTS ("GRANT a, b ON
// *.* TO ..."). The lines are never echoed: they may hold a password hash.
Result<CheckItem> check_privileges(Connection& c) {
  auto who = c.query("SELECT CURRENT_USER()");
  if (!who.ok()) return who.error();
  std::string account = who->empty() ? "" : who->front()[0].value_or("");
  std::string user = account, host = "%";
  if (size_t at = account.rfind('@'); at != std::string::npos) {
    user = account.substr(0, at);
    host = account.substr(at + 1);
  }
  auto grants = c.query("SHOW GRANTS FOR CURRENT_USER()");
  if (!grants.ok()) return grants.error();
  std::set<std::string> privs;
  for (const auto& r : *grants) {
    std::string g = r.empty() ? "" : r[0].value_or("");
    std::string ug = upper(g);
    if (ug.rfind("GRANT ", 0) != 0) continue;
    size_t on = ug.find(" ON ");
    if (on == std::string::npos || ug.compare(on + 4, 4, "*.* ") != 0) continue;
    std::string list = ug.substr(6, on - 6);
    size_t start = 0;
    while (start <= list.size()) {
      size_t comma = list.find(',', start);
      privs.insert(
          trim(list.substr(start, comma == std::string::npos ? std::string::npos : comma - start)));
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  const bool all = privs.count("ALL PRIVILEGES") || privs.count("ALL");
  // MariaDB 10.5+ shows REPLICATION CLIENT as BINLOG MONITOR.
  const bool slave = all || privs.count("REPLICATION SLAVE");
  const bool client = all || privs.count("REPLICATION CLIENT") || privs.count("BINLOG MONITOR");
  const bool select = all || privs.count("SELECT");
  std::vector<std::string> missing;
  if (!slave) missing.push_back("REPLICATION SLAVE");
  if (!client) missing.push_back("REPLICATION CLIENT");
  if (!select) missing.push_back("SELECT");
  const std::string to = " ON *.* TO '" + user + "'@'" + host + "';";
  if (missing.empty()) {
    return CheckItem{"privileges", all ? CheckLevel::kWarn : CheckLevel::kPass,
                     all ? account +
                               " has ALL PRIVILEGES; a dedicated user with only "
                               "REPLICATION SLAVE, REPLICATION CLIENT and SELECT is safer"
                         : account + " has REPLICATION SLAVE, REPLICATION CLIENT and SELECT",
                     all ? "CREATE USER 'bintrail'@'%' IDENTIFIED BY '...'; GRANT REPLICATION "
                           "SLAVE, REPLICATION CLIENT, SELECT ON *.* TO 'bintrail'@'%';"
                         : ""};
  }
  std::string names, fix;
  for (size_t i = 0; i < missing.size(); ++i) names += (i ? ", " : "") + missing[i];
  return CheckItem{"privileges", CheckLevel::kFail,
                   account + " lacks " + names +
                       " on *.* (REPLICATION SLAVE to read the binlog, REPLICATION CLIENT for "
                       "positions, SELECT for schema snapshots)",
                   "GRANT " + names + to};
}

}  // namespace

const char* check_level_name(CheckLevel level) {
  switch (level) {
    case CheckLevel::kPass:
      return "pass";
    case CheckLevel::kWarn:
      return "warn";
    case CheckLevel::kFail:
      return "fail";
  }
  return "?";
}

size_t CheckReport::count(CheckLevel level) const {
  return static_cast<size_t>(std::count_if(
      items.begin(), items.end(), [level](const CheckItem& i) { return i.level == level; }));
}

Result<CheckReport> run_prereq_checks(Connection& conn, const CheckOptions& options) {
  CheckReport rep;
  rep.source = conn.dsn().redacted();
  rep.server = conn.server_description();
  auto vars = global_variables(conn);
  if (!vars.ok()) return vars.error();
  rep.items.push_back(check_server(conn));
  rep.items.push_back(check_log_bin(*vars));
  rep.items.push_back(check_server_id(*vars));
  rep.items.push_back(check_format(*vars));
  rep.items.push_back(check_row_image(*vars));
  rep.items.push_back(check_row_metadata(*vars));
  auto engines = check_engines(conn, options);
  if (!engines.ok()) return engines.error();
  rep.items.push_back(std::move(*engines));
  auto pks = check_primary_keys(conn, options);
  if (!pks.ok()) return pks.error();
  rep.items.push_back(std::move(*pks));
  auto privs = check_privileges(conn);
  if (!privs.ok()) return privs.error();
  rep.items.push_back(std::move(*privs));
  rep.items.push_back(check_retention(*vars));
  rep.items.push_back(check_gtid(conn, *vars));
  return rep;
}

}  // namespace dbtrail::mysql
