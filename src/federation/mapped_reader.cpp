#include "federation/mapped_reader.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <ctime>
#include <set>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "common/encoding.h"
#include "common/utf8.h"
#include "federation/transforms.h"
#include "hours/free_text.h"
#include "hours/parser.h"
#include "text/fold.h"

namespace maillage::federation {
namespace {

constexpr std::size_t kPatternBytes = 1000;

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

// "-", ";;", "/" carry no value: a cell without a letter or a digit is empty.
bool has_letter_or_digit(std::string_view s) {
  for (unsigned char c : s)
    if (std::isalnum(c) || c >= 0x80) return true;
  return false;
}

std::string join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (const auto& p : parts) {
    if (p.empty()) continue;
    if (!out.empty()) out += sep;
    out += p;
  }
  return out;
}

std::vector<std::string> split(std::string_view text, std::string_view sep) {
  std::vector<std::string> out;
  if (sep.empty()) {
    out.emplace_back(utf8::trim(text));
    return out;
  }
  std::size_t start = 0;
  while (true) {
    std::size_t at = text.find(sep, start);
    out.emplace_back(utf8::trim(text.substr(start, at == std::string_view::npos ? std::string_view::npos : at - start)));
    if (at == std::string_view::npos) break;
    start = at + sep.size();
  }
  return out;
}

// The first text of a JSON value at a dotted path inside `json_text` ("lat" in {"lat": 1.5}).
std::string nested_value(std::string_view json_text, std::string_view path) {
  nlohmann::json v = nlohmann::json::parse(json_text, nullptr, false);
  if (v.is_discarded()) return {};
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t dot = path.find('.', start);
    std::string key(path.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start));
    if (!v.is_object() || !v.contains(key)) return {};
    nlohmann::json next = v[key];
    v = std::move(next);
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  if (v.is_string()) return v.get<std::string>();
  if (v.is_null()) return {};
  if (v.is_number_float()) return place::format_number(v.get<double>());
  return v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}


class MappedReader final : public place::RecordReader {
 public:
  MappedReader(std::shared_ptr<const Profile> profile, std::unique_ptr<place::RecordReader> inner,
               std::string file)
      : RecordReader(inner->format(), std::move(file), 1u << 30),
        profile_(std::move(profile)),
        inner_(std::move(inner)) {
    for (const auto& m : profile_->fields) columns_.emplace_back(place::name(m.field));
    for (const auto& e : profile_->empty_markers) empty_markers_.insert(text::fold(e));
  }

  bool next(place::RawRecord& out) override {
    bool more = inner_->next(raw_);
    forward_inner_diagnostics();
    consumed_ = static_cast<std::size_t>(inner_->progress() * static_cast<double>(total_));
    if (!more) {
      if (!finished_) report_columns();
      finished_ = true;
      consumed_ = total_;
      return false;
    }
    index_record();
    out.line = raw_.line;
    out.verbatim = std::move(raw_.verbatim);
    out.fields.clear();
    out.date_unknown = false;
    record_id_.clear();
    for (const auto& m : profile_->fields) {
      std::string v = map_field(m, out.line);
      if (m.field == place::Field::kId) record_id_ = v;
      if (v.empty() && m.default_is_unknown_date) out.date_unknown = true;
      if (!v.empty()) out.fields.emplace_back(std::string(place::name(m.field)), std::move(v));
    }
    for (auto& d : pending_) d.record_id = record_id_;
    for (auto& d : pending_) diagnostics_.push_back(std::move(d));
    pending_.clear();
    return true;
  }

  const std::vector<std::string>& columns() const override { return columns_; }
  std::string_view raw_header() const override { return inner_->raw_header(); }

 private:
  void forward_inner_diagnostics() {
    for (auto& d : inner_->take_diagnostics()) diagnostics_.push_back(std::move(d));
  }

  void note(Severity s, std::int64_t line, const FieldMapping& m, std::string value,
            std::string rule, std::string message) {
    Diagnostic d;
    d.severity = s;
    d.file = file_;
    d.line = line;
    d.field = std::string(place::name(m.field));
    d.value = shorten_for_display(value, 200);
    d.rule = std::move(rule);
    d.message = std::move(message);
    pending_.push_back(std::move(d));
  }

