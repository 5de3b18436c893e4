#include "hours/printer.h"

#include <string_view>

#include "hours/parser_impl.h"

namespace maillage::hours {

namespace {

void append_two_digits(std::string& out, int n) {
  out += static_cast<char>('0' + n / 10 % 10);
  out += static_cast<char>('0' + n % 10);
}

void append_clock(std::string& out, int minutes) {
  append_two_digits(out, minutes / 60);
  out += ':';
  append_two_digits(out, minutes % 60);
}

void append_day_offset(std::string& out, int offset) {
  if (offset == 0) return;
  out += offset > 0 ? " +" : " -";
  const int n = offset > 0 ? offset : -offset;
  out += std::to_string(n);
  out += n == 1 ? " day" : " days";
}

void append_nth(std::string& out, const std::vector<int>& nth) {
  out += '[';
  for (std::size_t i = 0; i < nth.size();) {
    if (i > 0) out += ',';
    std::size_t j = i;
    while (j + 1 < nth.size() && nth[j] > 0 && nth[j + 1] == nth[j] + 1) ++j;
    out += std::to_string(nth[i]);
    if (j > i) {
      out += '-';
      out += std::to_string(nth[j]);
    }
    i = j + 1;
  }
  out += ']';
}

void append_date_point(std::string& out, const DatePoint& d) {
  if (d.year != 0) {
    out += std::to_string(d.year);
    out += ' ';
  }
  switch (d.kind) {
    case DatePoint::Kind::kEaster:
      out += "easter";
      break;
    case DatePoint::Kind::kNthWeekday:
      out += detail::month_name(d.month);
      out += ' ';
      out += detail::weekday_name(d.weekday);
      append_nth(out, {d.nth});
      break;
    case DatePoint::Kind::kCalendar:
      out += detail::month_name(d.month);
      out += ' ';
      append_two_digits(out, d.day);
      break;
  }
  append_day_offset(out, d.day_offset);
}

void append_monthday(std::string& out, const MonthdayRange& r) {
  if (r.kind == MonthdayRange::Kind::kMonths) {
    out += detail::month_name(r.month_from);
    if (r.month_to != r.month_from) {
      out += '-';
      out += detail::month_name(r.month_to);
    }
    return;
  }
  append_date_point(out, r.from);
  if (r.to) {
    out += '-';
    const DatePoint& to = *r.to;
    if (to.kind == DatePoint::Kind::kCalendar && r.from.kind == DatePoint::Kind::kCalendar &&
        to.month == r.from.month && to.year == r.from.year && to.day >= r.from.day) {
      append_two_digits(out, to.day);
    } else {
      append_date_point(out, to);
    }
    if (r.step > 1) {
      out += '/';
      out += std::to_string(r.step);
    }
  }
}

void append_year(std::string& out, const YearRange& y) {
  out += std::to_string(y.from);
  if (y.open_ended) {
    if (y.step > 1) {
      out += '/';
      out += std::to_string(y.step);
    } else {
      out += '+';
    }
    return;
  }
  if (y.to != y.from) {
    out += '-';
    out += std::to_string(y.to);
  }
  if (y.step > 1) {
    out += '/';
    out += std::to_string(y.step);
  }
}

void append_weekday(std::string& out, const WeekdayRange& w) {
  out += detail::weekday_name(w.from);
  if (!w.nth.empty()) {
    append_nth(out, w.nth);
    append_day_offset(out, w.day_offset);
    return;
  }
  if (w.to != w.from) {
    out += '-';
    out += detail::weekday_name(w.to);
  }
}

void append_holiday(std::string& out, const HolidayRange& h) {
  out += h.kind == HolidayRange::Kind::kPublic ? "PH" : "SH";
  append_day_offset(out, h.day_offset);
}

template <class T, class F>
void append_list(std::string& out, const std::vector<T>& items, F append_one) {
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ',';
    append_one(out, items[i]);
  }
}

void append_time_point(std::string& out, const TimePoint& p) {
  if (!p.is_event()) {
    append_clock(out, p.minutes);
    return;
  }
  std::string_view name;
  switch (p.kind) {
    case TimePoint::Kind::kSunrise: name = "sunrise"; break;
    case TimePoint::Kind::kSunset: name = "sunset"; break;
    case TimePoint::Kind::kDawn: name = "dawn"; break;
    default: name = "dusk"; break;
  }
  if (p.minutes == 0 && !p.parenthesised) {
    out += name;
    return;
  }
  out += '(';
  out += name;
  out += p.minutes < 0 ? '-' : '+';
  append_clock(out, p.minutes < 0 ? -p.minutes : p.minutes);
  out += ')';
}

void append_time_span(std::string& out, const TimeSpan& t) {
  append_time_point(out, t.start);
  if (t.end) {
    out += '-';
    append_time_point(out, *t.end);
  }
  if (t.open_end) out += '+';
  if (t.repeat_minutes > 0) {
    out += '/';
    append_clock(out, t.repeat_minutes);
  }
}

void append_section(std::string& out, std::string_view text) {
  if (text.empty()) return;
  if (!out.empty()) out += ' ';
  out += text;
}

}  // namespace

