#include "http/listener.h"

#include <sys/resource.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <vector>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <spdlog/spdlog.h>

#include "common/gzip.h"

namespace maillage::http {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

std::string address_key(const std::string& address) {
  boost::system::error_code ec;
  auto a = net::ip::make_address(address, ec);
  if (ec) return address;
  if (a.is_v6()) {
    auto v6 = a.to_v6();
    if (v6.is_v4_mapped()) return net::ip::make_address_v4(net::ip::v4_mapped, v6).to_string();
    auto bytes = v6.to_bytes();
    std::fill(bytes.begin() + 8, bytes.end(), 0);
    return net::ip::address_v6(bytes).to_string() + "/64";
  }
  return a.to_string();
}

namespace {

bool compressible(const std::string& type) {
  return type.rfind("text/", 0) == 0 || type.rfind("application/json", 0) == 0 ||
         type.rfind("application/geo+json", 0) == 0 || type.rfind("application/javascript", 0) == 0 ||
         type.rfind("image/svg+xml", 0) == 0 || type.rfind("application/xml", 0) == 0 ||
         type.rfind("application/manifest+json", 0) == 0;
}

void gzip_body(const httplib::Request& req, httplib::Response& res, std::size_t min_bytes) {
  const std::string type = res.get_header_value("Content-Type");
  if (!compressible(type)) return;
  res.set_header("Vary", "Accept-Encoding");
  if (res.body.size() < min_bytes || res.has_header("Content-Encoding") || !common::accepts_gzip(req.get_header_value("Accept-Encoding"))) return;
  std::string zipped;
  if (!common::gzip(res.body, zipped)) return;
  res.body = std::move(zipped);
  res.set_header("Content-Encoding", "gzip");
}

// The French text of the answers the connection layer gives itself.
const char* refusal_text(int status) {
  switch (status) {
    case 400: return "Requête HTTP mal formée.\n";
    case 413: return "Requête trop volumineuse.\n";
    case 431: return "En-têtes de requête trop nombreux ou trop longs.\n";
    case 501: return "Codage de transfert non pris en charge.\n";
    default: return "Requête refusée.\n";
  }
}

}  // namespace

struct Listener::Impl {
  class Connection;

  const Router& router;
  ListenerLimits limits;
  // Connections by client address, to cap them and to close the oldest waiting one. Declared
  // before the event loop: connections still queued in it forget themselves when it goes.
  struct Entry {
    Connection* connection;
    std::weak_ptr<Connection> handle;
  };
  mutable std::mutex registry_mutex;
  std::unordered_map<std::string, std::vector<Entry>> by_address;
  std::atomic<std::size_t> open{0};  // changed under registry_mutex, read without it
  ListenerStats counters;
  net::io_context ioc;
  tcp::acceptor acceptor{ioc};
  net::steady_timer stop_timer{ioc};
  net::steady_timer accept_retry{ioc};
  std::atomic<bool> stop_requested{false};
  std::atomic<int> bound_port{0};

  Impl(const Router& r, ListenerLimits l) : router(r), limits(std::move(l)) {}

  bool admit(const std::shared_ptr<Connection>& c);
  void forget(Connection* c, const std::string& key);
  bool pressured() const { return open.load() > limits.pressure_connections; }
  bool crowded() const { return open.load() * 10 > limits.max_connections * 9; }
  void count(std::size_t ListenerStats::*field) {
    std::lock_guard lock(registry_mutex);
    ++(counters.*field);
  }

  void accept();
  void watch_stop();
};

class Listener::Impl::Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(tcp::socket socket, Impl& server, std::string address, int port)
      : stream_(std::move(socket)), server_(server), address_(std::move(address)), key_(address_key(address_)),
        port_(port) {}
  ~Connection() { server_.forget(this, key_); }

  const std::string& key() const { return key_; }
  // Waiting for (the head of) a request: may be closed to make room.
  bool waiting() const { return waiting_.load(); }
  Clock::rep waiting_since() const { return waiting_since_.load(); }

