#include "place/reader.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/encoding.h"
#include "place/reader_internal.h"

namespace maillage::place {
namespace {

class MappedFile final : public InputBytes {
 public:
  MappedFile(void* data, std::size_t size) : data_(data), size_(size) {}
  ~MappedFile() override {
    if (data_ && size_) munmap(data_, size_);
  }
  std::string_view bytes() const override {
    return {static_cast<const char*>(data_), size_};
  }

 private:
  void* data_;
  std::size_t size_;
};

class OwnedBytes final : public InputBytes {
 public:
  explicit OwnedBytes(std::string s) : s_(std::move(s)) {}
  std::string_view bytes() const override { return s_; }

 private:
  std::string s_;
};

OpenedReader open_input(std::shared_ptr<InputBytes> input, std::string name) {
  std::string_view text = input->bytes();
  bool utf16 = false;
  std::string converted = encoding::utf16_to_utf8_if_bom(text, utf16);
  if (utf16) {
    input = std::make_shared<OwnedBytes>(std::move(converted));
    text = input->bytes();
  }
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  std::size_t first = 0;
  while (first < text.size() && (text[first] == ' ' || text[first] == '\n' ||
                                 text[first] == '\r' || text[first] == '\t'))
    ++first;
  if (first == text.size())
    return {nullptr, name + " : le fichier est vide."};
  if (text.find('\0') != std::string_view::npos && !utf16)
    return {nullptr, name + " : le fichier contient des octets nuls ; ce n'est pas un fichier "
                            "texte (CSV, JSON ou GeoJSON) ou il est dans un encodage non pris en "
                            "charge."};
  if (text[first] == '[' || text[first] == '{') {
    std::string error;
    auto reader = detail::make_json_reader(input, text, name, error);
    if (!reader) return {nullptr, name + " : " + error};
    return {std::move(reader), {}};
  }
  return {detail::make_csv_reader(input, text, name), {}};
}

}  // namespace

const char* format_name(Format f) {
  switch (f) {
    case Format::kCsv: return "csv";
    case Format::kJson: return "json";
    case Format::kGeoJson: return "geojson";
  }
  return "csv";
}

void RecordReader::report(Severity s, std::int64_t line, std::string field, std::string value,
                          std::string rule, std::string message) {
  Diagnostic d;
  d.severity = s;
  d.file = file_;
  d.line = line;
  d.field = std::move(field);
  d.value = shorten_for_display(value, 200);
  d.rule = std::move(rule);
  d.message = std::move(message);
  diagnostics_.push_back(std::move(d));
}

OpenedReader open_file(const std::filesystem::path& path, std::string display_name) {
  std::string name = display_name.empty() ? path.string() : std::move(display_name);
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return {nullptr, name + " : impossible d'ouvrir le fichier (" + std::strerror(errno) + ")."};
  struct stat st {};
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return {nullptr, name + " : ce n'est pas un fichier ordinaire."};
  }
  std::shared_ptr<InputBytes> input;
  if (st.st_size == 0) {
    input = std::make_shared<OwnedBytes>(std::string());
  } else {
    void* data = mmap(nullptr, static_cast<std::size_t>(st.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
    if (data == MAP_FAILED) {
      ::close(fd);
      return {nullptr, name + " : lecture impossible (" + std::strerror(errno) + ")."};
    }
    madvise(data, static_cast<std::size_t>(st.st_size), MADV_SEQUENTIAL);
    input = std::make_shared<MappedFile>(data, static_cast<std::size_t>(st.st_size));
  }
  ::close(fd);
  return open_input(std::move(input), std::move(name));
}

OpenedReader open_bytes(std::string bytes, std::string display_name) {
  return open_input(std::make_shared<OwnedBytes>(std::move(bytes)), std::move(display_name));
}

}  // namespace maillage::place