std::string clock_string(int minutes) {
  std::string out;
  append_clock(out, minutes);
  return out;
}

std::string to_string(const TimePoint& point) {
  std::string out;
  append_time_point(out, point);
  return out;
}

std::string to_string(const Rule& rule) {
  std::string out, part;
  append_list(part, rule.years, append_year);
  append_section(out, part);
  part.clear();
  append_list(part, rule.monthdays, append_monthday);
  // "Mar" then "Su[-1]" would read back as the date "Mar Su[-1]": separate them with ":".
  if (!rule.monthdays.empty() && rule.monthdays.back().kind == MonthdayRange::Kind::kMonths && rule.weeks.empty() &&
      !rule.holidays_restrict_weekdays && !rule.weekdays.empty() && !rule.weekdays.front().nth.empty())
    part += ':';
  append_section(out, part);
  part.clear();
  if (!rule.weeks.empty()) {
    part = "week ";
    append_list(part, rule.weeks, [](std::string& o, const WeekRange& w) {
      append_two_digits(o, w.from);
      if (w.to != w.from) {
        o += '-';
        append_two_digits(o, w.to);
      }
      if (w.step > 1) {
        o += '/';
        o += std::to_string(w.step);
      }
    });
    append_section(out, part);
    part.clear();
  }
  if (rule.holidays_restrict_weekdays) {
    append_list(part, rule.holidays, append_holiday);
    append_section(out, part);
    part.clear();
    append_list(part, rule.weekdays, append_weekday);
  } else {
    append_list(part, rule.weekdays, append_weekday);
    if (!rule.weekdays.empty() && !rule.holidays.empty()) part += ',';
    append_list(part, rule.holidays, append_holiday);
  }
  append_section(out, part);
  part.clear();
  if (rule.always) part = "24/7";
  if (rule.always && !rule.times.empty()) part += ',';
  append_list(part, rule.times, append_time_span);
  append_section(out, part);
  if (rule.state) {
    static constexpr std::string_view kStates[] = {"open", "closed", "off", "unknown"};
    append_section(out, kStates[static_cast<int>(*rule.state)]);
  }
  if (rule.comment) append_section(out, "\"" + *rule.comment + "\"");
  return out;
}

std::string to_string(const Expression& expression) {
  std::string out;
  for (std::size_t i = 0; i < expression.rules.size(); ++i) {
    const Rule& rule = expression.rules[i];
    if (i > 0) {
      switch (rule.separator) {
        case RuleSeparator::kNormal: out += "; "; break;
        case RuleSeparator::kAdditional: out += ", "; break;
        case RuleSeparator::kFallback: out += " || "; break;
      }
    }
    out += to_string(rule);
  }
  return out;
}

}  // namespace maillage::hours
