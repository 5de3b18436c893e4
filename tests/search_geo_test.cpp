// Geography of the search index against brute force, on synthetic places dense enough for the
// grid's shortcuts to matter: cells taken whole or skipped by a radius, the nearest-first walk
// of a distance order and its early stop, places without a position, the antimeridian, large
// radii. Every answer must equal what distance_km over every place gives.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "search/index.h"
#include "search/query.h"
#include "store/store.h"
#include "territory/geo.h"
#include "territory/reference.h"

namespace maillage::search {
namespace {

using place::Field;

struct Spot {
  std::string id;
  bool placed = false;
  double lat = 0, lon = 0;
};

class SearchGeo : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    index_ = new Index(territory::Reference::bundled());
    std::mt19937 rng(20261129);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    auto add = [&](double lat, double lon, bool placed) {
      Spot s;
      char id[16];
      std::snprintf(id, sizeof id, "g%05zu", spots_->size());
      s.id = id;
      s.placed = placed;
      s.lat = lat;
      s.lon = lon;
      store::StoredPlace p;
      p.source = "geo";
      p.id = s.id;
      p.place[Field::kId] = s.id;
      p.place[Field::kNom] = "Lieu " + s.id;
      p.place[Field::kCommune] = "Marseille";
      p.place[Field::kCodePostal] = "13001";
      p.place[Field::kCodeInsee] = "13201";
      p.place[Field::kDateMaj] = "2024-01-10";
      if (placed) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.6f", lat);
        p.place[Field::kLatitude] = buf;
        s.lat = std::strtod(buf, nullptr);
        std::snprintf(buf, sizeof buf, "%.6f", lon);
        p.place[Field::kLongitude] = buf;
        s.lon = std::strtod(buf, nullptr);
      }
      p.raw = "{}";
      p.raw_format = "json";
      index_->upsert(p);
      spots_->push_back(s);
    };
    // A dense city (a few thousand places within 8 km of Marseille), places on cell edges,
    // scattered places over metropolitan France, both sides of the antimeridian near
    // Futuna, and places without a position.
    for (int i = 0; i < 4000; ++i)
      add(43.2965 + (unit(rng) - 0.5) * 0.14, 5.3698 + (unit(rng) - 0.5) * 0.2, true);
    for (int i = 0; i < 200; ++i) add(43.0 + 0.1 * (i % 20), 5.0 + 0.1 * (i / 20), true);
    for (int i = 0; i < 1500; ++i) add(42.5 + unit(rng) * 8.5, -4.5 + unit(rng) * 12.5, true);
    for (int i = 0; i < 300; ++i)
      add(-14.3 + (unit(rng) - 0.5) * 2, i % 2 ? -179.9 + unit(rng) * 2.5 : 179.0 + unit(rng), true);
    for (int i = 0; i < 60; ++i) add(0, 0, false);
  }
  static void TearDownTestSuite() {
    delete index_;
    index_ = nullptr;
    spots_->clear();
  }

  static Query parse(std::multimap<std::string, std::string> params) {
    auto [q, err] = parse_query(params, territory::Reference::bundled());
    EXPECT_TRUE(q.has_value()) << err.parameter << " : " << err.message;
    return q.value_or(Query{});
  }
  static std::string id_of(const Hit& h) { return std::string(index_->document(h.doc)->id); }

  // Every hit of the query, `limit` at a time through the cursor.
  static std::vector<Hit> all_pages(Query q, std::size_t limit) {
    q.limit = limit;
    std::vector<Hit> out;
    for (int page = 0; page < 10000; ++page) {
      const SearchResult r = index_->search(q);
      EXPECT_FALSE(r.error.has_value());
      out.insert(out.end(), r.hits.begin(), r.hits.end());
      if (r.next_cursor.empty()) break;
      q.cursor = r.next_cursor;
    }
    return out;
  }

  // Brute force: the places within `radius` of the point (all when negative), nearest first
  // (places without a position last), then by id.
  static std::vector<std::string> expected(double lat, double lon, double radius) {
    std::vector<std::pair<double, std::string>> kept;
    for (const auto& s : *spots_) {
      const double d = s.placed ? territory::distance_km(lat, lon, s.lat, s.lon) : 1e9;
      if (radius < 0 || (s.placed && d <= radius)) kept.emplace_back(d, s.id);
    }
    std::sort(kept.begin(), kept.end());
    std::vector<std::string> ids;
    for (const auto& [d, id] : kept) ids.push_back(id);
    return ids;
  }

  static Index* index_;
  static std::vector<Spot>* spots_;
};

