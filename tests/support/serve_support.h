// Helpers for end-to-end tests over HTTP: a free local port, a `maillage serve` child process,
// and GET requests that fail the test (instead of crashing) when the request itself fails.
#pragma once

#include <httplib.h>
#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

namespace maillage::testing {

// A TCP port of 127.0.0.1 that was free a moment ago.
int free_port();

// `maillage serve --db DB --port PORT [EXTRA...]` in a child process (output discarded), stopped
// with SIGTERM at destruction.
class ServeProcess {
 public:
  ServeProcess(const std::filesystem::path& db, int port, std::vector<std::string> extra = {});
  ~ServeProcess();
  ServeProcess(const ServeProcess&) = delete;
  ServeProcess& operator=(const ServeProcess&) = delete;
  // Waits until /api/v1/sante answers 200 (up to 3 minutes: a sanitizer build on a busy
  // machine loads the bundled dataset slowly). False when it never does or the child died.
  bool wait_ready();
  // True while the child process is running (it did not crash).
  bool alive();
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_;
  int port_;
};

// GET `path` with `headers`; an empty Response (status -1) and a test failure when the request
// could not be made.
httplib::Response get(httplib::Client& c, const std::string& path,
                      const httplib::Headers& headers = {});

}  // namespace maillage::testing
