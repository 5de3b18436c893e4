// Harvesting against a real local HTTP server (cpp-httplib on a loopback port, and a raw socket
// for a connection cut in the middle of a body): 200, 304, 404, 500 with retries, timeouts,
// truncated bodies, changed and withdrawn records, a source switching format, size limits,
// the withdrawal guard, schedules. After every failure, what was harvested before is intact.
#include <gtest/gtest.h>
#include <httplib.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <mutex>
#include <set>
#include <thread>

#include "federation/harvest.h"
#include "federation/registry.h"
#include "store/store.h"
#include "support/test_support.h"
#include "territory/reference.h"

namespace maillage {
namespace {

using namespace std::chrono_literals;

// A valid place of the national standard (v1 JSON), Paris 1er.
std::string place_json(const std::string& id, const std::string& name) {
  return R"({"id":")" + id + R"(","pivot":"43493312300029","nom":")" + name +
         R"(","commune":"Paris","code_postal":"75001","code_insee":"75101","adresse":"1 rue de Rivoli",)"
         R"("latitude":48.8606,"longitude":2.3376,"date_maj":"2024-05-02","services":"Aide aux démarches administratives"})";
}

std::string dump(const std::vector<std::string>& ids, const std::string& suffix = "") {
  std::string out = "[";
  for (std::size_t i = 0; i < ids.size(); ++i)
    out += (i ? "," : "") + place_json(ids[i], "Lieu " + ids[i] + suffix);
  return out + "]";
}

std::string csv_dump(const std::vector<std::string>& ids) {
  std::string out = "id,pivot,nom,commune,code_postal,code_insee,adresse,latitude,longitude,date_maj,services\n";
  for (const auto& id : ids)
    out += id + ",43493312300029,Lieu " + id + ",Paris,75001,75101,1 rue de Rivoli,48.8606,2.3376,2024-05-02,"
           "Aide aux démarches administratives\n";
  return out;
}

// An HTTP server on a free loopback port; its answer is set per test.
class Server {
 public:
  Server() {
    server_.Get("/lieux", [this](const httplib::Request& req, httplib::Response& res) {
      ++hits_;
      std::lock_guard lock(mutex_);
      if (delay_ > 0ms) std::this_thread::sleep_for(delay_);
      if (!etag_.empty() && req.get_header_value("If-None-Match") == etag_) {
        res.status = 304;
        return;
      }
      res.status = status_;
      if (!etag_.empty()) res.set_header("ETag", etag_);
      res.set_header("Last-Modified", "Tue, 01 Oct 2024 08:00:00 GMT");
      res.set_content(body_, type_);
    });
    server_.Get("/ancienne-adresse", [](const httplib::Request&, httplib::Response& res) {
      res.set_redirect("/lieux", 301);
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(1ms);
  }
  ~Server() {
    server_.stop();
    thread_.join();
  }
  void answer(int status, std::string body, std::string etag = "",
              std::string type = "application/json") {
    std::lock_guard lock(mutex_);
    status_ = status;
    body_ = std::move(body);
    etag_ = std::move(etag);
    type_ = std::move(type);
  }
  void delay(std::chrono::milliseconds d) {
    std::lock_guard lock(mutex_);
    delay_ = d;
  }
  std::string url(const std::string& path = "/lieux") const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  int hits() const { return hits_; }

 private:
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  std::atomic<int> hits_{0};
  std::mutex mutex_;
  int status_ = 200;
  std::string body_, etag_, type_ = "application/json";
  std::chrono::milliseconds delay_{0};
};

// A server that announces a longer body than it sends, then closes the connection.
class CutServer {
 public:
  explicit CutServer(std::string partial) : partial_(std::move(partial)) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    socklen_t len = sizeof addr;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    ::listen(fd_, 8);
    thread_ = std::thread([this] {
      for (int i = 0; i < 3; ++i) {  // one connection per attempt
        int c = ::accept(fd_, nullptr, nullptr);
        if (c < 0) return;
        char buf[4096];
        (void)::recv(c, buf, sizeof buf, 0);
        std::string head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
                           std::to_string(partial_.size() + 5000) + "\r\n\r\n" + partial_;
        (void)::send(c, head.data(), head.size(), MSG_NOSIGNAL);
        ::close(c);
      }
    });
  }
  ~CutServer() {
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/lieux"; }

 private:
  std::string partial_;
  int fd_ = -1, port_ = 0;
  std::thread thread_;
};

class Harvest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    store_ = store::open_sqlite(dir_ / "m.db", error);
    ASSERT_TRUE(store_) << error;
    options_.base_dir = testing::repo_dir() / "data";
    options_.today = "2026-11-29";
    options_.fetch.backoff = 10ms;
    options_.fetch.read_timeout = 2000ms;
  }