  void start() {
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->read_head(); });
  }
  // From any thread: closes the connection if it is still waiting for a request.
  void evict() {
    net::post(stream_.get_executor(), [self = shared_from_this()] {
      if (self->waiting_) self->close();
    });
  }

 private:
  void read_head() {
    waiting_since_ = Clock::now().time_since_epoch().count();
    waiting_ = true;
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(server_.limits.max_header_bytes));
    parser_->body_limit(server_.limits.max_body_bytes);
    const auto& l = server_.limits;
    stream_.expires_after(served_ == 0          ? l.head_timeout
                          : server_.pressured() ? l.pressured_keep_alive_timeout
                                                : l.keep_alive_timeout);
    bhttp::async_read_header(stream_, buffer_, *parser_,
                             [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_head(ec); });
  }

  void on_head(beast::error_code ec) {
    waiting_ = false;
    if (ec == beast::error::timeout) {
      server_.count(&ListenerStats::timed_out);
      return close();
    }
    if (ec == bhttp::error::header_limit) return refuse(431);
    if (ec == bhttp::error::body_limit) return refuse(413);  // a Content-Length above the limit
    if (ec == bhttp::error::end_of_stream || ec == net::error::operation_aborted ||
        ec == net::error::connection_reset || ec == net::error::eof)
      return close();
    if (ec) return refuse(400);
    const auto& h = parser_->get();
    std::size_t fields = 0, lengths = 0, encodings = 0;
    for (const auto& f : h) {
      ++fields;
      if (f.name() == bhttp::field::content_length) ++lengths;
      if (f.name() == bhttp::field::transfer_encoding) ++encodings;
    }
    if (fields > server_.limits.max_header_fields) return refuse(431);
    // Beast accepts a repeated Content-Length of equal value (RFC 9112 allows it); a proxy in
    // front may not read it so: refused, like Content-Length with Transfer-Encoding.
    if (lengths > 1 || (lengths && encodings)) return refuse(400);
    if (encodings && (encodings > 1 || !beast::iequals(h[bhttp::field::transfer_encoding], "chunked")))
      return refuse(501);
    if (parser_->is_done()) return answer();
    stream_.expires_after(server_.limits.body_timeout);
    if (beast::iequals(h[bhttp::field::expect], "100-continue")) {
      static const std::string kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      return net::async_write(stream_, net::buffer(kContinue),
                              [self = shared_from_this()](beast::error_code e, std::size_t) {
                                if (e) return self->close();
                                self->read_body();
                              });
    }
    read_body();
  }

  void read_body() {
    bhttp::async_read(stream_, buffer_, *parser_,
                      [self = shared_from_this()](beast::error_code ec, std::size_t) {
                        if (ec == beast::error::timeout) {
                          self->server_.count(&ListenerStats::timed_out);
                          return self->close();
                        }
                        if (ec == bhttp::error::body_limit) return self->refuse(413);
                        if (ec == bhttp::error::end_of_stream || ec == net::error::connection_reset)
                          return self->close();
                        if (ec) return self->refuse(400);
                        self->answer();
                      });
  }

  httplib::Request to_request(bhttp::request<bhttp::string_body>&& in) {
    httplib::Request req;
    req.method = std::string(in.method_string());
    req.target = std::string(in.target());
    req.version = in.version() == 10 ? "HTTP/1.0" : "HTTP/1.1";
    const auto q = req.target.find('?');
    req.path = httplib::detail::decode_url(req.target.substr(0, q), false);
    if (q != std::string::npos) httplib::detail::parse_query_text(req.target.substr(q + 1), req.params);
    for (const auto& f : in) req.headers.emplace(std::string(f.name_string()), std::string(f.value()));
    req.body = std::move(in.body());
    if (req.get_header_value("Content-Type").rfind("application/x-www-form-urlencoded", 0) == 0)
      httplib::detail::parse_query_text(req.body, req.params);
    req.remote_addr = address_;
    req.remote_port = port_;
    return req;
  }

  void answer() {
    stream_.expires_never();  // the handler's time is not the client's
    auto in = parser_->release();
    parser_.reset();
    const bool client_keeps = in.keep_alive();
    httplib::Request req = to_request(std::move(in));
    httplib::Response res;
    server_.router.handle(req, res);
    gzip_body(req, res, server_.limits.gzip_min_bytes);
    ++served_;
    const bool keep = client_keeps && served_ < server_.limits.max_requests_per_connection &&
                      !server_.crowded() && res.get_header_value("Connection") != "close";
    auto out = std::make_shared<bhttp::response<bhttp::string_body>>();
    out->version(req.version == "HTTP/1.0" ? 10 : 11);
    out->result(static_cast<unsigned>(res.status));
    for (const auto& [k, v] : res.headers) {
      if (beast::iequals(k, "Content-Length") || beast::iequals(k, "Connection") ||
          beast::iequals(k, "Transfer-Encoding") || beast::iequals(k, "Keep-Alive"))
        continue;
      out->insert(k, v);
    }
    const bool bodiless = res.status == 204 || res.status == 304 || (res.status >= 100 && res.status < 200);
    if (!bodiless) {
      if (!res.body.empty() && !res.has_header("Content-Type")) out->set(bhttp::field::content_type, "text/plain");
      out->set(bhttp::field::content_length, std::to_string(res.body.size()));
      if (req.method != "HEAD") out->body() = std::move(res.body);
    }
    out->keep_alive(keep);
    write(std::move(out));
  }

  void write(std::shared_ptr<bhttp::response<bhttp::string_body>> out) {
    const auto extra = std::chrono::seconds(out->body().size() / (64 * 1024));
    stream_.expires_after(server_.limits.write_timeout + extra);
    bhttp::async_write(stream_, *out, [self = shared_from_this(), out](beast::error_code ec, std::size_t) {
      if (ec) {
        if (ec == beast::error::timeout) self->server_.count(&ListenerStats::timed_out);
        return self->close();
      }
      if (!out->keep_alive()) return self->linger();
      self->read_head();
    });
  }

  // An answer of the connection layer itself (bad or oversized request), then close.
  void refuse(int status) {
    server_.count(&ListenerStats::rejected);
    auto out = std::make_shared<bhttp::response<bhttp::string_body>>(static_cast<bhttp::status>(status), 11);
    out->set(bhttp::field::content_type, "text/plain; charset=utf-8");
    out->body() = refusal_text(status);
    out->prepare_payload();
    out->keep_alive(false);
    write(std::move(out));
  }

  // After an answer that closes: stop sending, then read and drop what the client still sends
  // for a moment, so that the answer is not lost to a reset (RFC 9112 §9.6).
  void linger() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    if (ec) return close();
    stream_.expires_after(std::chrono::seconds(2));
    drain();
  }
  void drain() {
    stream_.async_read_some(net::buffer(discard_), [self = shared_from_this()](beast::error_code ec, std::size_t n) {
      self->drained_ += n;
      if (ec || self->drained_ > (1u << 20)) return self->close();
      self->drain();
    });
  }

  void close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream_.close();
  }

  beast::tcp_stream stream_;
  Impl& server_;
  std::string address_, key_;
  int port_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::atomic<bool> waiting_{false};
  std::atomic<Clock::rep> waiting_since_{0};
  int served_ = 0;
  std::size_t drained_ = 0;
  std::array<char, 4096> discard_{};
};

