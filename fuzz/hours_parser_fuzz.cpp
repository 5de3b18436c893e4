// Fuzzes the opening-hours parsers: hours::parse() (both option sets) and the French free-text
// normaliser on the same bytes. Checks, on any input:
// - an error carries a position inside the input (or just past it) and a message;
// - a valid expression prints to a canonical form that parses again to the same form;
// - the evaluator answers for a few days, and the compiled form agrees with it (opening_hours
//   proper; with points in time allowed, the evaluator alone);
// - a normalised free text is a valid expression.
// Memory and time stay bounded: inputs over hours::kMaxExpressionBytes are refused by parse().
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "hours/compiled.h"
#include "hours/evaluator.h"
#include "hours/free_text.h"
#include "hours/parser.h"
#include "hours/printer.h"

namespace {

void check(bool condition) {
  if (!condition) std::abort();
}

const maillage::hours::Zone& paris() {
  static const maillage::hours::Zone zone = *maillage::hours::Zone::load("Europe/Paris");
  return zone;
}

// `compile`: also compile a year (CompiledHours) and compare; only for opening_hours proper,
// whose time ranges are few (repeated times can make thousands of points a day).
void check_expression(const std::string& text, const maillage::hours::ParseOptions& options, bool compile) {
  using namespace maillage::hours;
  const ParseResult r = parse(text, options);
  if (!r.ok()) {
    check(r.error.has_value() && !r.error->message.empty() && r.error->position <= text.size());
    return;
  }
  const std::string canonical = to_string(*r.expression);
  const ParseResult again = parse(canonical, options);
  check(again.ok() && to_string(*again.expression) == canonical);
  const Place place{&paris(), HolidayRegion::kAlsaceMoselle, 48.57, 7.75};
  Evaluator evaluator(*r.expression, place);
  const std::int64_t monday = days_from_civil(2026, 3, 23);  // the week of a daylight-saving change
  CompiledHours index({2026, 2026});
  const PlaceId id = compile ? *index.add(*r.expression, place) : 0;
  for (std::int64_t d = monday; d < monday + 7; ++d) {
    const auto segments = evaluator.day(d);
    check(!segments.empty() && segments.front().start == 0 && segments.back().end == kMinutesPerDay);
    const std::int64_t noon = paris().first_instant_at_or_after(d * kSecondsPerDay + 12 * 3600);
    if (compile) check(index.state(id, index.probe(noon)) == evaluator.state_at(noon));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  check_expression(text, {}, /*compile=*/true);
  maillage::hours::ParseOptions lenient;
  lenient.allow_points_in_time = true;
  lenient.allow_school_holidays = true;
  check_expression(text, lenient, /*compile=*/false);
  if (size <= maillage::hours::kMaxExpressionBytes) {
    const maillage::hours::Normalized n = maillage::hours::normalize_free_text(text);
    check(n.confidence >= 0 && n.confidence <= 1);
    if (!n.expression.empty()) check(maillage::hours::parse(n.expression).ok());
    else check(!n.reason.empty());
  }
  return 0;
}