  void add(const std::string& location, const std::string& format = "auto",
           const std::string& profile = "") {
    store::SourceDefinition d;
    d.name = "annuaire-test";
    d.location = location;
    d.format = format;
    d.profile = profile;
    ASSERT_TRUE(store_->put_source(d, store_->get_source(d.name).has_value()).ok);
  }

  federation::HarvestReport run() {
    auto entry = store_->get_source("annuaire-test");
    EXPECT_TRUE(entry);
    return federation::harvest(*store_, &territory::Reference::bundled(), *entry, options_);
  }

  std::vector<std::string> active() { return store_->active_ids("annuaire-test"); }

  testing::TempDir dir_;
  std::unique_ptr<store::Store> store_;
  federation::HarvestOptions options_;
};

TEST_F(Harvest, ConditionalRequestsChangesAndWithdrawals) {
  Server server;
  add(server.url());
  server.answer(200, dump({"a", "b", "c", "d", "e", "f"}), "\"v1\"");
  auto r = run();
  ASSERT_EQ(r.status, "ok") << r.message;
  EXPECT_EQ(r.http_status, 200);
  EXPECT_EQ(r.import.added, 6);
  EXPECT_EQ(active(), (std::vector<std::string>{"a", "b", "c", "d", "e", "f"}));
  auto state = store_->get_source("annuaire-test")->state;
  EXPECT_EQ(state.etag, "\"v1\"");
  EXPECT_EQ(state.last_modified, "Tue, 01 Oct 2024 08:00:00 GMT");
  EXPECT_EQ(state.status, "ok");

  // Same ETag: the server answers 304, nothing is read.
  r = run();
  EXPECT_EQ(r.status, "inchangee");
  EXPECT_EQ(r.http_status, 304);
  EXPECT_EQ(r.import.read, 0);

  // A new version: one record changed, one gone; unchanged records cost nothing.
  std::string v2 = dump({"a", "b", "c", "d", "e"});
  v2.replace(v2.find("Lieu b"), 6, "Lieu B");
  server.answer(200, v2, "\"v2\"");
  r = run();
  ASSERT_EQ(r.status, "ok") << r.message;
  EXPECT_EQ(r.import.updated, 1);
  EXPECT_EQ(r.import.unchanged, 4);
  EXPECT_EQ(r.withdrawn, 1);
  EXPECT_EQ(active(), (std::vector<std::string>{"a", "b", "c", "d", "e"}));
  auto gone = store_->get("annuaire-test", "f");
  ASSERT_TRUE(gone);  // kept as history
  EXPECT_EQ(gone->status, "retire");
  EXPECT_EQ(gone->place[place::Field::kNom], "Lieu f");

  // The change log carries the withdrawal with the place's last record.
  bool logged = false;
  for (const auto& c : store_->changes_since(0, 1000))
    if (c.op == "retrait" && c.place_id == "f") logged = c.record.find("Lieu f") != std::string::npos;
  EXPECT_TRUE(logged);

  // It comes back.
  server.answer(200, dump({"a", "b", "c", "d", "e", "f"}), "\"v3\"");
  r = run();
  ASSERT_EQ(r.status, "ok");
  EXPECT_EQ(active().size(), 6u);
  EXPECT_EQ(store_->get("annuaire-test", "f")->status, "actif");

  // The history lists every harvest, newest first.
  auto history = store_->runs_of("annuaire-test", 10);
  ASSERT_EQ(history.size(), 4u);
  EXPECT_EQ(history[1].withdrawn, 1);
  EXPECT_EQ(history[2].message, "non modifiée depuis la dernière moisson (HTTP 304)");
}

TEST_F(Harvest, RedirectionsAreFollowed) {
  Server server;
  add(server.url("/ancienne-adresse"));
  server.answer(200, dump({"a", "b"}), "\"v1\"");
  auto r = run();
  ASSERT_EQ(r.status, "ok") << r.message;
  EXPECT_EQ(r.import.added, 2);
  EXPECT_EQ(run().status, "inchangee");  // the 304 after a redirection is not taken for one
}

TEST_F(Harvest, IdenticalBodyWithoutValidatorsIsNotReadAgain) {
  Server server;
  add(server.url());
  server.answer(200, dump({"a", "b"}));
  ASSERT_EQ(run().status, "ok");
  auto r = run();
  EXPECT_EQ(r.status, "inchangee");
  EXPECT_EQ(r.import.read, 0);
  options_.force = true;
  r = run();
  EXPECT_EQ(r.status, "ok");
  EXPECT_EQ(r.import.unchanged, 2);
}

