// JSON and GeoJSON readers. The top level is scanned by hand to split it into elements (so that
// memory stays flat on huge files, every record knows its line, and one malformed element does
// not lose the others); each element is then parsed with nlohmann-json.
#include <algorithm>

#include <nlohmann/json.hpp>

#include "place/reader_internal.h"

namespace maillage::place::detail {
namespace {

using nlohmann::json;

// A cursor over JSON text that skips values without building them.
class Scanner {
 public:
  explicit Scanner(std::string_view text) : t_(text) {}

  std::size_t pos() const { return pos_; }
  std::int64_t line() const { return line_; }
  bool at_end() const { return pos_ >= t_.size(); }
  char peek() const { return at_end() ? '\0' : t_[pos_]; }
  void advance() {
    if (!at_end()) {
      if (t_[pos_] == '\n') ++line_;
      ++pos_;
    }
  }

  void skip_space() {
    while (!at_end() && (t_[pos_] == ' ' || t_[pos_] == '\n' || t_[pos_] == '\r' ||
                         t_[pos_] == '\t'))
      advance();
  }

  // Skips one JSON value; false when the text ends or breaks inside it. Depth is bounded.
  bool skip_value() {
    skip_space();
    int depth = 0;
    do {
      if (at_end()) return false;
      char c = t_[pos_];
      if (c == '"') {
        if (!skip_string()) return false;
      } else if (c == '[' || c == '{') {
        if (++depth > 512) return false;
        advance();
      } else if (c == ']' || c == '}') {
        if (depth == 0) return false;
        --depth;
        advance();
      } else {
        advance();
      }
      if (depth > 0) continue;
      // A scalar ends at a delimiter.
      if (c != '"' && c != ']' && c != '}') {
        while (!at_end() && std::string_view(",]} \n\r\t:").find(t_[pos_]) == std::string_view::npos)
          advance();
      }
    } while (depth > 0);
    return true;
  }

  // Reads a string key; false if not at a string.
  bool read_string(std::string& out) {
    if (peek() != '"') return false;
    std::size_t start = pos_;
    if (!skip_string()) return false;
    json parsed = json::parse(t_.substr(start, pos_ - start), nullptr, false);
    if (!parsed.is_string()) return false;
    out = parsed.get<std::string>();
    return true;
  }

 private:
  bool skip_string() {
    advance();  // opening quote
    while (!at_end()) {
      char c = t_[pos_];
      if (c == '\\') {
        advance();
        advance();
        continue;
      }
      advance();
      if (c == '"') return true;
    }
    return false;
  }

  std::string_view t_;
  std::size_t pos_ = 0;
  std::int64_t line_ = 1;
};

std::string value_to_text(const json& v) {
  switch (v.type()) {
    case json::value_t::string: return v.get<std::string>();
    case json::value_t::null: return {};
    case json::value_t::boolean: return v.get<bool>() ? "true" : "false";
    case json::value_t::number_float: return format_number(v.get<double>());
    case json::value_t::number_integer:
    case json::value_t::number_unsigned: return v.dump();
    case json::value_t::array: {
      std::string joined;
      for (const auto& e : v) {
        std::string piece = value_to_text(e);
        if (piece.empty()) continue;
        if (!joined.empty()) joined += kMultiSeparator;
        joined += piece;
      }
      return joined;
    }
    default: return v.dump(-1, ' ', false, json::error_handler_t::replace);
  }
}

class JsonReader final : public RecordReader {
 public:
  JsonReader(std::shared_ptr<InputBytes> input, std::string_view text, std::string file,
             Format format, Scanner scanner)
      : RecordReader(format, std::move(file), text.size()),
        input_(std::move(input)),
        text_(text),
        s_(scanner) {}

  bool next(RawRecord& out) override {
    while (!done_) {
      s_.skip_space();
      if (s_.peek() == ']') {
        done_ = true;
        break;
      }
      if (!first_) {
        if (s_.peek() != ',') return stop("json.structure", "une virgule ou « ] » est attendu");
        s_.advance();
        s_.skip_space();
      }
      first_ = false;
      std::int64_t line = s_.line();
      std::size_t start = s_.pos();
      if (!s_.skip_value()) return stop("json.structure", "le texte JSON est tronqué ou mal formé");
      consumed_ = s_.pos();
      std::string_view element = text_.substr(start, s_.pos() - start);
      if (to_record(element, line, out)) return true;
    }
    consumed_ = text_.size();
    return false;
  }

