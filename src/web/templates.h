// The page templates (web/templates/*.mustache), read and checked once at start-up. Rendering
// HTML-escapes every {{value}}; only {{{body}}}-style triple braces insert markup, and the code
// passes there nothing but markup it built itself (the page body, the QR code SVG, JSON-LD).
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <string_view>

#include <kainjow/mustache.hpp>

namespace maillage::web {

using Data = kainjow::mustache::data;
using List = kainjow::mustache::list;

class Templates {
 public:
  // Reads every *.mustache of `dir`; false and a French `error` when one is missing or broken.
  bool load(const std::filesystem::path& dir, std::string& error);

  // Renders template `name` with `data`. Templates whose names start with '_' are partials
  // ({{> _name}}). Thread-safe (each call parses its own copy).
  std::string render(std::string_view name, const Data& data) const;

  // Renders page template `name` inside "layout" (which inserts it as {{{body}}}).
  std::string render_page(std::string_view name, Data data) const;

 private:
  std::map<std::string, std::string, std::less<>> sources_;
};

}  // namespace maillage::web
