#include "web/templates.h"

#include <fstream>
#include <mutex>
#include <sstream>
#include <utility>
#include <vector>

namespace maillage::web {

using Mustache = kainjow::mustache::mustache;

// One template, parsed once. `original` is never rendered: renders take copies from `idle` and
// give them back, so that no two threads ever hold the same kainjow object.
struct Templates::Parsed {
  explicit Parsed(Mustache m) : original(std::move(m)) {}
  const Mustache original;
  std::mutex mutex;
  std::vector<std::unique_ptr<Mustache>> idle;  // guarded by `mutex`
};

namespace {

using Sources = std::map<std::string, std::string, std::less<>>;

// A tag of a template as kainjow's parser reads it with the default delimiters: [begin, end) in
// the source, and its trimmed contents ("> _result", "#results", "title").
struct MustacheTag {
  std::size_t begin;
  std::size_t end;
  std::string contents;
  bool triple;  // {{{name}}}
};

// The tags of `source`, which kainjow parsed without error, found the way its parser finds them
// (kainjow::mustache::parser::parse): "{{" opens a tag, "{{{" an unescaped one closed by "}}}",
// and the contents are trimmed with kainjow's own trim().
std::vector<MustacheTag> mustache_tags(const std::string& source) {
  std::vector<MustacheTag> tags;
  std::size_t pos = 0;
  while (pos < source.size()) {
    if (source.compare(pos, 2, "{{") != 0) {
      ++pos;
      continue;
    }
    const bool triple = pos + 2 < source.size() && source[pos + 2] == '{';
    const std::size_t contents = pos + (triple ? 3 : 2);
    const std::string closing = triple ? "}}}" : "}}";
    const std::size_t close = source.find(closing, contents);
    if (close == std::string::npos) break;  // not for a source kainjow accepted
    tags.push_back({pos, close + closing.size(),
                    kainjow::mustache::trim(source.substr(contents, close - contents)), triple});
    pos = close + closing.size();
  }
  return tags;
}

// Writes the text of every partial in place of its {{> _name}} tags, partials in partials too.
// kainjow renders a partial by walking its parsed parts in place of the tag, on the same line
// buffer and context stack, so the template with the text written in renders the same bytes,
// under the rules of templates.h (which make the text parse into the partial's own parts).
class PartialInliner {
 public:
  // `dir` only names the files in errors.
  PartialInliner(const Sources& sources, std::string dir)
      : sources_(sources), dir_(std::move(dir)) {}

  // The text of template `name` with its partials written in; nullptr and a French `error` when
  // it (or a partial it includes) breaks a rule of templates.h.
  const std::string* inlined(const std::string& name, std::string& error) {
    if (auto done = done_.find(name); done != done_.end()) return &done->second;
    for (const auto& open : open_) {
      if (open == name) {
        error = file(name) + " : le partiel s'inclut lui-même ({{> " + name + "}}).";
        return nullptr;
      }
    }
    open_.push_back(name);
    const std::string& source = sources_.find(name)->second;
    std::string text;
    std::size_t copied = 0;
    for (const auto& tag : mustache_tags(source)) {
      if (!tag.contents.empty() && tag.contents[0] == '=') {
        error =
            file(name) + " : les délimiteurs {{ }} ne se changent pas ({{" + tag.contents + "}}).";
        return nullptr;
      }
      if (tag.triple || tag.contents.empty() || tag.contents[0] != '>') continue;
      const std::string partial = kainjow::mustache::trim(tag.contents.substr(1));
      if (partial.empty() || partial[0] != '_' || !sources_.count(partial)) continue;
      const std::string* partial_text = inlined(partial, error);
      if (!partial_text) return nullptr;
      if (!partial_text->empty() && partial_text->back() == '{') {
        error = file(partial) + " : un partiel ne peut pas finir par « { ».";
        return nullptr;
      }
      text.append(source, copied, tag.begin - copied);
      text += *partial_text;
      copied = tag.end;
    }
    text.append(source, copied);
    open_.pop_back();
    return &done_.emplace(name, std::move(text)).first->second;
  }

 private:
  std::string file(const std::string& name) const {
    return "gabarit " + dir_ + "/" + name + ".mustache";
  }

  const Sources& sources_;
  std::string dir_;
  std::map<std::string, std::string> done_;
  std::vector<std::string> open_;  // the templates being inlined, outermost first
};

}  // namespace

Templates::Templates() = default;
Templates::~Templates() = default;

bool Templates::load(const std::filesystem::path& dir, std::string& error) {
  Sources sources;
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
    Mustache check(text.str());
    if (!check.is_valid()) {
      error = "gabarit " + entry.path().string() + " : " + check.error_message();
      return false;
    }
    sources[entry.path().stem().string()] = text.str();
  }
  if (ec) {
    error = "dossier des gabarits " + dir.string() + " : " + ec.message();
    return false;
  }
  for (const char* required : {"layout", "home", "place", "sheet", "widget", "embed", "opendata",
                               "report", "message", "not_found", "accessibility", "legal"}) {
    if (!sources.count(required)) {
      error = "gabarit manquant : " + dir.string() + "/" + required + ".mustache";
      return false;
    }
  }
  PartialInliner inliner(sources, dir.string());
  std::map<std::string, std::unique_ptr<Parsed>, std::less<>> parsed;
  for (const auto& [name, source] : sources) {
    const std::string* text = inliner.inlined(name, error);
    if (!text) return false;
    Mustache tmpl(*text);
    if (!tmpl.is_valid()) {
      error = "gabarit " + dir.string() + "/" + name +
              ".mustache, partiels inclus : " + tmpl.error_message();
      return false;
    }
    parsed.emplace(name, std::make_unique<Parsed>(std::move(tmpl)));
  }
  parsed_ = std::move(parsed);
  return true;
}

std::string Templates::render(std::string_view name, const Data& data) const {
  auto it = parsed_.find(name);
  if (it == parsed_.end()) return {};
  Parsed& parsed = *it->second;
  std::unique_ptr<Mustache> tmpl;
  {
    std::lock_guard lock(parsed.mutex);
    if (!parsed.idle.empty()) {
      tmpl = std::move(parsed.idle.back());
      parsed.idle.pop_back();
    }
  }
  if (!tmpl) tmpl = std::make_unique<Mustache>(parsed.original);
  std::string out;
  tmpl->render(data, [&out](const std::string& text) { out += text; });
  // A render that failed (kainjow keeps the error and would render nothing more) is dropped.
  if (tmpl->is_valid()) {
    std::lock_guard lock(parsed.mutex);
    parsed.idle.push_back(std::move(tmpl));
  }
  return out;
}

std::string Templates::render_page(std::string_view name, Data data) const {
  data.set("body", render(name, data));
  return render("layout", data);
}

}  // namespace maillage::web
