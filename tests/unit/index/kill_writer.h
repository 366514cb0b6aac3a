// Kills a writer process at a random moment of its work, for the index's
// crash tests: the child writes batches forever and tells the parent after its
// first commit, so the kill lands in a later write however slow the machine is.
#pragma once

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <random>
#include <thread>

#include "util/result.h"

namespace dbtrail::testing {

// Forks; the child calls write_next(k) for k = first, first+1, ... until it
// fails (exit 3) or is killed. The parent waits for its first commit, sleeps
// up to max_ms (drawn from rng) and SIGKILLs it. True when it was killed by
// that signal; false (with a message on stderr) when the child stopped first.
template <typename First, typename WriteNext>
bool kill_writer_at_random(First first, WriteNext write_next, std::mt19937& rng, int max_ms) {
  int ready[2];
  if (pipe(ready) != 0) return false;
  pid_t pid = fork();
  if (pid == 0) {
    close(ready[0]);
    uint64_t k = first();
    for (bool told = false;; told = true) {
      if (Status st = write_next(++k); !st.ok()) {
        std::fprintf(stderr, "writer: %s\n", st.error().message.c_str());
        _exit(3);
      }
      if (!told) {
        char one = 1;
        if (write(ready[1], &one, 1) != 1) _exit(4);
      }
    }
  }
  close(ready[1]);
  char got = 0;
  const ssize_t n = read(ready[0], &got, 1);  // 0: the writer exited first
  close(ready[0]);
  if (n == 1) std::this_thread::sleep_for(std::chrono::milliseconds(rng() % max_ms));
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  if (n != 1) std::fprintf(stderr, "the writer died before its first commit\n");
  return n == 1 && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
}

}  // namespace dbtrail::testing
