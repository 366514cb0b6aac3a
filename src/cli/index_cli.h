// What the index commands (init, index, query, status, rotate) share: one
// registration function per command and the error/exit convention.
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <string>

#include "index/store.h"
#include "util/result.h"

namespace dbtrail::cli {

void add_init_command(CLI::App& app);
void add_index_command(CLI::App& app);
void add_query_command(CLI::App& app);
void add_status_command(CLI::App& app);
void add_rotate_command(CLI::App& app);
void add_snapshot_command(CLI::App& app);  // cli/snapshot.cpp

// Prints "dbtrail: error: <message>" and returns the error's exit code.
int report(const Error& e);

// open_store for a command that needs an existing index.
Result<std::unique_ptr<index::Store>> open_index(const std::string& location);

}  // namespace dbtrail::cli
