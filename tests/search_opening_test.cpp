// Open-now in search: the compiled filter (OpeningIndex::open_set, used by ouvert= and
// ouvert_le=) agrees with the evaluator place by place on the real data, reads ouvert_le in each
// place's own time zone, and stays exact outside the compile window.
#include <gtest/gtest.h>

#include <ctime>
#include <optional>
#include <set>
#include <tuple>

#include "hours/evaluator.h"
#include "hours/holidays.h"
#include "hours/parser.h"
#include "hours_test_support.h"
#include "search/opening.h"
#include "search/service.h"
#include "support/bundled_search.h"
#include "territory/reference.h"

namespace maillage::search {
namespace {

std::int64_t wall(const char* text) {
  auto at = resolve_open_at(text, 0);
  EXPECT_TRUE(at && at->wall) << text;
  return at ? at->time : 0;
}

Roaring bitmap(std::initializer_list<std::uint32_t> docs) {
  Roaring r;
  for (auto d : docs) r.add(d);
  return r;
}

TEST(ResolveOpenAt, AcceptsCalendarTimesOnly) {
  EXPECT_EQ(resolve_open_at("maintenant", 1234)->time, 1234);
  EXPECT_FALSE(resolve_open_at("maintenant", 1234)->wall);
  auto at = resolve_open_at("2026-12-01T10:30", 0);
  ASSERT_TRUE(at);
  EXPECT_TRUE(at->wall);
  EXPECT_EQ(at->time, 1796121000);  // 2026-12-01 10:30 counted as UTC seconds
  EXPECT_TRUE(resolve_open_at("2028-02-29T00:00", 0));
  for (const char* bad : {"2026-02-29T10:00", "2026-04-31T10:00", "2026-12-01T24:00",
                          "2026-12-01T10:60", "2026-13-01T10:00", "2026-12-01 10:00",
                          "2026-12-01T10:00:00", "26-12-01T10:00", "2026-12-0xT10:00", "",
                          "Maintenant", "1800-01-01T10:00"})
    EXPECT_FALSE(resolve_open_at(bad, 0)) << bad;
}

TEST(OpeningIndex, WallTimeIsReadInEachPlacesZone) {
  OpeningIndex index;
  index.set(0, {"Mo-Fr 09:00-12:00", "75056", std::nullopt});  // Paris
  index.set(1, {"Mo-Fr 09:00-12:00", "98818", std::nullopt});  // Nouméa
  index.set(2, {"not hours at all", "75056", std::nullopt});
  index.set(3, {"", "75056", std::nullopt});
  // Tuesday 1 December 2026, 10:00 on every wall clock: both open.
  auto probe = index.probe(*resolve_open_at("2026-12-01T10:00", 0));
  EXPECT_EQ(index.open_set(probe), bitmap({0, 1}));
  EXPECT_EQ(index.open(2, probe), std::nullopt);
  EXPECT_EQ(index.open(3, probe), std::nullopt);
  // The instant 2026-12-01T09:00Z is 10:00 in Paris but 20:00 in Nouméa.
  auto instant = index.probe(OpenAt{false, 1796115600});
  EXPECT_EQ(index.open(0, instant), true);
  EXPECT_EQ(index.open(1, instant), false);
  EXPECT_EQ(index.open_set(instant), bitmap({0}));
  // Re-setting a document moves it; clearing removes it.
  index.set(0, {"Sa 09:00-12:00", "75056", std::nullopt});
  EXPECT_EQ(index.open_set(probe), bitmap({1}));
  index.clear(1);
  EXPECT_TRUE(index.open_set(probe).isEmpty());
  EXPECT_EQ(index.distinct_schedules(), 3u);  // the invalid expression is not compiled
}

constexpr unsigned kSaturday = 1u << hours::kSaturday;

// ouvert_jour: the whole next local day of that weekday (today included), in each place's zone.
TEST(OpeningIndex, OpenOnADayTakesTheWholeNextSuchDayInEachZone) {
  OpeningIndex index;
  // The hours as written (the public-holiday rule is tested by PublicHolidayRule below).
  constexpr auto kAsWritten = hours::HolidayRule::kAsOtherDays;
  index.set(0, {"Sa 09:00-12:00", "75056", std::nullopt, kAsWritten});
  index.set(1, {"Fr 22:00-02:00", "75056", std::nullopt, kAsWritten});  // Saturday until 02:00
  index.set(2, {"Sa 10:00+", "75056", std::nullopt, kAsWritten});  // open end: unknown, not open
  index.set(3, {"Sa 09:00-12:00; PH off", "75056", std::nullopt});
  index.set(4, {"Sa 09:00-12:00", "98818", std::nullopt, kAsWritten});  // Nouméa
  index.set(5, {"Mo-Fr 09:00-17:00", "75056", std::nullopt});
  index.set(6, {"", "75056", std::nullopt});
  // Wednesday 12 August 2026 10:00Z: next Saturday is 15 August, a public holiday.
  EXPECT_EQ(index.open_on_days_set(wall("2026-08-12T10:00"), kSaturday), bitmap({0, 1, 4}));
  // Saturday 6 June 2026 19:30Z: 21:30 in Paris, still Saturday (the morning counts); already
  // Sunday 06:30 in Nouméa, whose next Saturday is the 13th.
  const std::int64_t saturday_evening = wall("2026-06-06T19:30");
  EXPECT_EQ(index.open_on_days_set(saturday_evening, kSaturday), bitmap({0, 1, 3, 4}));
  EXPECT_TRUE(index.open_on_days_set(saturday_evening, 1u << hours::kSunday).isEmpty());
  EXPECT_EQ(index.open_on_days_set(saturday_evening, 1u << hours::kMonday | 1u << hours::kFriday),
            bitmap({1, 5}));
  EXPECT_EQ(index.open_on_days_set(saturday_evening, 0x7f), bitmap({0, 1, 3, 4, 5}));
  // Far outside the compile window: the evaluator answers (Tuesday 5 June 2035; and 15 August
  // 2037, a Saturday).
  EXPECT_EQ(index.open_on_days_set(wall("2035-06-05T10:00"), kSaturday), bitmap({0, 1, 3, 4}));
  EXPECT_EQ(index.open_on_days_set(wall("2037-08-13T10:00"), kSaturday), bitmap({0, 1, 4}));
}

TEST(OpeningStatus, GivesTheNextChangeInThePlacesZone) {
  // Tuesday 1 December 2026 09:00Z = 10:00 in Paris.
  auto s = opening_status({"Mo-Fr 09:00-12:00,14:00-17:00", "75056", std::nullopt}, 1796115600);
  EXPECT_EQ(s.open, true);
  EXPECT_EQ(s.next_change, "2026-12-01T12:00:00+01:00");
  EXPECT_EQ(s.open_after, false);
  auto n = opening_status({"Mo-Fr 09:00-12:00", "98818", std::nullopt}, 1796115600);
  EXPECT_EQ(n.open, false);
  EXPECT_EQ(n.next_change, "2026-12-02T09:00:00+11:00");
  EXPECT_EQ(opening_status({"", "75056", std::nullopt}, 0).open, std::nullopt);
  EXPECT_EQ(opening_status({"lundi matin", "75056", std::nullopt}, 0).open, std::nullopt);
  EXPECT_EQ(opening_status({"Mo-Su 10:00+", "75056", std::nullopt}, 1796115600).open, std::nullopt);
}

std::optional<bool> expected_state(const std::string& word) {
  if (word == "unknown") return std::nullopt;
  EXPECT_TRUE(word == "open" || word == "closed") << word;
  return word == "open";
}

// tests/cases/hours_public_holidays.tsv: hours without PH are closed on the public holidays of
// the place's territory, unless its source says otherwise; the evaluator (opening_status: the
// API's ouvert and the place page) and the compiled filter (ouvert_le) agree with the table.
TEST(PublicHolidayRule, CaseTable) {
  const auto rows =
      hours::testing::read_cases(hours::testing::case_path("hours_public_holidays.tsv"));
  ASSERT_GE(rows.size(), 30u);
  OpeningIndex index;
  std::vector<HoursInput> inputs;
  for (const auto& row : rows) {
    ASSERT_EQ(row.fields.size(), 6u) << "line " << row.line;
    const std::string& rule = row.fields[2];
    ASSERT_TRUE(rule == "ferme" || rule == "comme_les_autres_jours") << "line " << row.line;
    inputs.push_back(
        {row.fields[0], row.fields[1], std::nullopt,
         rule == "ferme" ? hours::HolidayRule::kClosed : hours::HolidayRule::kAsOtherDays});
    index.set(static_cast<std::uint32_t>(inputs.size() - 1), inputs.back());
  }
  for (std::uint32_t i = 0; i < rows.size(); ++i) {
    const auto& f = rows[i].fields;
    const std::string where = "line " + std::to_string(rows[i].line) + ": " + f[0] + " at " + f[3] +
                              " in " + f[1] + " (" + f[5] + ")";
    const std::optional<bool> expected = expected_state(f[4]);
    const std::int64_t instant = zone_for_insee(f[1]).from_wall_compatible(wall(f[3].c_str()));
    EXPECT_EQ(opening_status(inputs[i], instant).open, expected) << where;
    const auto probe = index.probe(*resolve_open_at(f[3], 0));
    EXPECT_EQ(index.open(i, probe), expected) << where;
    EXPECT_EQ(index.open_set(probe).contains(i), expected == true) << where;
  }
}

// The search's ouvert_le filter honours the rule, by each place's source.
TEST(PublicHolidayRule, OuvertLeFilterOfASearch) {
  Index index(territory::Reference::bundled());
  index.set_holidays_as_other_days({"horaires-telles-quelles"});
  auto add = [&](const char* source, const char* id, const char* horaires, bool strasbourg) {
    store::StoredPlace p;
    p.source = source;
    p.id = id;
    p.place[place::Field::kId] = id;
    p.place[place::Field::kNom] = std::string("Lieu ") + id;
    p.place[place::Field::kCommune] = strasbourg ? "Strasbourg" : "Paris";
    p.place[place::Field::kCodePostal] = strasbourg ? "67000" : "75001";
    p.place[place::Field::kCodeInsee] = strasbourg ? "67482" : "75056";
    p.place[place::Field::kDateMaj] = "2026-01-10";
    p.place[place::Field::kHoraires] = horaires;
    p.raw = "{}";
    p.raw_format = "json";
    index.upsert(p);
  };
  add("annuaire", "paris-sans-ph", "Mo-Fr 09:00-17:00", false);
  add("annuaire", "paris-ph-ouvert", "Mo-Fr 09:00-17:00; PH open", false);
  add("annuaire", "paris-ph-matin", "Mo-Fr 09:00-17:00; PH 10:00-12:00", false);
  add("annuaire", "strasbourg-sans-ph", "Mo-Fr 09:00-17:00", true);
  add("horaires-telles-quelles", "paris-source-sans-ferie", "Mo-Fr 09:00-17:00", false);
  auto open_at = [&](const char* at) {
    auto [q, err] = parse_query({{"ouvert_le", at}}, territory::Reference::bundled());
    EXPECT_TRUE(q) << err.message;
    std::set<std::string> ids;
    if (!q) return ids;
    auto r = index.search(*q);
    for (const auto& h : r.hits) {
      ids.insert(std::string(index.document(h.doc)->id));
      EXPECT_EQ(h.open, true) << at;
    }
    return ids;
  };
  using Ids = std::set<std::string>;
  EXPECT_EQ(open_at("2026-12-24T10:00"), (Ids{"paris-sans-ph", "paris-ph-ouvert", "paris-ph-matin",
                                              "strasbourg-sans-ph", "paris-source-sans-ferie"}));
  EXPECT_EQ(open_at("2026-12-25T10:00"),
            (Ids{"paris-ph-ouvert", "paris-ph-matin", "paris-source-sans-ferie"}));
  EXPECT_EQ(open_at("2026-12-25T15:00"), (Ids{"paris-ph-ouvert", "paris-source-sans-ferie"}));
  // 26 December: a holiday in Alsace-Moselle only.
  EXPECT_EQ(open_at("2025-12-26T15:00"),
            (Ids{"paris-sans-ph", "paris-ph-ouvert", "paris-ph-matin", "paris-source-sans-ferie"}));
  // Outside the compile window (the evaluator answers): Christmas 2037, a Friday.
  EXPECT_EQ(open_at("2037-12-25T10:00"),
            (Ids{"paris-ph-ouvert", "paris-ph-matin", "paris-source-sans-ferie"}));
  // The document carries its source's rule (the place page and the API read it).
  EXPECT_EQ(index.find("annuaire", "paris-sans-ph")->holiday_rule, hours::HolidayRule::kClosed);
  EXPECT_EQ(index.find("horaires-telles-quelles", "paris-source-sans-ferie")->holiday_rule,
            hours::HolidayRule::kAsOtherDays);
}

// On the real data: the ouvert_le filter returns exactly the places the evaluator says are open
// at that wall time in their zone.
class OpenNowOnRealData : public testing::BundledSearchTest {
 protected:
  // Public ids matching `params`, over every page.
  static std::set<std::string> ids(std::multimap<std::string, std::string> params) {
    params.emplace("limite", "1000");
    std::set<std::string> out;
    std::string cursor;
    do {
      auto p = params;
      if (!cursor.empty()) p.emplace("curseur", cursor);
      std::optional<Query> q;
      QueryError err;
      std::tie(q, err) = parse_query(p, territory::Reference::bundled());
      EXPECT_TRUE(q) << err.message;
      if (!q) break;
      cursor = service_->read([&](const Index& index) {
        auto r = index.search(*q);
        for (const auto& h : r.hits) out.insert(std::string(index.document(h.doc)->public_id));
        return r.next_cursor;
      });
    } while (!cursor.empty());
    return out;
  }