  const std::vector<std::string>& columns() const override { return columns_; }
  std::string_view raw_header() const override { return {}; }

 private:
  bool stop(std::string rule, std::string what) {
    report(Severity::kError, s_.line(), "", "", std::move(rule),
           what + " à cet endroit ; la suite du fichier est ignorée.");
    done_ = true;
    consumed_ = text_.size();
    return false;
  }

  bool to_record(std::string_view element, std::int64_t line, RawRecord& out) {
    json parsed = json::parse(element, nullptr, false);
    if (parsed.is_discarded()) {
      report(Severity::kError, line, "", std::string(element.substr(0, 80)), "json.element",
             "cet élément n'est pas du JSON valide ; il est ignoré.");
      return false;
    }
    const json* props = &parsed;
    const json* geometry = nullptr;
    if (format_ == Format::kGeoJson) {
      if (!parsed.is_object() || !parsed.contains("properties") || !parsed["properties"].is_object()) {
        report(Severity::kError, line, "", std::string(element.substr(0, 80)), "geojson.feature",
               "cet élément n'est pas une « Feature » GeoJSON avec des « properties » ; il est "
               "ignoré.");
        return false;
      }
      props = &parsed["properties"];
      if (parsed.contains("geometry")) geometry = &parsed["geometry"];
    } else if (!parsed.is_object()) {
      report(Severity::kError, line, "", std::string(element.substr(0, 80)), "json.objet",
             "cet élément n'est pas un objet JSON (un lieu) ; il est ignoré.");
      return false;
    }
    out.line = line;
    out.verbatim.assign(element);
    out.fields.clear();
    for (const auto& [key, value] : props->items()) {
      note_column(key);
      std::string v = value_to_text(value);
      if (!v.empty()) out.fields.emplace_back(key, std::move(v));
    }
    if (geometry) add_geometry(*geometry, out);
    return true;
  }

  void add_geometry(const json& g, RawRecord& out) {
    auto has = [&](std::string_view k) {
      return std::any_of(out.fields.begin(), out.fields.end(),
                         [&](const auto& f) { return f.first == k; });
    };
    if (!g.is_object() || g.value("type", "") != "Point" || !g.contains("coordinates")) return;
    const json& c = g["coordinates"];
    if (!c.is_array() || c.size() < 2 || !c[0].is_number() || !c[1].is_number()) return;
    if (!has("latitude") && !has("longitude")) {
      out.fields.emplace_back("longitude", value_to_text(c[0]));
      out.fields.emplace_back("latitude", value_to_text(c[1]));
    }
  }

  void note_column(const std::string& key) {
    if (columns_.size() < 256 && std::find(columns_.begin(), columns_.end(), key) == columns_.end())
      columns_.push_back(key);
  }

  std::shared_ptr<InputBytes> input_;
  std::string_view text_;
  Scanner s_;
  bool done_ = false;
  bool first_ = true;
  std::vector<std::string> columns_;
};

// Positions the scanner inside the "features" array of a GeoJSON object; false if absent.
bool enter_features(Scanner& s) {
  s.advance();  // '{'
  while (true) {
    s.skip_space();
    if (s.peek() == '}') return false;
    std::string key;
    if (!s.read_string(key)) return false;
    s.skip_space();
    if (s.peek() != ':') return false;
    s.advance();
    s.skip_space();
    if (key == "features" && s.peek() == '[') {
      s.advance();
      return true;
    }
    if (!s.skip_value()) return false;
    s.skip_space();
    if (s.peek() == ',') s.advance();
  }
}

}  // namespace

std::unique_ptr<RecordReader> make_json_reader(std::shared_ptr<InputBytes> input,
                                               std::string_view text, std::string file,
                                               std::string& error) {
  Scanner s(text);
  s.skip_space();
  if (s.peek() == '[') {
    s.advance();
    return std::make_unique<JsonReader>(std::move(input), text, std::move(file), Format::kJson, s);
  }
  if (!enter_features(s)) {
    error = "l'objet JSON n'est pas une FeatureCollection GeoJSON (pas de tableau « features ») ; "
            "un fichier JSON doit être un tableau de lieux ou une FeatureCollection.";
    return nullptr;
  }
  return std::make_unique<JsonReader>(std::move(input), text, std::move(file), Format::kGeoJson, s);
}

}  // namespace maillage::place::detail
