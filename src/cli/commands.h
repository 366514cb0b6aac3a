// One function per CLI command family registers its subcommands on the app.
#pragma once

#include <CLI/CLI.hpp>

namespace dbtrail::cli {

// Exit code the chosen subcommand asks for (set by its callback).
int& exit_status();

void add_binlog_commands(CLI::App& app);
// init, index, query, status, rotate, snapshot: cli/index_cli.h.
void add_recover_commands(CLI::App& app);  // recover, reconstruct
void add_check_command(CLI::App& app);
// `binlog dump`, registered on the `binlog` subcommand.
void add_binlog_dump_command(CLI::App& binlog);
// `stream`: a live source into the index (stream/pipeline.h).
void add_stream_command(CLI::App& app);

// Registers the command argv names (its first argument not starting with
// '-'), or every command when it names none we know (`--help`, a typo):
// building the options of all commands is ~40% of a one-shot `query --pk`.
void add_commands(CLI::App& app, int argc, char** argv);

}  // namespace dbtrail::cli
