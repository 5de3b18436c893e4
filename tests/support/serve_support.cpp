#include "support/serve_support.h"

#include <algorithm>

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "support/test_support.h"

namespace maillage::testing {

int free_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

ServeProcess::ServeProcess(const std::filesystem::path& db, int port,
                           std::vector<std::string> extra)
    : port_(port) {
  std::vector<std::string> args = {
      maillage_binary().string(), "serve", "--db", db.string(), "--port", std::to_string(port)};
  // The HTTP tests serve the six cartographie files (tests/fixtures/sources-cartographie.toml,
  // 2,415 places), unmerged, unless a test names its own registry.
  if (std::find(extra.begin(), extra.end(), "--sources") == extra.end()) {
    args.insert(args.end(), {"--sources",
                             (repo_dir() / "tests/fixtures/sources-cartographie.toml").string(),
                             "--sans-dedoublonnage"});
  }
  args.insert(args.end(), extra.begin(), extra.end());
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_ = fork();
  if (pid_ == 0) {
    int devnull = ::open("/dev/null", O_WRONLY);
    dup2(devnull, 1);
    dup2(devnull, 2);
    execv(argv[0], argv.data());
    _exit(127);
  }
}

ServeProcess::~ServeProcess() {
  kill(pid_, SIGTERM);
  int status;
  waitpid(pid_, &status, 0);
}

bool ServeProcess::alive() {
  int status;
  return waitpid(pid_, &status, WNOHANG) == 0;
}

bool ServeProcess::wait_ready() {
  httplib::Client c("127.0.0.1", port_);
  for (int i = 0; i < 1800; ++i) {
    if (auto r = c.Get("/api/v1/sante"); r && r->status == 200) return true;
    if (!alive()) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

httplib::Response get(httplib::Client& c, const std::string& path,
                      const httplib::Headers& headers) {
  auto r = c.Get(path, headers);
  EXPECT_TRUE(r) << path.substr(0, 200) << " : " << httplib::to_string(r.error());
  if (r) return *r;
  httplib::Response none;
  none.status = -1;
  return none;
}

}  // namespace maillage::testing
