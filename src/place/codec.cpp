#include "place/codec.h"

#include <nlohmann/json.hpp>

namespace maillage::place {

void append_json_string(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (u < 0x20) {
          out += "\\u00";
          out += kHex[u >> 4];
          out += kHex[u & 15];
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

namespace {
bool is_number_field(Field f) { return f == Field::kLatitude || f == Field::kLongitude; }

void append_properties(std::string& out, const Place& p, bool with_coordinates) {
  out += '{';
  bool first = true;
  for (const auto& s : all_fields()) {
    const std::string& v = p[s.field];
    if (v.empty()) continue;
    if (!with_coordinates && is_number_field(s.field)) continue;
    if (!first) out += ',';
    first = false;
    append_json_string(out, s.name);
    out += ':';
    if (is_number_field(s.field)) {
      out += v;
    } else {
      append_json_string(out, v);
    }
  }
  out += '}';
}
}  // namespace

void append_json(std::string& out, const Place& p) { append_properties(out, p, true); }

std::string to_json(const Place& p) {
  std::string out;
  out.reserve(512);
  append_json(out, p);
  return out;
}

bool from_json(std::string_view text, Place& out) {
  auto parsed = nlohmann::json::parse(text, nullptr, false);
  if (!parsed.is_object()) return false;
  out = Place{};
  for (const auto& [key, value] : parsed.items()) {
    auto f = field_by_name(key);
    if (!f) continue;
    if (value.is_string()) {
      out[*f] = value.get<std::string>();
    } else if (value.is_number_float()) {
      out[*f] = format_number(value.get<double>());
    } else if (value.is_number()) {
      out[*f] = value.dump();
    } else {
      return false;
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
