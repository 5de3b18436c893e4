#include "place/codec.h"

#include <cstdint>
#include <cstring>
#include <optional>

#include <nlohmann/json.hpp>
#include <simdjson.h>

namespace maillage::place {

void append_json_string(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  std::size_t run = 0;  // start of the pending run of bytes that need no escaping
  // Eight bytes at a time while none needs escaping (a control byte, '"' or '\\'): the usual
  // text of a record has none. Exact tests of "some byte is zero" and "some byte is below n".
  constexpr std::uint64_t kOnes = 0x0101010101010101ull, kHigh = 0x8080808080808080ull;
  auto plain = [&](std::size_t at) {
    std::uint64_t w;
    std::memcpy(&w, s.data() + at, 8);
    const std::uint64_t quote = w ^ (kOnes * '"'), backslash = w ^ (kOnes * '\\');
    const std::uint64_t special = ((w - kOnes * 0x20) & ~w) | ((quote - kOnes) & ~quote) |
                                  ((backslash - kOnes) & ~backslash);
    return (special & kHigh) == 0;
  };
  for (std::size_t i = 0; i < s.size(); ++i) {
    while (i + 8 <= s.size() && plain(i)) i += 8;
    if (i == s.size()) break;
    const auto u = static_cast<unsigned char>(s[i]);
    if (u >= 0x20 && u != '"' && u != '\\') continue;
    out.append(s, run, i - run);
    run = i + 1;
    switch (u) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        out += "\\u00";
        out += kHex[u >> 4];
        out += kHex[u & 15];
    }
  }
  out.append(s, run, s.size() - run);
  out += '"';
}

namespace {
bool is_number_field(Field f) { return f == Field::kLatitude || f == Field::kLongitude; }

// Writes `"field":value` for each non-empty field (but `skip`), each preceded by a comma except
// the first when `first` is true. Returns whether anything was written.
template <typename PlaceLike>
bool append_fields(std::string& out, const PlaceLike& p, bool with_coordinates, bool first,
                   std::optional<Field> skip = std::nullopt) {
  bool wrote = false;
  for (const auto& s : all_fields()) {
    std::string_view v = p[s.field];
    if (v.empty() || s.field == skip) continue;
    if (!with_coordinates && is_number_field(s.field)) continue;
    if (!first) out += ',';
    first = false;
    wrote = true;
    append_json_string(out, s.name);
    out += ':';
    if (is_number_field(s.field)) {
      out += v;
    } else {
      append_json_string(out, v);
    }
  }
  return wrote;
}

void append_properties(std::string& out, const Place& p, bool with_coordinates) {
  out += '{';
  append_fields(out, p, with_coordinates, true);
  out += '}';
}
}  // namespace

void append_json_fields(std::string& out, const CompactPlace& p, bool with_coordinates) {
  // Unpacked once: reading a packed field walks the fields before it.
  struct Unpacked {
    CompactPlace::Views views;
    std::string_view operator[](Field f) const { return views[static_cast<std::size_t>(f)]; }
  };
  append_fields(out, Unpacked{p.views()}, with_coordinates, false, Field::kId);
}

void append_json(std::string& out, const Place& p) { append_properties(out, p, true); }

std::string to_json(const Place& p) {
  std::string out;
  out.reserve(512);
  append_json(out, p);
  return out;
}