bool Listener::Impl::admit(const std::shared_ptr<Connection>& c) {
  std::shared_ptr<Connection> victim;
  {
    std::lock_guard lock(registry_mutex);
    auto& list = by_address[c->key()];
    if (list.size() >= limits.max_connections_per_address) {
      // The oldest connection of this address still waiting for a request makes room.
      Clock::rep oldest = 0;
      std::size_t at = list.size();
      for (std::size_t i = 0; i < list.size(); ++i) {
        if (!list[i].connection->waiting()) continue;
        if (at == list.size() || list[i].connection->waiting_since() < oldest) {
          oldest = list[i].connection->waiting_since();
          at = i;
        }
      }
      if (at == list.size() || !(victim = list[at].handle.lock())) {
        ++counters.refused;
        return false;
      }
      // Out of the count at once: the next connection must not pick the same one again.
      list[at] = list.back();
      list.pop_back();
      --open;
      ++counters.evicted;
    } else if (open >= limits.max_connections) {
      ++counters.refused;
      return false;
    }
    list.push_back({c.get(), c});
    ++open;
    ++counters.accepted;
  }
  if (victim) victim->evict();
  return true;
}

void Listener::Impl::forget(Connection* c, const std::string& key) {
  std::lock_guard lock(registry_mutex);
  auto it = by_address.find(key);
  if (it == by_address.end()) return;
  auto& list = it->second;
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (list[i].connection != c) continue;
    list[i] = list.back();
    list.pop_back();
    --open;
    break;
  }
  if (list.empty()) by_address.erase(it);
}

