#include "web/qr.h"

#include <qrencode.h>

#include <memory>

namespace maillage::web {

std::string qr_svg(std::string_view text, std::string_view label) {
  if (text.empty() || text.size() > 2000) return {};
  std::string input(text);
  std::unique_ptr<QRcode, decltype(&QRcode_free)> code(
      QRcode_encodeString8bit(input.c_str(), 0, QR_ECLEVEL_M), &QRcode_free);
  if (!code) return {};
  constexpr int kQuiet = 4;
  int width = code->width, size = width + 2 * kQuiet;
  std::string path;
  // One horizontal run of dark modules per subpath: small output.
  for (int y = 0; y < width; ++y) {
    for (int x = 0; x < width;) {
      if (!(code->data[y * width + x] & 1)) {
        ++x;
        continue;
      }
      int start = x;
      while (x < width && (code->data[y * width + x] & 1)) ++x;
      path += "M" + std::to_string(start + kQuiet) + " " + std::to_string(y + kQuiet) + "h" +
              std::to_string(x - start) + "v1h-" + std::to_string(x - start) + "z";
    }
  }
  std::string escaped;
  for (char c : label) {
    switch (c) {
      case '&': escaped += "&amp;"; break;
      case '<': escaped += "&lt;"; break;
      case '>': escaped += "&gt;"; break;
      case '"': escaped += "&quot;"; break;
      default: escaped += c;
    }
  }
  std::string s = std::to_string(size);
  return "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + s + " " + s +
         "\" role=\"img\" aria-label=\"" + escaped + "\" class=\"qr\" shape-rendering=\"crispEdges\">"
         "<rect width=\"" + s + "\" height=\"" + s + "\" fill=\"#fff\"/><path fill=\"#000\" d=\"" +
         path + "\"/></svg>";
}

}  // namespace maillage::web
