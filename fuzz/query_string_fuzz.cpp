// Fuzzes GET /api/v1/lieux below the HTTP layer: the input is a raw query string, split and
// percent-decoded as cpp-httplib does for a request (httplib::detail::parse_query_text), then
// search::parse_query and Index::search over a small real index (two bundled files, 777 places
// with opening hours, New Caledonia's time zone and holidays), built once per process.
// Checks, besides "no crash, no sanitizer report, no timeout":
// - a refused query names a French message (the handler answers 400 with it);
// - a search error is only ever a bad cursor;
// - a page holds at most `limite` live places, no more than the total, without duplicates;
// - the next page (curseur_suivant) is accepted and starts strictly after this one;
// - tri=distance pages are sorted by distance; every place of an ouvert_le page is open.
#include <httplib.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>

#include "fuzz_support.h"
#include "search/index.h"
#include "search/query.h"

namespace {

using namespace maillage;

constexpr const char* kFiles[] = {
    "data/lieux/2022-hinaura-lieux-de-mediation-numeriques-auvergne-rhone-alpes.json",
    "data/lieux/20240320-nouvelle-caledonie-lieux-de-mediation-numeriques-nouvelle-caledonie.json",
};
// "maintenant" is this instant (Tuesday 2 June 2026, 10:00 in Paris), so that runs reproduce.
constexpr std::int64_t kNow = 1780387200;

[[noreturn]] void fail(const char* what, const std::string& detail = {}) {
  std::fprintf(stderr, "query_string_fuzz: %s %s\n", what, detail.c_str());
  std::abort();
}

const search::Index& index() {
  static const search::Index* built = [] {
    auto* idx = new search::Index(fuzz::reference());
    for (const char* file : kFiles) {
      std::filesystem::path path = std::filesystem::path(MAILLAGE_SOURCE_DIR) / file;
      auto opened = place::open_file(path);
      if (!opened.reader) fail("cannot read", path.string());
      const std::string source = path.stem().string();
      place::NormalizeContext ctx{&fuzz::reference(), file, source, fuzz::kToday};
      place::RawRecord raw;
      while (opened.reader->next(raw)) {
        auto result = place::normalize(raw, ctx);
        if (!result.accepted) continue;
        store::StoredPlace p;
        p.source = source;
        p.id = result.place[place::Field::kId];
        p.place = std::move(result.place);
        p.approx_position = result.approx_position;
        idx->upsert(p);
      }
    }
    if (idx->size() < 700) fail("the index is too small", std::to_string(idx->size()));
    return idx;
  }();
  return *built;
}

void check_page(const search::Query& q, const search::SearchResult& r) {
  if (r.error) {
    if (r.error->parameter != "curseur" || r.error->message.empty())
      fail("search error", r.error->message);
    return;
  }
  if (r.hits.size() > q.limit || r.hits.size() > r.total || r.total > index().size())
    fail("page size", std::to_string(r.hits.size()) + " of " + std::to_string(r.total));
  std::set<std::uint32_t> seen;
  double last_distance = -1;
  for (const auto& h : r.hits) {
    if (!index().document(h.doc)) fail("a hit is not a live document");
    if (!seen.insert(h.doc).second) fail("a place twice on one page");
    if (q.sort == search::Sort::kDistance) {
      if (h.distance_km < last_distance) fail("tri=distance out of order");
      last_distance = h.distance_km;
    }
    if (q.open_at && h.open != std::optional<bool>(true)) fail("a closed place under ouvert");
  }
  if (!r.next_cursor.empty() && r.hits.size() != q.limit) fail("a cursor after a short page");
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)index();  // built outside the timed inputs
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  httplib::Params params;
  httplib::detail::parse_query_text(std::string(reinterpret_cast<const char*>(data), size), params);
  auto [query, error] = search::parse_query(params, fuzz::reference());
  if (!query) {
    if (error.message.empty()) fail("a refusal without a message");
    return 0;
  }
  query->now = kNow;
  auto first = index().search(*query);
  check_page(*query, first);
  if (first.error || first.next_cursor.empty()) return 0;
  // The next page: accepted, and none of this page's places again.
  search::Query next = *query;
  next.cursor = first.next_cursor;
  auto second = index().search(next);
  if (second.error) fail("curseur_suivant refused", second.error->message);
  check_page(next, second);
  std::set<std::uint32_t> before;
  for (const auto& h : first.hits) before.insert(h.doc);
  for (const auto& h : second.hits)
    if (before.count(h.doc)) fail("a place on two pages");
  if (second.total != first.total) fail("the total changed between pages");
  return 0;
}