Index* SearchGeo::index_ = nullptr;
std::vector<Spot>* SearchGeo::spots_ = new std::vector<Spot>();

struct Circle {
  double lat, lon, radius;
};
const Circle kCircles[] = {
    {43.2965, 5.3698, 0.5}, {43.2965, 5.3698, 3},   {43.2965, 5.3698, 5},  {43.30, 5.40, 12},
    {43.1242, 5.928, 60},   {45.9, 6.12, 1000},     {48.85, 2.35, 250},    {43.0, 5.0, 7.5},
    {-14.3, -178.1, 300},   {-14.3, 179.6, 150},    {43.25, 5.35, 0.01},
};

std::string circle_name(const Circle& c) {
  char buf[96];
  std::snprintf(buf, sizeof buf, "lat=%g lon=%g rayon_km=%g", c.lat, c.lon, c.radius);
  return buf;
}

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6f", v);
  return buf;
}

TEST_F(SearchGeo, RadiusHoldsExactlyThePlacesWithinIt) {
  for (const auto& c : kCircles) {
    auto want = expected(c.lat, c.lon, c.radius);
    Query q = parse({{"lat", number(c.lat)}, {"lon", number(c.lon)},
                     {"rayon_km", number(c.radius)}, {"tri", "nom"}, {"limite", "1000"}});
    const SearchResult r = index_->search(q);
    EXPECT_EQ(r.total, want.size()) << circle_name(c);
    std::set<std::string> got;
    for (const auto& h : all_pages(q, 1000)) got.insert(id_of(h));
    EXPECT_EQ(got, std::set<std::string>(want.begin(), want.end())) << circle_name(c);
  }
}

TEST_F(SearchGeo, DistanceOrderIsNearestFirstOnEveryPage) {
  for (const auto& c : kCircles) {
    const auto want = expected(c.lat, c.lon, c.radius);
    // By relevance, with or without words: "lieu" is in every name, so one tier holds every
    // place and distance orders it.
    for (const std::string sort : {"distance", "pertinence", "pertinence+q"}) {
      std::multimap<std::string, std::string> params{{"lat", number(c.lat)},
                                                     {"lon", number(c.lon)},
                                                     {"rayon_km", number(c.radius)},
                                                     {"tri", sort.substr(0, sort.find('+'))}};
      if (sort == "pertinence+q") params.emplace("q", "lieu");
      Query q = parse(params);
      for (const std::size_t limit : {7u, 250u}) {
        std::vector<std::string> got;
        double last = -1;
        for (const auto& h : all_pages(q, limit)) {
          got.push_back(id_of(h));
          EXPECT_GE(h.distance_km, last) << circle_name(c);
          last = h.distance_km;
        }
        EXPECT_EQ(got, want) << circle_name(c) << " tri=" << sort << " limite=" << limit;
      }
    }
  }
}

TEST_F(SearchGeo, DistanceOrderWithoutRadiusPutsUnplacedPlacesLast) {
  for (const auto& [lat, lon] : {std::pair{43.2965, 5.3698}, std::pair{-14.3, -179.95},
                                 std::pair{48.85, 2.35}}) {
    const auto want = expected(lat, lon, -1);
    Query q = parse({{"lat", number(lat)}, {"lon", number(lon)}, {"tri", "distance"}});
    std::vector<std::string> got;
    for (const auto& h : all_pages(q, 500)) got.push_back(id_of(h));
    EXPECT_EQ(got, want) << lat << "," << lon;
    // The first page alone (the walk stops early) agrees with the full order.
    q.limit = 20;
    const SearchResult first = index_->search(q);
    ASSERT_EQ(first.hits.size(), 20u);
    for (std::size_t i = 0; i < 20; ++i) EXPECT_EQ(id_of(first.hits[i]), want[i]);
    EXPECT_FALSE(first.next_cursor.empty());
  }
}

TEST_F(SearchGeo, BoxHoldsExactlyThePlacesInsideIt) {
  struct Box {
    double min_lon, min_lat, max_lon, max_lat;
  };
  for (const auto& b : {Box{5.30, 43.25, 5.45, 43.35}, Box{4.23, 43.15, 5.81, 43.93},
                        Box{5.0, 43.0, 5.9, 44.9}, Box{-5, 41, 10, 52}}) {
    std::set<std::string> want;
    for (const auto& s : *spots_)
      if (s.placed && s.lat >= b.min_lat && s.lat <= b.max_lat && s.lon >= b.min_lon &&
          s.lon <= b.max_lon)
        want.insert(s.id);
    const std::string box = number(b.min_lon) + "," + number(b.min_lat) + "," +
                            number(b.max_lon) + "," + number(b.max_lat);
    Query q = parse({{"bbox", box}});
    EXPECT_EQ(index_->search(q).total, want.size()) << box;
    std::set<std::string> got;
    for (const auto& h : all_pages(q, 1000)) got.insert(id_of(h));
    EXPECT_EQ(got, want) << box;
  }
}

}  // namespace
}  // namespace maillage::search