  // The record's values by lower-cased column name, decoded, with the profile's empty markers
  // removed.
  void index_record() {
    values_.clear();
    for (auto& [name, value] : raw_.fields) {
      std::string key = ascii_lower(name);
      std::string v = profile_->encoding == SourceEncoding::kWindows1252
                          ? encoding::windows1252_to_utf8(value)
                          : std::move(value);
      if (profile_->encoding == SourceEncoding::kWindows1252) key = ascii_lower(encoding::windows1252_to_utf8(key));
      std::string_view trimmed = utf8::trim(v);
      if (!has_letter_or_digit(trimmed) || empty_markers_.count(text::fold(trimmed))) continue;
      if (!values_.count(key)) values_.emplace(std::move(key), std::string(trimmed));
    }
  }

  std::string lookup(const std::string& column) const {
    std::string key = ascii_lower(column);
    if (auto it = values_.find(key); it != values_.end()) return it->second;
    // A nested key of a JSON object: "geolocalisation.lat".
    for (std::size_t dot = key.find('.'); dot != std::string::npos; dot = key.find('.', dot + 1)) {
      if (auto it = values_.find(key.substr(0, dot)); it != values_.end()) {
        std::string v = nested_value(it->second, std::string_view(column).substr(dot + 1));
        std::string_view t = utf8::trim(v);
        if (empty_markers_.count(text::fold(t))) return {};
        return std::string(t);
      }
    }
    return {};
  }

  // motif, then decouper/partie, on one column's value.
  std::string extract(const FieldMapping& m, std::string v) const {
    if (v.empty()) return v;
    if (m.pattern) {
      // libstdc++'s regex recurses per character: the pattern only sees the first kPatternBytes
      // (addresses and codes are far shorter), so a huge cell cannot exhaust the stack.
      if (v.size() > kPatternBytes) v.resize(utf8::floor_boundary(v, kPatternBytes));
      std::smatch match;
      if (!std::regex_search(v, match, *m.pattern)) return {};
      v = match.size() > 1 ? match[1].str() : match[0].str();
      v = std::string(utf8::trim(v));
    }
    if (!m.split.empty() && m.part > 0) {
      auto parts = split(v, m.split);
      v = static_cast<std::size_t>(m.part) <= parts.size() ? parts[m.part - 1] : std::string();
    }
    return v;
  }

  std::string map_field(const FieldMapping& m, std::int64_t line) {
    std::string v;
    if (!m.constant.empty()) {
      v = join(m.constant, "|");
    } else if (!m.hash_columns.empty()) {
      std::vector<std::string> parts;
      for (const auto& c : m.hash_columns) parts.push_back(lookup(c));
      v = stable_id(parts);
    } else if (m.hours == HoursMode::kDays) {
      v = map_days(m, line);
    } else if (m.projection == Projection::kLambert93) {
      v = map_projection(m, line);
    } else {
      std::vector<std::string> values;
      bool found = false;  // premiere_non_vide: the columns after the first value count as empty
      for (const auto& c : m.columns) {
        values.push_back(found ? std::string() : extract(m, lookup(c)));
        found |= m.first_non_empty && !values.back().empty();
      }
      if (!m.rules.empty()) v = map_values(m, values, line);
      else if (!m.value_separator.empty()) v = join(split(join(values, m.value_separator), m.value_separator), "|");
      else v = join(values, m.join);
      if (m.hours == HoursMode::kOsm || m.hours == HoursMode::kFreeText) v = map_hours_text(m, v, line);
      if (m.read_date && !v.empty()) v = map_date(m, v, line);
    }
    if (v.empty()) v = m.default_value;
    if (!v.empty() && !m.prefix.empty()) v = m.prefix + v;
    return v;
  }

  static bool applies_to(const ValueRule& r, const std::string& column) {
    if (r.columns.empty()) return true;
    for (const auto& c : r.columns)
      if (ascii_lower(c) == ascii_lower(column)) return true;
    return false;
  }

  bool matches(const FieldMapping& m, const std::string& folded, const std::vector<std::string>& terms) const {
    for (const auto& t : terms) {
      if (m.match == MatchMode::kEqual ? folded == t : folded.find(t) != std::string::npos) return true;
    }
    return false;
  }

