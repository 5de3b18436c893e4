// Parsing and validating opening_hours expressions.
//
//   ParseResult r = hours::parse("Mo-Fr 09:00-12:00,14:00-18:00; PH off");
//   if (!r.ok()) puts(r.error->to_french().c_str());
//
// The grammar is the wiki's "Key:opening_hours/specification" (see docs/hours.md). The parser
// also reads a few common mistakes and reports each one as a warning: French day names
// ("lundi"), hours written "9h30" or "9.30", hours without minutes ("9-12"), typographic dashes.
// Expected failures are values: parse() never throws, never aborts, and runs in time and memory
// linear in the input (inputs over kMaxExpressionBytes are refused). Thread-safe.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "hours/ast.h"

namespace maillage::hours {

constexpr std::size_t kMaxExpressionBytes = 4096;

struct ParseOptions {
  // Points in time ("10:00") and repeated times ("10:00-16:00/01:30") belong to keys such as
  // collection_times and service_times; in opening_hours they are errors.
  bool allow_points_in_time = false;
  // SH needs a school-calendar source, which maillage does not have yet: by default an SH
  // selector is an error ("hours.sh.unsupported"). Tests of the syntax may allow it.
  bool allow_school_holidays = false;
};

struct ParseResult {
  std::optional<Expression> expression;  // set when the expression is valid
  std::optional<Problem> error;          // set when it is not
  std::vector<Problem> warnings;         // legal but suspect, or read with tolerance

  bool ok() const { return expression.has_value(); }
};

ParseResult parse(std::string_view source, const ParseOptions& options = {});

}  // namespace maillage::hours