TEST_F(Harvest, ErrorsNeverDamageWhatWasHarvested) {
  Server server;
  add(server.url());
  server.answer(200, dump({"a", "b", "c"}), "\"v1\"");
  ASSERT_EQ(run().status, "ok");
  const auto before = active();

  server.answer(404, "introuvable");
  auto r = run();
  EXPECT_EQ(r.status, "erreur");
  EXPECT_NE(r.message.find("404"), std::string::npos) << r.message;
  EXPECT_EQ(server.hits(), 2);  // a 404 is not retried
  EXPECT_EQ(active(), before);
  auto state = store_->get_source("annuaire-test")->state;
  EXPECT_EQ(state.status, "erreur");
  EXPECT_EQ(state.failures, 1);
  EXPECT_EQ(state.etag, "\"v1\"");  // the validators of the last success are kept

  server.answer(500, "panne");
  r = run();
  EXPECT_EQ(r.status, "erreur");
  EXPECT_NE(r.message.find("500"), std::string::npos);
  EXPECT_NE(r.message.find("3 tentatives"), std::string::npos) << r.message;
  EXPECT_EQ(server.hits(), 5);  // retried twice
  EXPECT_EQ(store_->get_source("annuaire-test")->state.failures, 2);
  EXPECT_EQ(active(), before);

  // Timeout: the server answers after the read timeout.
  server.answer(200, dump({"a"}));
  server.delay(1500ms);
  options_.fetch.read_timeout = 300ms;
  options_.fetch.attempts = 1;
  r = run();
  EXPECT_EQ(r.status, "erreur");
  EXPECT_EQ(active(), before);
  server.delay(0ms);

  // A body over the size limit.
  options_.fetch.read_timeout = 2000ms;
  options_.fetch.max_bytes = 100;
  server.answer(200, dump({"a", "b", "c", "d"}));
  r = run();
  EXPECT_EQ(r.status, "erreur");
  EXPECT_NE(r.message.find("volumineuse"), std::string::npos) << r.message;
  EXPECT_EQ(active(), before);

  // Recovery: the next good answer resets the failures.
  options_.fetch.max_bytes = 1 << 20;
  server.answer(200, dump({"a", "b", "c"}), "\"v2\"");
  r = run();
  EXPECT_EQ(r.status, "ok");
  EXPECT_EQ(store_->get_source("annuaire-test")->state.failures, 0);
}

