// The page templates (web/templates/*.mustache), read, checked and parsed once at start-up.
// Rendering HTML-escapes every {{value}}; only {{{body}}}-style triple braces insert markup, and
// the code passes there nothing but markup it built itself (the page body, the QR code SVG,
// JSON-LD).
//
// Templates whose names start with '_' are partials ({{> _name}}). load() writes each partial's
// text in place of its tags, so that a render parses nothing: kainjow::mustache would parse a
// partial's source again at every {{> }} it renders (for _result, once per search result). That
// gives the bytes the library's own partials give (it renders a partial's parts in place, on the
// same line state), given what load() checks: the templates keep the {{ }} delimiters (no
// {{=<% %>=}} tag), no partial ends with '{' (it would make a tag with the text after it) and no
// partial includes itself. A {{> name}} naming no partial file stays as it is (it renders nothing).
#pragma once

#include <filesystem>
#include <kainjow/mustache.hpp>
#include <map>
#include <memory>
#include <string>
#include <string_view>

namespace maillage::web {

using Data = kainjow::mustache::data;
using List = kainjow::mustache::list;

class Templates {
 public:
  Templates();
  ~Templates();
  Templates(const Templates&) = delete;
  Templates& operator=(const Templates&) = delete;

  // Reads and parses every *.mustache of `dir`; false and a French `error` when one is missing or
  // broken, or breaks one of the rules above. Not to be called while another thread renders.
  bool load(const std::filesystem::path& dir, std::string& error);

  // Renders template `name` with `data` ("" for an unknown name). Thread-safe after load(): any
  // number of threads may render at once. kainjow's render() is not const (it keeps its errors in
  // the template object), so each call renders from a copy of the parsed template that no other
  // thread holds meanwhile, taken from a pool that grows to the number of simultaneous renders
  // (a copy of the parsed form; nothing is parsed again). `data` is not copied.
  std::string render(std::string_view name, const Data& data) const;

  // Renders page template `name` inside "layout" (which inserts it as {{{body}}}). Thread-safe.
  std::string render_page(std::string_view name, Data data) const;

 private:
  struct Parsed;
  std::map<std::string, std::unique_ptr<Parsed>, std::less<>> parsed_;
};

}  // namespace maillage::web
