// The connection layer of the server: accepts TCP connections, reads HTTP/1.1 requests under
// limits and deadlines, hands each one to the Router and writes its answer.
//
// Boost.Beast over Asio (Debian's libboost-dev), event-driven: a connection waiting for a
// request, or dripping its head one byte at a time, costs a socket and a few kilobytes, never a
// thread. Beast was chosen over cpp-httplib's server (one of N threads per connection, 5 s per
// read but no deadline for a whole head, no header count limit; issue 19) and over writing a
// parser: its request parser is fuzzed upstream, bounds the head and the body, and refuses
// conflicting Content-Length / Transfer-Encoding itself.
//
// What a client can hold, and for how long (ListenerLimits):
// - the whole request head within head_timeout of the connection (keep_alive_timeout after a
//   previous answer), the body within body_timeout, the answer read within a time that grows
//   with its size;
// - max_header_bytes and max_header_fields (431), max_body_bytes (413), no duplicate
//   Content-Length, no Transfer-Encoding but "chunked", never both (400: request smuggling);
// - max_connections_per_address per client address (IPv6: per /64): one more from that address
//   closes its oldest connection still waiting for a request, or is refused when all of them are
//   being answered; max_connections in all;
// - above pressure_connections connections, idle connections are kept pressured_keep_alive_timeout
//   only, and answers close their connection above 90 % of max_connections.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include "http/router.h"

namespace maillage::http {

struct ListenerLimits {
  // Threads running the event loop and the handlers (a handler runs on the thread that read
  // its request); idle and slow connections take none.
  int threads = 16;
  std::chrono::milliseconds head_timeout{10'000};
  std::chrono::milliseconds body_timeout{30'000};
  std::chrono::milliseconds keep_alive_timeout{5'000};
  std::chrono::milliseconds pressured_keep_alive_timeout{1'000};
  // Time to write an answer: this much, plus a second per 64 KiB.
  std::chrono::milliseconds write_timeout{10'000};
  std::size_t max_header_bytes = 16 * 1024;
  std::size_t max_header_fields = 100;
  std::size_t max_body_bytes = 1 << 20;
  std::size_t max_connections = 10'000;
  std::size_t max_connections_per_address = 256;
  std::size_t pressure_connections = 2'000;
  int max_requests_per_connection = 1'000;
  // Bodies of these types are gzipped when the client accepts it (text/*, JSON, GeoJSON, SVG,
  // JavaScript) from this size on.
  std::size_t gzip_min_bytes = 512;
};

// Counters for tests and the health page.
struct ListenerStats {
  std::size_t open_connections = 0;
  std::size_t accepted = 0;
  std::size_t refused = 0;   // at the per-address or global cap, all busy
  std::size_t evicted = 0;   // closed to make room for a newer connection of the same address
  std::size_t timed_out = 0; // head, body or write deadline passed
  std::size_t rejected = 0;  // answered 400/413/431/501 by the connection layer
};

class Listener {
 public:
  // `router` must outlive the listener.
  Listener(const Router& router, ListenerLimits limits);
  ~Listener();
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;

  // Binds host:port (port 0: any free port). False with `error` in French when it cannot.
  bool bind(const std::string& host, int port, std::string& error);
  int port() const;
  // Serves until stop(); returns when every thread has finished.
  void run();
  // Async-signal-safe: only sets a flag the event loop looks at every 100 ms.
  void stop();
  ListenerStats stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The key connections are counted under: the IPv4 address, or the /64 of an IPv6 one.
std::string address_key(const std::string& address);

}  // namespace maillage::http
