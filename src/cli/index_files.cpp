// `dbtrail index --index LOC --files F... | --all DIR`: binlog files on disk
// into the change index, exactly once (stream/file_indexer.h).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <set>

#include "cli/commands.h"
#include "cli/index_cli.h"
#include "cli/input_file.h"
#include "cli/schema_resolver.h"
#include "stream/file_indexer.h"

namespace dbtrail::cli {

namespace fs = std::filesystem;

namespace {

struct IndexOptions {
  std::string index;
  std::vector<std::string> files;
  std::string all;
  std::vector<std::string> schemas;
  std::vector<std::string> tables;
  size_t batch_size = 1000;
  std::string schema_from;
  bool no_verify = false;
};

// A binlog's name ends in a numeric extension: mysql-bin.000012 (or .gz of one).
bool looks_like_binlog(const std::string& name) {
  std::string n = name;
  if (n.size() > 3 && n.substr(n.size() - 3) == ".gz") n.resize(n.size() - 3);
  size_t dot = n.rfind('.');
  if (dot == std::string::npos || dot + 1 == n.size()) return false;
  return std::all_of(n.begin() + long(dot) + 1, n.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string stored_name(const std::string& path) {
  std::string n = fs::path(path).filename().string();
  if (n.size() > 3 && n.substr(n.size() - 3) == ".gz") n.resize(n.size() - 3);
  return n;
}

int run_index(const IndexOptions& o) {
  if (o.files.empty() == o.all.empty()) {
    return report(make_error(ErrorCode::kInvalidArgument,
                             "give either --files F... or --all DIR (exactly one of them)"));
  }
  if (o.batch_size == 0) {
    return report(make_error(ErrorCode::kInvalidArgument, "--batch-size must be at least 1"));
  }
  std::vector<std::string> files = o.files;
  if (!o.all.empty()) {
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(o.all, ec)) {
      if (e.is_regular_file() && looks_like_binlog(e.path().filename().string())) {
        files.push_back(e.path().string());
      }
    }
    if (ec) {
      return report(make_error(ErrorCode::kNotFound,
                               "cannot list --all " + o.all + ": " + ec.message()));
    }
    std::sort(files.begin(), files.end());
    if (files.empty()) {
      return report(make_error(ErrorCode::kNotFound, "no binlog files (NAME.NNNNNN) in " + o.all));
    }
  }
  auto store = open_index(o.index);
  if (!store.ok()) return report(store.error());
  if (Status s = store.value()->init(); !s.ok()) return report(s.error());

  stream::FileIndexOptions fo;
  fo.schemas.insert(o.schemas.begin(), o.schemas.end());
  fo.tables.insert(o.tables.begin(), o.tables.end());
  for (const auto& t : o.tables) {
    if (t.find('.') == std::string::npos) {
      return report(make_error(ErrorCode::kInvalidArgument,
                               "--tables entry \"" + t + "\" needs the form db.table"));
    }
  }
  fo.batch_size = o.batch_size;
  fo.verify_checksums = !o.no_verify;
  // Stored schema versions (`dbtrail snapshot`) name the columns when there
  // are any; --schema-from then only fills in what a DDL's text cannot say.
  std::unique_ptr<mysql::Connection> live;
  auto tracker = stream::SchemaTracker::load(*store.value(), nullptr);
  if (!tracker.ok()) return report(tracker.error());
  if (!tracker.value()->empty() && !o.schema_from.empty()) {
    auto d = mysql::parse_dsn(o.schema_from);
    if (!d.ok()) return report(make_error(d.error().code, "--schema-from: " + d.error().message));
    auto c = mysql::Connection::open(*d);
    if (!c.ok()) return report(make_error(c.error().code, "--schema-from: " + c.error().message));
    live = std::move(c.value());
    auto t = stream::SchemaTracker::load(*store.value(), live.get());
    if (!t.ok()) return report(t.error());
    tracker = std::move(t);
  }
  if (!tracker.value()->empty()) fo.schema = tracker.value().get();
  std::unique_ptr<SchemaResolver> resolver;
  if (!o.schema_from.empty() && !fo.schema) {
    auto r = SchemaResolver::connect(o.schema_from);
    if (!r.ok()) return report(make_error(r.error().code, "--schema-from: " + r.error().message));
    resolver = std::move(r.value());
    fo.table_resolver = [&resolver](binlog::TableMap& t) { resolver->resolve(t); };
  }
  stream::FileIndexer indexer(*store.value(), fo);
  uint64_t total = 0;
  auto t0 = std::chrono::steady_clock::now();
  for (const auto& path : files) {
    auto in = InputFile::open(path);
    if (!in.ok()) return report(in.error());
    std::string_view data = in.value().data();
    binlog::Bytes bytes(reinterpret_cast<const uint8_t*>(data.data()), data.size());
    auto r = indexer.index_file(stored_name(path), bytes);
    if (!r.ok()) return report(r.error());
    total += r.value().rows_indexed;
    if (r.value().already_done) {
      std::printf("%s: already indexed (%llu row changes), skipped\n", stored_name(path).c_str(),
                  static_cast<unsigned long long>(r.value().rows_skipped));
    } else {
      std::printf("%s: %llu row changes indexed%s\n", stored_name(path).c_str(),
                  static_cast<unsigned long long>(r.value().rows_indexed),
                  r.value().rows_skipped
                      ? (" (" + std::to_string(r.value().rows_skipped) + " were already indexed)").c_str()
                      : "");
    }
  }
  if (fo.schema && fo.schema->versions_created()) {
    std::printf("%u new schema version(s) from DDL in the binlog\n", fo.schema->versions_created());
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::fprintf(stderr, "indexed %llu row changes in %.2f s (%.0f/s)\n",
               static_cast<unsigned long long>(total), secs, secs > 0 ? double(total) / secs : 0.0);
  return 0;
}

}  // namespace

void add_index_command(CLI::App& app) {
  auto o = std::make_shared<IndexOptions>();
  auto* cmd = app.add_subcommand("index", "Index binlog files on disk into the change index");
  cmd->add_option("--index", o->index, "Index location: sqlite:/path/to/dir")->required();
  cmd->add_option("--files", o->files, "Binlog files (.gz allowed)");
  cmd->add_option("--all", o->all, "Index every binlog file (NAME.NNNNNN) in this directory");
  cmd->add_option("--schemas", o->schemas, "Only these schemas (comma-separated)")->delimiter(',');
  cmd->add_option("--tables", o->tables, "Only these tables, as db.table (comma-separated)")
      ->delimiter(',');
  cmd->add_option("--batch-size", o->batch_size, "Row changes per index transaction (default 1000)");
  cmd->add_option("--schema-from", o->schema_from,
                  "DSN of a live server to name columns and find primary keys when the binlog "
                  "lacks binlog_row_metadata=FULL and the index holds no schema snapshot; with "
                  "a snapshot, asked for tables a DDL's text cannot describe");
  cmd->add_flag("--no-verify-checksum", o->no_verify, "Do not check CRC32 trailers");
  cmd->callback([o] { exit_status() = run_index(*o); });
}

}  // namespace dbtrail::cli