  // Value map: every item of every column (split on `separateur`) against the rules.
  std::string map_values(const FieldMapping& m, const std::vector<std::string>& values, std::int64_t line) {
    std::vector<std::string> out, unmatched;
    auto add = [&out](const std::string& v) {
      if (std::find(out.begin(), out.end(), v) == out.end()) out.push_back(v);
    };
    for (std::size_t i = 0; i < values.size(); ++i) {
      const std::string& value = values[i];
      if (value.empty()) continue;
      for (const auto& item : split(value, m.value_separator)) {
        if (item.empty()) continue;
        std::string folded = text::fold(item);
        bool any = false;
        for (const auto& r : m.rules) {
          if (!applies_to(r, m.columns[i])) continue;
          bool hit = r.folded_terms.empty() || matches(m, folded, r.folded_terms);
          if (!hit || matches(m, folded, r.folded_except)) continue;
          any = true;
          for (const auto& t : r.targets) add(t);
        }
        if (any) continue;
        if (m.unmatched == Unmatched::kKeep) add(item);
        else if (m.unmatched == Unmatched::kReport) unmatched.push_back(item);
      }
    }
    if (!unmatched.empty())
      note(Severity::kNotice, line, m, join(unmatched, " ; "), "profil.valeur_non_reprise",
           "valeur(s) de la source sans correspondance dans le profil (" + m.key +
               ") : « " + shorten_for_display(join(unmatched, " ; "), 160) + " » ; non reprise(s).");
    return join(out, "|");
  }

  std::string map_days(const FieldMapping& m, std::int64_t line) {
    std::array<std::string, 7> days;
    std::string shown;
    for (int d = 0; d < 7; ++d) {
      std::vector<std::string> slots;
      for (const auto& slot : m.days[d].slots) {
        if (slot.size() == 1) {
          slots.push_back(lookup(slot[0]));
        } else {
          std::string open = lookup(slot[0]), close = lookup(slot[1]);
          if (!open.empty() && !close.empty()) slots.push_back(open + "-" + close);
        }
      }
      days[d] = join(slots, " / ");
      if (!days[d].empty()) shown += (shown.empty() ? "" : " ; ") + days[d];
    }
    return take_hours(m, hours::normalize_day_columns(days), shown, line);
  }

  std::string map_hours_text(const FieldMapping& m, const std::string& text, std::int64_t line) {
    if (text.empty()) return text;
    if (m.hours == HoursMode::kOsm) {
      if (hours::parse(text).ok()) return text;
      hours::Normalized n = hours::normalize_free_text(text);
      if (n.expression.empty()) {
        note(Severity::kWarning, line, m, text, "horaires.invalide",
             "« " + shorten_for_display(text, 120) + " » n'est ni une expression opening_hours ni "
             "un texte d'horaires reconnu ; les horaires sont laissés de côté.");
        return {};
      }
      note(Severity::kNotice, line, m, text, "horaires.converti",
           "les horaires n'étaient pas au format opening_hours ; lus comme texte libre : « " +
               n.expression + " ».");
      return take_hours(m, std::move(n), text, line);
    }
    return take_hours(m, hours::normalize_free_text(text), text, line);
  }

  // An expression from the free-text normaliser: kept when there is one (it always parses),
  // with a warning naming what was left out.
  std::string take_hours(const FieldMapping& m, hours::Normalized n, const std::string& text,
                         std::int64_t line) {
    if (n.expression.empty()) {
      if (!text.empty())
        note(Severity::kWarning, line, m, text, "horaires.non_reconnus",
             "aucun horaire reconnu dans « " + shorten_for_display(text, 120) + " » (" + n.reason +
                 ") ; les horaires sont laissés de côté.");
      return {};
    }
    if (!n.remainder.empty())
      note(Severity::kWarning, line, m, text, "horaires.partiels",
           "horaires lus : « " + n.expression + " » ; parties non comprises, laissées de côté : « " +
               shorten_for_display(join(n.remainder, " ; "), 160) + " ».");
    return n.expression;
  }

  std::string map_date(const FieldMapping& m, const std::string& text, std::int64_t line) {
    auto d = read_source_date(text);
    if (!d) return text;  // the normaliser reports it
    if (d->approximate)
      note(Severity::kNotice, line, m, text, "date_maj.approximative",
           "« " + text + " » ne donne que le mois : date prise au premier jour du mois (" + d->iso + ").");
    return d->iso;
  }

  std::string map_projection(const FieldMapping& m, std::int64_t line) {
    std::string xs = extract(m, lookup(m.columns[0])), ys = extract(m, lookup(m.columns[1]));
    if (xs.empty() && ys.empty()) return {};
    auto x = read_number(xs), y = read_number(ys);
    if (!x || !y || *x < -400000 || *x > 1400000 || *y < 6000000 || *y > 7200000) {
      note(Severity::kWarning, line, m, xs + " ; " + ys, "coordonnees.projection",
           "« " + xs + " ; " + ys + " » ne sont pas des coordonnées Lambert-93 de la métropole "
           "(x de -400 000 à 1 400 000, y de 6 000 000 à 7 200 000 m) ; coordonnée laissée de côté.");
      return {};
    }
    auto [lat, lon] = lambert93_to_wgs84(*x, *y);
    double v = m.field == place::Field::kLatitude ? lat : lon;
    return place::format_number(std::round(v * 1e7) / 1e7);
  }