namespace maillage::search {
namespace {

// Places met nearest first in document order (numbered in space order, they often are): once
// the page is full every later place is farther than its last one and passed over unread,
// and the page must still say that more come after it.
TEST(SearchGeoPaging, PlacesPassedOverAfterAFullPageStillMakeANextPage) {
  Index index(territory::Reference::bundled());
  std::vector<std::string> ids;
  for (int i = 0; i < 40; ++i) {  // along a meridian, 100 m apart, nearest first
    char id[16], lat[32];
    std::snprintf(id, sizeof id, "p%02d", i);
    std::snprintf(lat, sizeof lat, "%.6f", 43.30 + 0.0009 * i);
    store::StoredPlace p;
    p.source = "geo";
    p.id = id;
    p.place[Field::kId] = id;
    p.place[Field::kNom] = std::string("Lieu ") + id;
    p.place[Field::kCommune] = "Marseille";
    p.place[Field::kCodePostal] = "13001";
    p.place[Field::kCodeInsee] = "13201";
    p.place[Field::kDateMaj] = "2024-01-10";
    p.place[Field::kLatitude] = lat;
    p.place[Field::kLongitude] = "5.370000";
    p.raw = "{}";
    p.raw_format = "json";
    index.upsert(p);
    ids.push_back(id);
  }
  auto [parsed, err] = parse_query({{"lat", "43.2999"}, {"lon", "5.37"}, {"tri", "distance"}},
                                   territory::Reference::bundled());
  ASSERT_TRUE(parsed.has_value()) << err.message;
  Query q = *parsed;
  q.limit = 6;
  std::vector<std::string> seen;
  for (int page = 0; page < 20; ++page) {
    const SearchResult r = index.search(q);
    for (const auto& h : r.hits) seen.push_back(std::string(index.document(h.doc)->id));
    if (r.next_cursor.empty()) break;
    q.cursor = r.next_cursor;
  }
  EXPECT_EQ(seen, ids);
}

// The numbering of a bulk load: the Z-order curve of 2^24 steps of latitude and longitude, bit
// by bit here (latitude on the odd bits), and places without a position after every other.
TEST(BulkOrderKey, InterleavesLatitudeAndLongitudeAndPutsUnplacedPlacesLast) {
  auto steps = [](double v, double lo, double span) {
    return static_cast<std::uint64_t>(std::clamp((v - lo) / span, 0.0, 1.0) *
                                      double((1u << 24) - 1));
  };
  auto expected = [&](double lat, double lon) {
    const std::uint64_t y = steps(lat, -90, 180), x = steps(lon, -180, 360);
    std::uint64_t key = 0;
    for (int bit = 0; bit < 24; ++bit)
      key |= ((x >> bit) & 1) << (2 * bit) | ((y >> bit) & 1) << (2 * bit + 1);
    return key;
  };
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> lat(-90, 90), lon(-180, 180);
  PreparedPlace p;
  p.has_position = true;
  for (int i = 0; i < 10000; ++i) {
    p.latitude = lat(rng);
    p.longitude = lon(rng);
    ASSERT_EQ(Index::bulk_order_key(p), expected(p.latitude, p.longitude))
        << p.latitude << ", " << p.longitude;
  }
  // The corners, and a place and its neighbour 1 m east in Marseille closer to each other on
  // the curve than to Toulon.
  p.latitude = 90;
  p.longitude = 180;
  EXPECT_EQ(Index::bulk_order_key(p), (std::uint64_t{1} << 48) - 1);
  p.latitude = -90;
  p.longitude = -180;
  EXPECT_EQ(Index::bulk_order_key(p), 0u);
  auto key = [&](double la, double lo) {
    p.latitude = la;
    p.longitude = lo;
    return Index::bulk_order_key(p);
  };
  const std::uint64_t marseille = key(43.2965, 5.3698), next = key(43.2965, 5.36981),
                      toulon = key(43.1242, 5.928);
  EXPECT_LT(std::max(marseille, next) - std::min(marseille, next),
            std::max(marseille, toulon) - std::min(marseille, toulon));
  PreparedPlace unplaced;
  EXPECT_EQ(Index::bulk_order_key(unplaced), ~std::uint64_t{0});
}

}  // namespace
}  // namespace maillage::search
