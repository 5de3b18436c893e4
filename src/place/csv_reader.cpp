// CSV reader. Written for this project rather than taken from a library because the importer
// needs, for every record, its physical starting line and its exact bytes (kept verbatim in the
// store), separator detection (',' for v1, ';' for v0.1 exports and spreadsheets, tab), and
// recovery rules that report rather than abort; Debian's CSV libraries (libcsv) give none of
// these without wrapping code as long as this file.
#include <algorithm>
#include <unordered_set>

#include "common/utf8.h"
#include "place/normalize.h"
#include "place/reader_internal.h"

namespace maillage::place::detail {
namespace {

char detect_separator(std::string_view text) {
  std::size_t counts[3] = {0, 0, 0};  // ',', ';', '\t'
  bool quoted = false;
  for (char c : text) {
    if (c == '"') quoted = !quoted;
    if (quoted) continue;
    if (c == '\n') break;
    if (c == ',') ++counts[0];
    if (c == ';') ++counts[1];
    if (c == '\t') ++counts[2];
  }
  if (counts[1] > counts[0] && counts[1] >= counts[2]) return ';';
  if (counts[2] > counts[0] && counts[2] > counts[1]) return '\t';
  return ',';
}

class CsvReader final : public RecordReader {
 public:
  CsvReader(std::shared_ptr<InputBytes> input, std::string_view text, std::string file)
      : RecordReader(Format::kCsv, std::move(file), text.size()),
        input_(std::move(input)),
        text_(text),
        sep_(detect_separator(text)) {
    read_header();
  }

  bool next(RawRecord& out) override {
    while (pos_ < text_.size()) {
      std::size_t start = pos_;
      std::int64_t line = line_;
      bool ok = parse_row(fields_);
      consumed_ = pos_;
      std::string_view verbatim = text_.substr(start, row_end_ - start);
      if (!ok) {
        report(Severity::kError, line, "", std::string(verbatim.substr(0, 80)),
               "csv.guillemet",
               "un guillemet ouvert n'est jamais fermé : la fin du fichier est illisible à partir "
               "de cette ligne.");
        pos_ = text_.size();
        return false;
      }
      if (fields_.size() == 1 && utf8::trim(fields_[0]).empty()) continue;  // blank line
      if (fields_.size() != header_.size()) {
        report(Severity::kWarning, line, "", std::string(verbatim.substr(0, 80)),
               "csv.colonnes",
               "la ligne a " + std::to_string(fields_.size()) + " colonnes au lieu des " +
                   std::to_string(header_.size()) + " de l'en-tête" +
                   (fields_.size() > header_.size() ? " ; les colonnes en trop sont ignorées."
                                                    : " ; les colonnes manquantes sont vides."));
      }
      out.line = line;
      out.verbatim.assign(verbatim);
      out.fields.clear();
      std::size_t n = std::min(fields_.size(), header_.size());
      for (std::size_t i = 0; i < n; ++i) {
        if (fields_[i].empty()) continue;
        out.fields.emplace_back(header_[i], std::move(fields_[i]));
      }
      return true;
    }
    consumed_ = text_.size();
    return false;
  }

  const std::vector<std::string>& columns() const override { return header_; }
  std::string_view raw_header() const override { return raw_header_; }

 private:
  void read_header() {
    std::size_t start = pos_;
    if (!parse_row(fields_)) {
      report(Severity::kError, 1, "", "", "csv.guillemet",
             "l'en-tête contient un guillemet jamais fermé ; le fichier est illisible.");
      pos_ = text_.size();
      return;
    }
    raw_header_ = text_.substr(start, row_end_ - start);
    for (auto& f : fields_) {
      std::string name(utf8::trim(f));
      for (char& c : name)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      if (!seen_names_.insert(name).second)
        report(Severity::kWarning, 1, name, name, "csv.entete_doublon",
               "la colonne « " + name + " » apparaît plusieurs fois ; seule la première valeur "
               "non vide est utilisée.");
      header_.push_back(std::move(name));
    }
    consumed_ = pos_;
  }

  // Parses one row starting at pos_ into `fields`; advances pos_ past its line terminator and
  // sets row_end_ to the end of its bytes. False on an unterminated quote.
  bool parse_row(std::vector<std::string>& fields) {
    fields.clear();
    std::string field;
    const std::size_t n = text_.size();
    while (true) {
      field.clear();
      if (pos_ < n && text_[pos_] == '"') {
        ++pos_;
        while (true) {
          std::size_t q = text_.find('"', pos_);
          if (q == std::string_view::npos) {
            row_end_ = n;
            return false;
          }
          std::string_view chunk = text_.substr(pos_, q - pos_);
          line_ += std::count(chunk.begin(), chunk.end(), '\n');
          field.append(chunk);
          pos_ = q + 1;
          if (pos_ < n && text_[pos_] == '"') {
            field += '"';
            ++pos_;
            continue;
          }
          break;
        }
        // Text after the closing quote up to the separator is kept as is (lenient).
        while (pos_ < n && text_[pos_] != sep_ && text_[pos_] != '\n' && text_[pos_] != '\r')
          field += text_[pos_++];
      } else {
        std::size_t end = pos_;
        while (end < n && text_[end] != sep_ && text_[end] != '\n' && text_[end] != '\r') ++end;
        field.assign(text_.substr(pos_, end - pos_));
        pos_ = end;
      }
      fields.push_back(std::move(field));
      if (pos_ < n && text_[pos_] == sep_) {
        ++pos_;
        continue;
      }
      row_end_ = pos_;
      if (pos_ < n && text_[pos_] == '\r') ++pos_;
      if (pos_ < n && text_[pos_] == '\n') ++pos_;
      ++line_;
      return true;
    }
  }

  std::shared_ptr<InputBytes> input_;
  std::string_view text_;
  char sep_;
  std::size_t pos_ = 0;
  std::size_t row_end_ = 0;
  std::int64_t line_ = 1;
  std::vector<std::string> header_;
  std::unordered_set<std::string> seen_names_;
  std::string_view raw_header_;
  std::vector<std::string> fields_;
};

}  // namespace

std::unique_ptr<RecordReader> make_csv_reader(std::shared_ptr<InputBytes> input,
                                              std::string_view text, std::string file) {
  return std::make_unique<CsvReader>(std::move(input), text, std::move(file));
}

}  // namespace maillage::place::detail