  // Columns named by the profile but absent from the file, and source columns not used.
  void report_columns() {
    std::set<std::string> present, used;
    for (const auto& c : inner_->columns()) {
      std::string k = ascii_lower(profile_->encoding == SourceEncoding::kWindows1252
                                      ? encoding::windows1252_to_utf8(c) : c);
      present.insert(k);
    }
    if (inner_->format() == place::Format::kGeoJson) present.insert({"latitude", "longitude"});
    auto use = [&](const std::string& column, const FieldMapping& m) {
      std::string k = ascii_lower(column);
      std::string top = k.substr(0, k.find('.'));
      used.insert(k);
      used.insert(top);
      if (present.count(k) || present.count(top)) return;
      Diagnostic d;
      d.severity = Severity::kWarning;
      d.file = file_;
      d.field = std::string(place::name(m.field));
      d.value = column;
      d.rule = "profil.colonne_absente";
      d.message = "la colonne « " + column + " » nommée par le profil " + profile_->name + " (" +
                  m.key + ") n'existe pas dans le fichier ; le format de la source a peut-être "
                  "changé.";
      diagnostics_.push_back(std::move(d));
    };
    for (const auto& m : profile_->fields) {
      for (const auto& c : m.columns) use(c, m);
      for (const auto& c : m.hash_columns) use(c, m);
      for (const auto& day : m.days)
        for (const auto& slot : day.slots)
          for (const auto& c : slot) use(c, m);
    }
    std::vector<std::string> unused;
    for (const auto& c : inner_->columns())
      if (!used.count(ascii_lower(c))) unused.push_back(c);
    if (unused.empty()) return;
    Diagnostic d;
    d.severity = Severity::kNotice;
    d.file = file_;
    d.rule = "profil.colonnes_non_reprises";
    d.value = shorten_for_display(join(unused, ", "), 200);
    d.message = std::to_string(unused.size()) + " colonne(s) de la source non reprise(s) par le "
                "profil " + profile_->name + " : " + shorten_for_display(join(unused, ", "), 400) +
                " (conservées dans l'enregistrement brut).";
    diagnostics_.push_back(std::move(d));
  }

  std::shared_ptr<const Profile> profile_;
  std::unique_ptr<place::RecordReader> inner_;
  std::vector<std::string> columns_;
  std::set<std::string> empty_markers_;
  place::RawRecord raw_;
  std::unordered_map<std::string, std::string> values_;
  std::string record_id_;
  Diagnostics pending_;
  bool finished_ = false;
};

const char* format_french(SourceFormat f) {
  switch (f) {
    case SourceFormat::kCsv: return "CSV";
    case SourceFormat::kJson: return "un tableau JSON";
    case SourceFormat::kGeoJson: return "du GeoJSON";
    case SourceFormat::kAuto: break;
  }
  return "?";
}

place::OpenedReader wrap(std::shared_ptr<const Profile> profile, place::OpenedReader inner,
                         const std::string& name) {
  if (!inner.reader) return inner;
  if (!profile) return {nullptr, name + " : aucun profil."};
  SourceFormat got = inner.reader->format() == place::Format::kCsv    ? SourceFormat::kCsv
                     : inner.reader->format() == place::Format::kJson ? SourceFormat::kJson
                                                                      : SourceFormat::kGeoJson;
  if (profile->format != SourceFormat::kAuto && got != profile->format)
    return {nullptr, name + " : le profil " + profile->name + " attend " +
                         format_french(profile->format) + " mais le fichier est " +
                         format_french(got) + " (règle profil.format)."};
  return {std::make_unique<MappedReader>(std::move(profile), std::move(inner.reader), name), {}};
}

}  // namespace

place::OpenedReader open_mapped(std::shared_ptr<const Profile> profile,
                                const std::filesystem::path& path, std::string display_name) {
  std::string name = display_name.empty() ? path.string() : std::move(display_name);
  return wrap(std::move(profile), place::open_file(path, name), name);
}

place::OpenedReader open_mapped_bytes(std::shared_ptr<const Profile> profile, std::string bytes,
                                      std::string display_name) {
  std::string name = display_name;
  return wrap(std::move(profile), place::open_bytes(std::move(bytes), std::move(display_name)),
              name);
}

}  // namespace maillage::federation
