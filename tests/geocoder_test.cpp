// The street-address geocoder (src/territory/geocoder.h) against a local server speaking the
// Base Adresse Nationale's search API on the features of tests/fixtures/ban/, started on a free
// loopback port: answers, HTTP errors, unreadable bodies, timeouts and a closed port are values;
// "Où ?" falls back to the commune when the geocoder cannot help. No external address is called.
#include "territory/geocoder.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "support/ban_server.h"
#include "support/test_support.h"
#include "territory/place_query.h"
#include "territory/reference.h"

namespace maillage::territory {
namespace {

using namespace std::chrono_literals;
using testing::BanServer;

// A loopback port nothing listens on: bound, then released.
int closed_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t size = sizeof addr;
  EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), size), 0);
  EXPECT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &size), 0);
  ::close(fd);
  return ntohs(addr.sin_port);
}

Geocoder make(const std::string& url, std::chrono::milliseconds timeout = 2s) {
  std::string error;
  auto g = Geocoder::make(url, &error, timeout);
  EXPECT_TRUE(g.has_value()) << error;
  return *g;
}

TEST(GeocoderTest, FindsAStreetAddress) {
  BanServer ban;
  const Geocoder geocoder = make(ban.url());
  const GeocodeAnswer answer = geocoder.search("12 rue Mercière Lyon");
  EXPECT_EQ(answer.error, "");
  ASSERT_FALSE(answer.addresses.empty());
  const GeocodedAddress& a = answer.addresses.front();
  EXPECT_EQ(a.label, "12 Rue Mercière 69002 Lyon");
  EXPECT_EQ(a.kind, "housenumber");
  EXPECT_EQ(a.citycode, "69382");
  EXPECT_EQ(a.city, "Lyon");
  EXPECT_EQ(a.postcode, "69002");
  EXPECT_NEAR(a.latitude, 45.762813, 1e-9);  // [lon, lat] in GeoJSON
  EXPECT_NEAR(a.longitude, 4.832187, 1e-9);
  EXPECT_GT(a.score, 0.5);
  // The text goes as typed, URL-encoded, with the limit.
  EXPECT_EQ(ban.last_request(),
            std::make_pair(std::string("12 rue Mercière Lyon"), std::string("5")));
  EXPECT_LE(geocoder.search("Brest", 2).addresses.size(), 2u);
  EXPECT_EQ(ban.last_request().second, "2");
  // An answer is remembered, by every copy.
  const int hits = ban.hits();
  const Geocoder copy = geocoder;
  EXPECT_EQ(copy.search("12 rue Mercière Lyon").addresses.front().label, a.label);
  EXPECT_EQ(ban.hits(), hits);
}

TEST(GeocoderTest, KeepsAPathPrefix) {
  EXPECT_EQ(make("http://127.0.0.1:7878/ban/").url(), "http://127.0.0.1:7878/ban");
  EXPECT_EQ(make("https://api-adresse.data.gouv.fr").url(), "https://api-adresse.data.gouv.fr");
}

TEST(GeocoderTest, RejectsWhatIsNotAnHttpAddress) {
  for (const char* url : {"", "ftp://example.org", "http://", "https:///search", "127.0.0.1:7878",
                          "http://example.org/?q=", "http://exa mple.org"}) {
    std::string error;
    EXPECT_FALSE(Geocoder::make(url, &error).has_value()) << url;
    EXPECT_EQ(error.rfind("géocodeur « ", 0), 0u) << error;
  }
}

TEST(GeocoderTest, FailuresAreValues) {
  BanServer ban;
  const Geocoder geocoder = make(ban.url(), 300ms);
  ban.fail_with(503);
  GeocodeAnswer a = geocoder.search("5 rue de Siam Brest");
  EXPECT_TRUE(a.addresses.empty());
  EXPECT_EQ(a.error, "géocodeur : réponse HTTP 503.");

  ban.fail_with(200);
  for (const char* body :
       {"<html>", "{\"type\":\"FeatureCollection\"}", "[]", "{\"features\":{}}"}) {
    ban.answer_body(body);
    a = geocoder.search("5 rue de Siam Brest");
    EXPECT_TRUE(a.addresses.empty()) << body;
    EXPECT_NE(a.error, "") << body;
  }
  // Features without a label or a point, or with coordinates out of range, are left out.
  ban.answer_body(R"({"type":"FeatureCollection","features":[
      {"type":"Feature","geometry":null,"properties":{"label":"a"}},
      {"type":"Feature","geometry":{"type":"Point","coordinates":[4.8,95]},"properties":{"label":"b"}},
      {"type":"Feature","geometry":{"type":"Point","coordinates":["4.8","45"]},"properties":{"label":"c"}},
      {"type":"Feature","geometry":{"type":"Point","coordinates":[4.8,45.7]},"properties":{}},
      {"type":"Feature","geometry":{"type":"Point","coordinates":[4.8,45.7]},
       "properties":{"label":"d","citycode":69382,"score":"x"}}]})");
  a = geocoder.search("5 rue de Siam, Brest");
  EXPECT_EQ(a.error, "");
  ASSERT_EQ(a.addresses.size(), 1u);
  EXPECT_EQ(a.addresses[0].label, "d");
  EXPECT_EQ(a.addresses[0].citycode, "69382");
  EXPECT_EQ(a.addresses[0].score, 0);

  ban.answer_body("");
  ban.delay(1500ms);
  const auto start = std::chrono::steady_clock::now();
  a = geocoder.search("5 rue de Siam 29200 Brest");
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1200ms);
  EXPECT_EQ(a.error, "géocodeur : délai dépassé ou réponse interrompue.");
  ban.delay(0ms);

  const Geocoder nobody = make("http://127.0.0.1:" + std::to_string(closed_port()), 300ms);
  a = nobody.search("5 rue de Siam Brest");
  EXPECT_TRUE(a.addresses.empty());
  EXPECT_EQ(a.error, "géocodeur : connexion impossible.");

  for (const std::string& text : {std::string(), std::string("\xff"), std::string(201, 'a')}) {
    const int before = ban.hits();
    EXPECT_NE(geocoder.search(text).error, "");
    EXPECT_EQ(ban.hits(), before);  // not sent
  }
}