bool from_json(std::string_view text, Place& out) {
  // simdjson reads past the end of its input: copy into a padded, reused buffer.
  thread_local simdjson::ondemand::parser parser;
  thread_local std::string buffer;
  buffer.reserve(text.size() + simdjson::SIMDJSON_PADDING);
  buffer.assign(text);
  simdjson::ondemand::document doc;
  if (parser.iterate(simdjson::padded_string_view(buffer.data(), buffer.size(), buffer.capacity()))
          .get(doc))
    return false;
  simdjson::ondemand::object object;
  if (doc.get_object().get(object)) return false;
  for (auto& v : out.values) v.clear();  // keeps their buffers: callers reuse one Place
  for (auto member : object) {
    std::string_view key;
    if (member.unescaped_key().get(key)) return false;
    auto value = member.value();
    simdjson::ondemand::json_type type;
    if (value.type().get(type)) return false;
    const auto f = field_by_name(key);
    switch (type) {
      case simdjson::ondemand::json_type::string: {
        std::string_view v;
        if (value.get_string().get(v)) return false;
        if (f) out[*f] = v;
        break;
      }
      case simdjson::ondemand::json_type::number: {
        simdjson::ondemand::number_type kind;
        if (value.get_number_type().get(kind)) return false;
        if (kind == simdjson::ondemand::number_type::floating_point_number) {
          double d;
          if (value.get_double().get(d)) return false;
          if (f) out[*f] = format_number(d);
        } else {
          std::string_view raw = value.raw_json_token();
          while (!raw.empty() && (raw.back() == ' ' || raw.back() == '\n' || raw.back() == '\t' || raw.back() == '\r'))
            raw.remove_suffix(1);
          if (f) out[*f] = raw;
        }
        break;
      }
      default:
        if (f) return false;  // a standard field is a string or a number
        break;                // an unknown field of any type is ignored (and skipped)
    }
  }
  return true;
}

namespace {

class CsvWriter final : public PlaceWriter {
 public:
  explicit CsvWriter(std::ostream& out) : out_(out) {
    std::string line;
    for (const auto& s : all_fields()) {
      if (!line.empty()) line += ',';
      quote(line, s.name);
    }
    line += '\n';
    out_ << line;
  }
  void write(const Place& p) override {
    buffer_.clear();
    for (std::size_t i = 0; i < kFieldCount; ++i) {
      if (i) buffer_ += ',';
      quote(buffer_, p.values[i]);
    }
    buffer_ += '\n';
    out_ << buffer_;
  }
  void finish() override { out_.flush(); }

 private:
  static void quote(std::string& out, std::string_view v) {
    out += '"';
    for (char c : v) {
      if (c == '"') out += '"';
      out += c;
    }
    out += '"';
  }
  std::ostream& out_;
  std::string buffer_;
};

class JsonWriter final : public PlaceWriter {
 public:
  explicit JsonWriter(std::ostream& out) : out_(out) { out_ << "["; }
  void write(const Place& p) override {
    buffer_.assign(first_ ? "\n" : ",\n");
    first_ = false;
    append_json(buffer_, p);
    out_ << buffer_;
  }
  void finish() override {
    out_ << (first_ ? "]\n" : "\n]\n");
    out_.flush();
  }

 private:
  std::ostream& out_;
  std::string buffer_;
  bool first_ = true;
};

class GeoJsonWriter final : public PlaceWriter {
 public:
  explicit GeoJsonWriter(std::ostream& out) : out_(out) {
    out_ << "{\"type\":\"FeatureCollection\",\"features\":[";
  }
  void write(const Place& p) override {
    buffer_.assign(first_ ? "\n" : ",\n");
    first_ = false;
    buffer_ += "{\"type\":\"Feature\",\"geometry\":";
    if (p.has(Field::kLatitude) && p.has(Field::kLongitude)) {
      buffer_ += "{\"type\":\"Point\",\"coordinates\":[";
      buffer_ += p[Field::kLongitude];
      buffer_ += ',';
      buffer_ += p[Field::kLatitude];
      buffer_ += "]}";
    } else {
      buffer_ += "null";
    }
    buffer_ += ",\"properties\":";
    append_properties(buffer_, p, false);
    buffer_ += '}';
    out_ << buffer_;
  }
  void finish() override {
    out_ << (first_ ? "]}\n" : "\n]}\n");
    out_.flush();
  }

 private:
  std::ostream& out_;
  std::string buffer_;
  bool first_ = true;
};

}  // namespace

std::unique_ptr<PlaceWriter> make_writer(Format format, std::ostream& out) {
  switch (format) {
    case Format::kCsv: return std::make_unique<CsvWriter>(out);
    case Format::kJson: return std::make_unique<JsonWriter>(out);
    case Format::kGeoJson: return std::make_unique<GeoJsonWriter>(out);
  }
  return nullptr;
}

}  // namespace maillage::place
