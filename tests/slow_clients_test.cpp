// What slow, idle and hostile clients can do to `maillage serve`, over real sockets (issue 19):
// before the event-driven connection layer (http/listener.h), 256 idle connections delayed a
// normal request by 20 s and one request of 1,000,000 headers kept 146 MB for good.
//
// The attackers connect from other loopback addresses (127.0.0.2 and up) than the normal client
// (127.0.0.1): a many-address attack, each address below the per-address cap. The cap itself is
// tested from one address.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "exchange/importer.h"
#include "store/store.h"
#include "support/serve_support.h"
#include "support/test_support.h"
#include "territory/reference.h"

namespace maillage {
namespace {

using Clock = std::chrono::steady_clock;
using testing::free_port;
using testing::ServeProcess;

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kSanitized = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kSanitized = true;
#else
constexpr bool kSanitized = false;
#endif
#else
constexpr bool kSanitized = false;
#endif

// A TCP connection to 127.0.0.1:port from `source` (a loopback address); -1 on failure.
int connect_from(const char* source, int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_in local{};
  local.sin_family = AF_INET;
  inet_pton(AF_INET, source, &local.sin_addr);
  sockaddr_in remote{};
  remote.sin_family = AF_INET;
  remote.sin_port = htons(static_cast<std::uint16_t>(port));
  remote.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0 ||
      connect(fd, reinterpret_cast<sockaddr*>(&remote), sizeof remote) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

bool send_all(int fd, const std::string& data) {
  std::size_t sent = 0;
  while (sent < data.size()) {
    ssize_t n = send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += static_cast<std::size_t>(n);
  }
  return true;
}

// Whether the server has closed `fd` (end of stream or reset) without the client reading
// anything it would keep.
bool closed_by_server(int fd) {
  char c;
  ssize_t n = recv(fd, &c, 1, MSG_DONTWAIT | MSG_PEEK);
  return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
}

// Everything the server sends until it closes or `timeout` passes.
std::string read_until_closed(int fd, std::chrono::milliseconds timeout) {
  timeval tv{static_cast<time_t>(timeout.count() / 1000), static_cast<suseconds_t>(timeout.count() % 1000 * 1000)};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  std::string out;
  char buf[4096];
  for (;;) {
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  return out;
}

// One request on a fresh connection; the status line's code, or -1.
std::string exchange_once(int port, const std::string& request) {
  int fd = connect_from("127.0.0.1", port);
  if (fd < 0) return {};
  send_all(fd, request);
  std::string answer = read_until_closed(fd, std::chrono::milliseconds(5000));
  close(fd);
  return answer;
}

long rss_kib(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  return -1;
}

void raise_file_limit() {
  rlimit r{};
  getrlimit(RLIMIT_NOFILE, &r);
  r.rlim_cur = r.rlim_max;
  setrlimit(RLIMIT_NOFILE, &r);
}

class SlowClients : public ::testing::Test {
 protected:
  void SetUp() override {
    raise_file_limit();
    rlimit r{};
    getrlimit(RLIMIT_NOFILE, &r);
    if (r.rlim_cur < 1400) GTEST_SKIP() << "limite de descripteurs trop basse : " << r.rlim_cur;
    std::string error;
    auto writer = store::open_sqlite(dir_ / "m.db", error);
    ASSERT_TRUE(writer) << error;
    exchange::import_file(testing::repo_dir() / "data/standard/exemple-valide.csv", writer.get(),
                          &territory::Reference::bundled(), {});
    writer.reset();
    port_ = free_port();
    server_ = std::make_unique<ServeProcess>(dir_ / "m.db", port_,
                                             std::vector<std::string>{"--sans-moissonnage", "--rate-limit", "0"});
    ASSERT_TRUE(server_->wait_ready());
  }

  testing::TempDir dir_;
  int port_ = 0;
  std::unique_ptr<ServeProcess> server_;
};

// 1,000 idle and 256 slow-drip connections held open while a normal client makes 100 requests
// (the home page and a search, each on a new connection): every one answered at once. Then the
// deadline of the request head closes the dripping ones although they keep sending.
TEST_F(SlowClients, IdleAndDrippingConnectionsDelayNoOne) {
  std::vector<int> idle, drip;
  const char* idle_sources[] = {"127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5"};
  for (int i = 0; i < 1000; ++i) {
    int fd = connect_from(idle_sources[i % 4], port_);
    ASSERT_GE(fd, 0) << "connexion " << i;
    idle.push_back(fd);
  }
  const auto drip_start = Clock::now();
  for (int i = 0; i < 256; ++i) {
    int fd = connect_from("127.0.0.6", port_);
    ASSERT_GE(fd, 0);
    ASSERT_TRUE(send_all(fd, "GET / HTTP/1.1\r\nHost: localhost\r\n"));
    drip.push_back(fd);
  }
  std::atomic<bool> dripping{true};
  std::thread dripper([&] {
    int line = 0;
    while (dripping) {
      for (int fd : drip) send(fd, "X-Goutte: 1\r\n", 13, MSG_NOSIGNAL);
      ++line;
      for (int i = 0; i < 10 && dripping; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  });

  std::vector<double> ms;
  int answered = 0;
  for (int i = 0; i < 100; ++i) {
    httplib::Client c("127.0.0.1", port_);
    c.set_connection_timeout(30);
    c.set_read_timeout(30);
    const auto t0 = Clock::now();
    auto r = c.Get(i % 2 ? "/api/v1/lieux?q=numerique&limite=10" : "/");
    ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
    if (r && r->status == 200) ++answered;
  }
  EXPECT_EQ(answered, 100);
  std::sort(ms.begin(), ms.end());
  const double p99 = ms[98];
  // The bound of the issue; a sanitizer build runs several times slower, and the failure this
  // guards against took 20 to 30 s.
  EXPECT_LT(p99, kSanitized ? 1000.0 : 100.0) << "p50 " << ms[50] << " ms, max " << ms.back() << " ms";
  std::printf("normal client among 1,256 slow connections: p50 %.1f ms, p99 %.1f ms, max %.1f ms\n", ms[50], p99,
              ms.back());

  // Held open all along: none of them was closed to serve the normal client.
  int idle_closed = 0, drip_closed = 0;
  for (int fd : idle) idle_closed += closed_by_server(fd);
  for (int fd : drip) drip_closed += closed_by_server(fd);
  EXPECT_EQ(idle_closed, 0);
  EXPECT_EQ(drip_closed, 0);

  // The whole head must arrive within 10 s: dripping a line a second does not keep it open.
  int still_open = 256;
  while (still_open > 0 && Clock::now() - drip_start < std::chrono::seconds(20)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
    still_open = 0;
    for (int fd : drip) still_open += !closed_by_server(fd);
  }
  const double closed_after_s = std::chrono::duration<double>(Clock::now() - drip_start).count();
  dripping = false;
  dripper.join();
  EXPECT_EQ(still_open, 0);
  EXPECT_GE(closed_after_s, 9.0);
  for (int fd : idle) EXPECT_TRUE(closed_by_server(fd));
  for (int fd : idle) close(fd);
  for (int fd : drip) close(fd);
  EXPECT_TRUE(server_->alive());
}

// A request of 1,000,000 headers is refused after 16 KiB, without the server keeping the memory;
// the next request is answered.
TEST_F(SlowClients, AHeaderFloodIsRefusedAndItsMemoryGivenBack) {
  // A first page, so that the caches and buffers of ordinary serving are counted before.
  ASSERT_NE(exchange_once(port_, "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").find(" 200 "), std::string::npos);
  const long before = rss_kib(server_->pid());
  ASSERT_GT(before, 0);
  for (int round = 0; round < 3; ++round) {
    int fd = connect_from("127.0.0.2", port_);
    ASSERT_GE(fd, 0);
    std::string batch;
    for (int i = 0; i < 1000; ++i) batch += "X-En-Tete-" + std::to_string(i) + ": valeur\r\n";
    ASSERT_TRUE(send_all(fd, "GET / HTTP/1.1\r\nHost: x\r\n"));
    int batches = 0;
    while (batches < 1000 && send_all(fd, batch)) ++batches;  // 1,000,000 headers if accepted
    EXPECT_LT(batches, 1000) << "the server read every header";
    const std::string answer = read_until_closed(fd, std::chrono::milliseconds(3000));
    close(fd);
    // The refusal is sent before the connection closes; the client may lose it to the reset
    // that closing with unread data causes.
    if (!answer.empty()) {
      EXPECT_EQ(answer.rfind("HTTP/1.1 431", 0), 0u) << answer.substr(0, 200);
    }
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  const long after = rss_kib(server_->pid());
  EXPECT_LT(after - before, 8 * 1024) << "RSS " << before << " → " << after << " KiB";
  EXPECT_NE(exchange_once(port_, "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").find(" 200 "), std::string::npos);
}

// What a proxy in front might read otherwise (request smuggling): refused, the connection closed.
TEST_F(SlowClients, AmbiguousBodiesAreRefused) {
  const std::string post = "POST /lieux/x/signaler HTTP/1.1\r\nHost: x\r\n";
  auto status = [&](const std::string& request) {
    std::string a = exchange_once(port_, request);
    return a.size() >= 12 ? a.substr(9, 3) : a;
  };
  EXPECT_EQ(status(post + "Content-Length: 3\r\nContent-Length: 3\r\n\r\nabc"), "400");
  EXPECT_EQ(status(post + "Content-Length: 3\r\nContent-Length: 4\r\n\r\nabcd"), "400");
  EXPECT_EQ(status(post + "Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"), "400");
  EXPECT_EQ(status(post + "Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n3\r\nabc\r\n0\r\n\r\n"), "400");
  EXPECT_EQ(status(post + "Transfer-Encoding: gzip\r\n\r\n"), "501");
  EXPECT_EQ(status(post + "Content-Length: 2000000\r\n\r\n"), "413");
  std::string many = "GET / HTTP/1.1\r\nHost: x\r\n";
  for (int i = 0; i < 150; ++i) many += "X-" + std::to_string(i) + ": 1\r\n";
  EXPECT_EQ(status(many + "\r\n"), "431");
  // A well-formed chunked body is read (the form answers, whatever it says of the place).
  EXPECT_NE(status(post + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n3\r\nabc\r\n0\r\n\r\n"), "400");
  EXPECT_TRUE(server_->alive());
}

// From one address, connections beyond the cap (256 by default) close that address's oldest
// ones still waiting for a request: a client behind the same address is still answered, and
// other addresses are not touched.
TEST_F(SlowClients, OneAddressCannotHoldMoreThanItsShare) {
  std::vector<int> other;
  for (int i = 0; i < 50; ++i) other.push_back(connect_from("127.0.0.3", port_));
  std::vector<int> flood;
  for (int i = 0; i < 400; ++i) {
    int fd = connect_from("127.0.0.2", port_);
    ASSERT_GE(fd, 0);
    flood.push_back(fd);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  int open = 0;
  for (int fd : flood) open += !closed_by_server(fd);
  EXPECT_LE(open, 256);
  EXPECT_GE(open, 200);
  // The oldest went first.
  EXPECT_TRUE(closed_by_server(flood.front()));
  EXPECT_FALSE(closed_by_server(flood.back()));
  for (int fd : other) EXPECT_FALSE(closed_by_server(fd));
  // A request from the flooding address itself is still answered.
  int fd = connect_from("127.0.0.2", port_);
  ASSERT_GE(fd, 0);
  ASSERT_TRUE(send_all(fd, "GET /api/v1/sante HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
  EXPECT_EQ(read_until_closed(fd, std::chrono::milliseconds(5000)).rfind("HTTP/1.1 200", 0), 0u);
  close(fd);
  for (int f : flood) close(f);
  for (int f : other) close(f);
}

// A keep-alive connection is served request after request, and closed once idle for 5 s.
TEST_F(SlowClients, KeepAliveConnectionsServeThenExpire) {
  int fd = connect_from("127.0.0.1", port_);
  ASSERT_GE(fd, 0);
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(send_all(fd, "GET /api/v1/sante HTTP/1.1\r\nHost: x\r\n\r\n"));
    char buf[4096];
    timeval tv{5, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    ASSERT_GT(n, 0);
    EXPECT_EQ(std::string(buf, 12), "HTTP/1.1 200");
  }
  const auto t0 = Clock::now();
  std::string rest = read_until_closed(fd, std::chrono::milliseconds(10000));
  const double idle_s = std::chrono::duration<double>(Clock::now() - t0).count();
  close(fd);
  EXPECT_TRUE(rest.empty());
  EXPECT_GE(idle_s, 4.0);
  EXPECT_LT(idle_s, 8.0);
}

}  // namespace
}  // namespace maillage
