#include "web/templates.h"

#include <fstream>
#include <sstream>

namespace maillage::web {

bool Templates::load(const std::filesystem::path& dir, std::string& error) {
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.path().extension() != ".mustache") continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    if (!in) {
      error = "gabarit " + entry.path().string() + " : lecture impossible.";
      return false;
    }
    kainjow::mustache::mustache check(text.str());
    if (!check.is_valid()) {
      error = "gabarit " + entry.path().string() + " : " + check.error_message();
      return false;
    }
    sources_[entry.path().stem().string()] = text.str();
  }
  if (ec) {
    error = "dossier des gabarits " + dir.string() + " : " + ec.message();
    return false;
  }
  for (const char* required : {"layout", "home", "place", "sheet", "widget", "embed", "opendata",
                               "report", "message", "not_found", "accessibility", "legal"}) {
    if (!sources_.count(required)) {
      error = "gabarit manquant : " + dir.string() + "/" + required + ".mustache";
      return false;
    }
  }
  return true;
}

std::string Templates::render(std::string_view name, const Data& data) const {
  auto it = sources_.find(name);
  if (it == sources_.end()) return {};
  Data context = data;
  for (const auto& [partial_name, source] : sources_) {
    if (partial_name.empty() || partial_name[0] != '_') continue;
    const std::string* text = &source;
    context.set(partial_name, kainjow::mustache::partial([text] { return *text; }));
  }
  kainjow::mustache::mustache tmpl(it->second);
  return tmpl.render(context);
}

std::string Templates::render_page(std::string_view name, Data data) const {
  data.set("body", render(name, data));
  return render("layout", data);
}

}  // namespace maillage::web