  static std::set<std::string> evaluated(const char* local) {
    std::set<std::string> out;
    const std::int64_t w = wall(local);
    service_->read([&](const Index& index) {
      for (std::uint32_t doc = 0; const Document* d = index.document(doc); ++doc) {
        const auto& zone = zone_for_insee(d->place[place::Field::kCodeInsee]);
        std::optional<std::pair<double, double>> pos;
        if (d->has_position) pos = std::make_pair(d->latitude, d->longitude);
        auto s = opening_status({d->place[place::Field::kHoraires],
                                 d->place[place::Field::kCodeInsee], pos, d->holiday_rule},
                                zone.from_wall_compatible(w));
        if (s.open == true) out.insert(std::string(d->public_id));
      }
      return 0;
    });
    return out;
  }

};

TEST_F(OpenNowOnRealData, FilterAgreesWithTheEvaluator) {
  // Weekdays, week-end, evenings, public holidays (Christmas, 1 May, Easter Monday 2027), a
  // daylight-saving night, and dates far outside the compile window (evaluated, not compiled).
  for (const char* at : {"2026-12-01T10:00", "2026-12-01T12:30", "2026-12-02T14:00",
                         "2026-12-05T10:00", "2026-12-06T10:00", "2026-12-03T19:00",
                         "2026-12-25T10:00", "2027-05-01T10:00", "2027-03-29T10:00",
                         "2027-03-28T02:30", "2026-12-07T08:59", "2040-06-05T15:00",
                         "1990-01-02T10:00"}) {
    auto filtered = ids({{"ouvert_le", at}});
    auto expected = evaluated(at);
    EXPECT_EQ(filtered, expected) << at;
    // No bundled place says it opens on public holidays (PH): closed on them all.
    const bool holiday = std::string_view(at) == "2026-12-25T10:00" ||
                         std::string_view(at) == "2027-05-01T10:00" ||
                         std::string_view(at) == "2027-03-29T10:00";
    if (std::string_view(at).substr(11) != "02:30" && !holiday) {
      EXPECT_GT(expected.size(), 0u) << at;
    }
  }
  // Some places are open on a Tuesday morning and many fewer on Sunday.
  EXPECT_GT(ids({{"ouvert_le", "2026-12-01T10:00"}}).size(), 5 * ids({{"ouvert_le", "2026-12-06T10:00"}}).size());
}

// The places the evaluator says are open at some minute of the next local `weekday` after `now`.
std::set<std::string> evaluated_day(const search::Service& service, std::int64_t now,
                                    hours::Weekday weekday) {
  std::set<std::string> out;
  service.read([&](const Index& index) {
    for (std::uint32_t doc = 0; const Document* d = index.document(doc); ++doc) {
      const std::string_view insee = d->place[place::Field::kCodeInsee];
      // The expression as evaluated for people: with the public-holiday rule.
      auto expression = expression_for_place(
          {d->place[place::Field::kHoraires], insee, std::nullopt, d->holiday_rule});
      if (!expression) continue;
      hours::Place where{&zone_for_insee(insee), hours::holiday_region_for_insee(insee)};
      if (d->has_position) {
        where.latitude = d->latitude;
        where.longitude = d->longitude;
      }
      hours::Evaluator evaluator(std::move(*expression), where);
      std::int64_t day = hours::split_wall(where.zone->effective_wall_of(now)).day;
      day += (weekday - hours::weekday_of(day) + 7) % 7;
      for (const auto& segment : evaluator.day(day))
        if (segment.state == hours::State::kOpen) {
          out.insert(std::string(d->public_id));
          break;
        }
    }
    return 0;
  });
  return out;
}

TEST_F(OpenNowOnRealData, OpenOnADayAgreesWithTheEvaluator) {
  // A Tuesday, a Saturday evening (today counts, but already Sunday in Nouméa), the week of
  // 15 August (a Saturday holiday), Christmas week, and a date outside the compile window.
  for (const char* at : {"2026-06-02T08:00", "2026-06-06T19:30", "2026-08-12T10:00",
                         "2026-12-21T10:00", "2026-11-29T11:00", "2040-06-05T15:00"}) {
    for (int d = hours::kMonday; d <= hours::kSunday; ++d) {
      std::optional<Query> q;
      QueryError err;
      std::tie(q, err) = parse_query(
          {{"ouvert_jour", weekday_names()[static_cast<std::size_t>(d)]}, {"limite", "1000"}},
          territory::Reference::bundled());
      ASSERT_TRUE(q) << err.message;
      q->now = wall(at);  // the wall time read as UTC: an instant
      std::set<std::string> filtered;
      do {
        q->cursor = service_->read([&](const Index& index) {
          auto r = index.search(*q);
          for (const auto& h : r.hits) filtered.insert(std::string(index.document(h.doc)->public_id));
          return r.next_cursor;
        });
      } while (!q->cursor.empty());
      auto expected = evaluated_day(*service_, q->now, static_cast<hours::Weekday>(d));
      EXPECT_EQ(filtered, expected) << at << " " << weekday_names()[static_cast<std::size_t>(d)];
      // That day in metropolitan France: a public holiday closes every bundled place (none
      // mentions PH but to say "PH off").
      const std::int64_t today = hours::floor_div(q->now, hours::kSecondsPerDay);
      hours::HolidayCalendar national(hours::HolidayRegion::kNational);
      if (!national.holiday_on(today + (d - hours::weekday_of(today) + 7) % 7)) {
        EXPECT_GT(expected.size(), 0u) << at << " " << d;
      }
    }
  }
}

TEST_F(OpenNowOnRealData, CombinesWithFiltersAndFacets) {
  auto all = ids({{"ouvert_le", "2026-12-01T10:00"}});
  auto in_13 = ids({{"ouvert_le", "2026-12-01T10:00"}, {"departement", "13"}});
  EXPECT_LT(in_13.size(), all.size());
  for (const auto& id : in_13) EXPECT_TRUE(all.count(id)) << id;
  std::optional<Query> q;
  QueryError err;
  std::tie(q, err) = parse_query({{"ouvert_le", "2026-12-01T10:00"}, {"facettes", "departement"}, {"departement", "13"}},
                              territory::Reference::bundled());
  ASSERT_TRUE(q);
  auto r = service_->read([&](const Index& index) { return index.search(*q); });
  EXPECT_EQ(r.total, in_13.size());
  // Disjunctive facets: the count of département 13 is the total; other départements still count.
  EXPECT_EQ(r.facets["departement"]["13"], in_13.size());
  std::uint64_t sum = 0;
  for (const auto& [dep, n] : r.facets["departement"]) sum += n;
  EXPECT_GT(sum, r.total);
}

TEST_F(OpenNowOnRealData, EveryHitSaysWhetherItIsOpenAtTheQueryTime) {
  std::optional<Query> q;
  QueryError err;
  std::tie(q, err) = parse_query({{"ouvert_le", "2026-12-01T10:00"}, {"limite", "50"}}, territory::Reference::bundled());
  ASSERT_TRUE(q);
  auto r = service_->read([&](const Index& index) { return index.search(*q); });
  ASSERT_EQ(r.hits.size(), 50u);
  for (const auto& h : r.hits) EXPECT_EQ(h.open, true);
  std::optional<Query> q2;
  QueryError err2;
  std::tie(q2, err2) = parse_query({{"ouvert_le", "2026-12-06T10:00"}, {"limite", "1000"}, {"q", "médiathèque"}},
                                territory::Reference::bundled());
  ASSERT_TRUE(q2);
  // Without the filter, the hits of a Sunday carry false or null, not only true.
  q2->open_at.reset();
  q2->now = 1796547600;  // Sunday 6 December 2026 09:00Z
  auto r2 = service_->read([&](const Index& index) { return index.search(*q2); });
  std::size_t open = 0, closed = 0, unknown = 0;
  for (const auto& h : r2.hits) (h.open ? (*h.open ? open : closed) : unknown)++;
  EXPECT_GT(closed, 0u);
  EXPECT_GT(unknown, 0u);
  EXPECT_LT(open, closed);
}

}  // namespace
}  // namespace maillage::search