TEST_F(Harvest, ConnectionCutInTheBodyChangesNothing) {
  Server server;
  add(server.url());
  server.answer(200, dump({"a", "b", "c"}));
  ASSERT_EQ(run().status, "ok");
  const std::string full = dump({"a", "b", "c"}, " modifié");
  CutServer cut(full.substr(0, full.size() / 2));
  add(cut.url());
  auto r = run();
  EXPECT_EQ(r.status, "erreur");
  EXPECT_EQ(r.import.read, 0);
  EXPECT_EQ(active(), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(store_->get("annuaire-test", "a")->place[place::Field::kNom], "Lieu a");
}

TEST_F(Harvest, TruncatedDocumentWithdrawsNothing) {
  Server server;
  add(server.url());
  server.answer(200, dump({"a", "b", "c", "d"}));
  ASSERT_EQ(run().status, "ok");
  // A complete HTTP answer whose JSON stops after two places.
  std::string cut = dump({"a", "b", "c", "d"});
  cut = cut.substr(0, cut.find("{\"id\":\"c\""));
  server.answer(200, cut);
  auto r = run();
  EXPECT_EQ(r.status, "retraits_suspendus") << r.message;
  EXPECT_EQ(r.withdrawn, 0);
  EXPECT_EQ(r.withheld, 2);
  EXPECT_NE(r.message.find("tronqué"), std::string::npos);
  EXPECT_EQ(active().size(), 4u);
}

TEST_F(Harvest, MassWithdrawalIsHeldUntilAccepted) {
  Server server;
  add(server.url());
  std::vector<std::string> ids;
  for (int i = 0; i < 20; ++i) ids.push_back("p" + std::to_string(100 + i));
  server.answer(200, dump(ids));
  ASSERT_EQ(run().status, "ok");
  server.answer(200, dump({"p100", "p101"}));
  auto r = run();
  EXPECT_EQ(r.status, "retraits_suspendus");
  EXPECT_EQ(r.withheld, 18);
  EXPECT_EQ(active().size(), 20u);
  EXPECT_EQ(store_->get_source("annuaire-test")->state.status, "retraits_suspendus");
  // Harvested again unchanged: still held (the body is read again, not skipped).
  r = run();
  EXPECT_EQ(r.status, "retraits_suspendus");
  options_.accept_withdrawals = true;
  r = run();
  EXPECT_EQ(r.status, "ok");
  EXPECT_EQ(r.withdrawn, 18);
  EXPECT_EQ(active().size(), 2u);
}

TEST_F(Harvest, InvalidRecordKeepsItsPreviousVersion) {
  Server server;
  add(server.url());
  server.answer(200, dump({"a", "b"}));
  ASSERT_EQ(run().status, "ok");
  std::string broken = dump({"a", "b"});
  broken.replace(broken.find("\"code_postal\":\"75001\""), 21, "\"code_postal\":\"7500\"");  // a's
  server.answer(200, broken);
  auto r = run();
  EXPECT_EQ(r.status, "ok");
  EXPECT_EQ(r.import.rejected, 1);
  EXPECT_EQ(r.withdrawn, 0);
  EXPECT_EQ(active().size(), 2u);
}

TEST_F(Harvest, SourceSwitchingFormat) {
  Server server;
  add(server.url());
  server.answer(200, csv_dump({"a", "b", "c"}), "", "text/csv");
  auto r = run();
  ASSERT_EQ(r.status, "ok") << r.message;
  EXPECT_EQ(r.import.format, "csv");
  // "auto": the same places now published as JSON are read as JSON; nothing is withdrawn.
  server.answer(200, dump({"a", "b", "c"}));
  r = run();
  ASSERT_EQ(r.status, "ok") << r.message;
  EXPECT_EQ(r.import.format, "json");
  EXPECT_EQ(r.withdrawn, 0);
  EXPECT_EQ(active().size(), 3u);
  // A declared format: a switch is an error that names it, and changes nothing.
  add(server.url(), "csv");
  server.answer(200, dump({"a"}, " bis"));
  r = run();
  EXPECT_EQ(r.status, "erreur");
  EXPECT_NE(r.message.find("json"), std::string::npos) << r.message;
  EXPECT_EQ(active().size(), 3u);
}

TEST_F(Harvest, FileSourceThroughItsProfile) {
  add((testing::shared_dir() / "data/fablabs/map_bzh_fablab.geojson").string(), "geojson",
      "fablabs-bretagne");
  auto r = run();
  ASSERT_EQ(r.status, "ok") << r.message;
  EXPECT_EQ(r.import.read, 121);
  EXPECT_EQ(r.import.added, 116);
  EXPECT_EQ(run().status, "inchangee");
  // A missing file is an error, not an empty source.
  add((dir_ / "absent.csv").string());
  r = run();
  EXPECT_EQ(r.status, "erreur");
  EXPECT_EQ(active().size(), 116u);
}

TEST_F(Harvest, DueSourcesFollowTheirScheduleAndBackOffOnFailure) {
  store::SourceDefinition d;
  d.name = "quotidienne";
  d.location = "https://exemple.invalid/lieux.json";
  ASSERT_TRUE(store_->put_source(d, false).ok);
  d.name = "inactive";
  d.enabled = false;
  ASSERT_TRUE(store_->put_source(d, false).ok);
  const auto now = std::chrono::system_clock::now();
  auto names = [&](std::chrono::system_clock::time_point t) {
    std::vector<std::string> out;
    for (const auto& s : federation::due_sources(*store_, t)) out.push_back(s.definition.name);
    return out;
  };
  EXPECT_EQ(names(now), std::vector<std::string>{"quotidienne"});  // never harvested
  auto state = store_->get_source("quotidienne")->state;
  auto iso = [](std::chrono::system_clock::time_point t) {
    std::time_t tt = std::chrono::system_clock::to_time_t(t);
    char buf[32];
    std::tm tm{};
    gmtime_r(&tt, &tm);
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return std::string(buf);
  };
  state.last_attempt_at = iso(now - 3h);
  state.status = "ok";
  ASSERT_TRUE(store_->set_source_state("quotidienne", state).ok);
  EXPECT_TRUE(names(now).empty());
  EXPECT_EQ(names(now + 21h + 1min), std::vector<std::string>{"quotidienne"});
  // Failing three times: retried after 4 hours, not a day.
  state.status = "erreur";
  state.failures = 3;
  ASSERT_TRUE(store_->set_source_state("quotidienne", state).ok);
  EXPECT_TRUE(names(now).empty());
  EXPECT_EQ(names(now + 1h + 1min), std::vector<std::string>{"quotidienne"});
}

TEST(SourceRegistry, DefinitionsAreChecked) {
  const auto profiles = testing::repo_dir() / "data/profils";
  store::SourceDefinition ok{"france-services", "ANCT", "https://exemple.fr/fs.csv", "csv",
                             "france-services", "", "", 24, true};
  EXPECT_TRUE(federation::check_definition(ok, profiles).empty());
  auto bad = ok;
  bad.name = "Majuscules et espaces";
  bad.location = "ftp://exemple.fr/x";
  bad.format = "xlsx";
  bad.schedule_hours = 0;
  bad.profile = "pas-de-tel-profil";
  EXPECT_EQ(federation::check_definition(bad, profiles).size(), 5u);
  bad = ok;
  bad.name = "fusion";
  EXPECT_EQ(federation::check_definition(bad, profiles).size(), 1u);
}

TEST(SourceRegistry, RegistryFileErrorsNameTheLineAndKey) {
  testing::TempDir dir;
  testing::write_file(dir / "r.toml",
                      "[[source]]\nnom = \"a\"\nadresse = \"lieux/a.json\"\n\n"
                      "[[source]]\nnom = \"b\"\n\n"
                      "[[source]]\nnom = \"a\"\nadresse = \"x.json\"\ncouleur = \"bleu\"\nfrequence_heures = \"24\"\n");
  auto r = federation::load_registry(dir / "r.toml", testing::repo_dir() / "data/profils");
  std::set<std::string> rules;
  for (const auto& d : r.errors) {
    rules.insert(d.rule);
    EXPECT_GT(d.line, 0) << d.message;
    EXPECT_EQ(d.file, (dir / "r.toml").string());
  }
  EXPECT_EQ(rules, (std::set<std::string>{"registre.requis", "registre.cle_inconnue",
                                          "registre.type"}));
  testing::write_file(dir / "s.toml", "[[source]\nnom = ");
  r = federation::load_registry(dir / "s.toml", testing::repo_dir() / "data/profils");
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].rule, "registre.syntaxe");
}