class GeocoderLocateTest : public ::testing::Test {
 protected:
  const PlaceResolver& resolver = PlaceResolver::of(Reference::bundled());
  BanServer ban;
};

TEST_F(GeocoderLocateTest, AStreetAddressIsGeocoded) {
  const Geocoder geocoder = make(ban.url());
  const LocatedPlace p = locate_place(resolver, &geocoder, "5 rue de Siam Brest");
  ASSERT_TRUE(p.found) << p.error;
  EXPECT_EQ(p.label, "5 Rue de Siam 29200 Brest");
  EXPECT_EQ(p.code_insee, "29019");
  EXPECT_NEAR(p.latitude, 48.386941, 1e-9);
  EXPECT_NEAR(p.longitude, -4.488931, 1e-9);
  EXPECT_EQ(ban.hits(), 1);
}

TEST_F(GeocoderLocateTest, ACommuneIsNotSentToTheGeocoder) {
  const Geocoder geocoder = make(ban.url());
  for (const char* text : {"Lyon", "Saint-Denis (93)", "69003", "Paris 20e", "Marseile"}) {
    const LocatedPlace p = locate_place(resolver, &geocoder, text);
    EXPECT_TRUE(p.found) << text;
  }
  EXPECT_EQ(ban.hits(), 0);
  EXPECT_EQ(locate_place(resolver, &geocoder, "Saint-Denis (93)").label, "Saint-Denis (93)");
}

TEST_F(GeocoderLocateTest, OnlyAddressesOfTheRightKindAndScoreAreTaken) {
  const Geocoder geocoder = make(ban.url());
  // The fixture's best answer for this is the municipality: the resolver's arrondissement-aware
  // answer is kept instead.
  ban.answer_body(R"({"type":"FeatureCollection","features":[{"type":"Feature",
      "geometry":{"type":"Point","coordinates":[4.835,45.758]},
      "properties":{"label":"Lyon","type":"municipality","score":0.9,"citycode":"69123"}},
      {"type":"Feature","geometry":{"type":"Point","coordinates":[4.8,45.7]},
      "properties":{"label":"Rue Mercière 69002 Lyon","type":"street","score":0.3,"citycode":"69382"}}]})");
  const LocatedPlace p = locate_place(resolver, &geocoder, "12 rue Mercière 69002 Lyon");
  ASSERT_TRUE(p.found);
  EXPECT_EQ(p.label, "Lyon 2e Arrondissement");
  EXPECT_EQ(p.code_insee, "69382");
  EXPECT_EQ(p.note, "Adresse non localisée : recherche autour de sa commune.");
}

TEST_F(GeocoderLocateTest, TheCommuneStandsInWhenTheGeocoderFails) {
  const Geocoder geocoder = make(ban.url(), 300ms);
  ban.fail_with(500);
  LocatedPlace p = locate_place(resolver, &geocoder, "3 place Bellecour Lyon");
  ASSERT_TRUE(p.found);
  EXPECT_EQ(p.label, "Lyon");
  EXPECT_EQ(p.code_insee, "69123");
  EXPECT_NE(p.note, "");
  // Without a geocoder, the same.
  p = locate_place(resolver, nullptr, "3 place Bellecour Lyon");
  EXPECT_EQ(p.label, "Lyon");
  // Nothing to fall back on: an error a person can act on.
  p = locate_place(resolver, &geocoder, "12 rue de Paris");
  EXPECT_FALSE(p.found);
  EXPECT_NE(p.error.find("ajoutez le code postal"), std::string::npos) << p.error;
}

TEST_F(GeocoderLocateTest, ManyRequestsAtOnce) {
  const Geocoder geocoder = make(ban.url());
  std::vector<std::thread> threads;
  std::atomic<int> found{0};
  for (int i = 0; i < 8; ++i)
    threads.emplace_back([&, i] {
      const char* text = i % 2 ? "12 rue Jean Jaurès Brest" : "3 place Bellecour Lyon";
      if (locate_place(resolver, &geocoder, text).label.find(i % 2 ? "Jaurès" : "Bellecour") !=
          std::string::npos)
        ++found;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(found, 8);
}

}  // namespace
}  // namespace maillage::territory