void Listener::Impl::accept() {
  acceptor.async_accept(net::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
    if (ec == net::error::operation_aborted || !acceptor.is_open()) return;
    if (ec) {
      // Out of file descriptors (or another passing failure): wait a little, do not spin.
      accept_retry.expires_after(std::chrono::milliseconds(50));
      accept_retry.async_wait([this](beast::error_code e) {
        if (!e) accept();
      });
      return;
    }
    beast::error_code e;
    auto remote = socket.remote_endpoint(e);
    if (!e) {
      socket.set_option(tcp::no_delay(true), e);
      auto c = std::make_shared<Connection>(std::move(socket), *this, remote.address().to_string(), remote.port());
      if (admit(c)) c->start();
    }
    accept();
  });
}

void Listener::Impl::watch_stop() {
  stop_timer.expires_after(std::chrono::milliseconds(100));
  stop_timer.async_wait([this](beast::error_code ec) {
    if (ec) return;
    if (stop_requested) {
      beast::error_code e;
      acceptor.close(e);
      ioc.stop();
      return;
    }
    watch_stop();
  });
}

Listener::Listener(const Router& router, ListenerLimits limits)
    : impl_(std::make_unique<Impl>(router, std::move(limits))) {}

Listener::~Listener() = default;

bool Listener::bind(const std::string& host, int port, std::string& error) {
  beast::error_code ec;
  auto address = net::ip::make_address(host == "localhost" ? "127.0.0.1" : host, ec);
  if (ec) {
    error = "adresse d'écoute invalide : " + host;
    return false;
  }
  tcp::endpoint endpoint(address, static_cast<unsigned short>(port));
  auto& a = impl_->acceptor;
  a.open(endpoint.protocol(), ec);
  // SO_REUSEADDR, not SO_REUSEPORT: a restart binds at once although connections of the server
  // before linger in TIME_WAIT, and a second server on a port in use fails instead of sharing it.
  if (!ec) a.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) a.bind(endpoint, ec);
  // A long queue of connections not yet accepted (up to net.core.somaxconn): bursts of clients
  // reconnecting are not dropped.
  if (!ec) a.listen(4096, ec);
  if (ec) {
    error = "impossible d'écouter sur " + host + ":" + std::to_string(port) + " (port déjà utilisé ?)";
    beast::error_code ignored;
    a.close(ignored);
    return false;
  }
  impl_->bound_port = a.local_endpoint(ec).port();
  return true;
}

int Listener::port() const { return impl_->bound_port; }

void Listener::run() {
  // Every connection is a file descriptor: take what the system allows.
  rlimit nofile{};
  if (getrlimit(RLIMIT_NOFILE, &nofile) == 0 && nofile.rlim_cur < nofile.rlim_max) {
    nofile.rlim_cur = nofile.rlim_max;
    setrlimit(RLIMIT_NOFILE, &nofile);
  }
  if (impl_->stop_requested) return;
  impl_->accept();
  impl_->watch_stop();
  std::vector<std::thread> threads;
  const int n = std::max(1, impl_->limits.threads);
  for (int i = 1; i < n; ++i) threads.emplace_back([this] { impl_->ioc.run(); });
  impl_->ioc.run();
  for (auto& t : threads) t.join();
}

void Listener::stop() { impl_->stop_requested = true; }

ListenerStats Listener::stats() const {
  std::lock_guard lock(impl_->registry_mutex);
  ListenerStats s = impl_->counters;
  s.open_connections = impl_->open.load();
  return s;
}

}  // namespace maillage::http