// jours_feries: "ferme" (the default) or "comme_les_autres_jours"; anything else names the key.
TEST(SourceRegistry, PublicHolidayRuleOfASource) {
  testing::TempDir dir;
  testing::write_file(
      dir / "r.toml",
      "[[source]]\nnom = \"a\"\nadresse = \"lieux/a.json\"\n\n"
      "[[source]]\nnom = \"b\"\nadresse = \"lieux/b.json\"\n"
      "jours_feries = \"comme_les_autres_jours\"\n\n"
      "[[source]]\nnom = \"c\"\nadresse = \"lieux/c.json\"\njours_feries = \"ferme\"\n");
  auto r = federation::load_registry(dir / "r.toml", testing::repo_dir() / "data/profils");
  EXPECT_TRUE(r.errors.empty()) << (r.errors.empty() ? "" : r.errors[0].to_french());
  EXPECT_EQ(r.sources.size(), 3u);
  EXPECT_EQ(r.holidays_as_other_days, std::vector<std::string>{"b"});
  testing::write_file(
      dir / "s.toml",
      "[[source]]\nnom = \"a\"\nadresse = \"lieux/a.json\"\njours_feries = \"ouvert\"\n");
  r = federation::load_registry(dir / "s.toml", testing::repo_dir() / "data/profils");
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].field, "jours_feries");
  EXPECT_EQ(r.errors[0].rule, "registre.valeur");
  EXPECT_TRUE(r.holidays_as_other_days.empty());
}

TEST(SourceRegistry, BundledRegistryIsValidAndOpenlyLicensed) {
  auto r = federation::load_registry(testing::repo_dir() / "data/sources.toml",
                                     testing::repo_dir() / "data/profils");
  EXPECT_TRUE(r.errors.empty()) << (r.errors.empty() ? "" : r.errors[0].to_french());
  ASSERT_EQ(r.sources.size(), 9u);
  for (const auto& s : r.sources) {
    EXPECT_TRUE(s.licence.rfind("Licence Ouverte", 0) == 0 || s.licence == "CC BY 4.0") << s.name;
    EXPECT_FALSE(s.attribution.empty()) << s.name;
    EXPECT_TRUE(std::filesystem::exists(testing::repo_dir() / "data" / s.location)) << s.location;
  }
}

}  // namespace
}  // namespace maillage
