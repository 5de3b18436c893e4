// web::Templates: templates parsed once with their partials written in must render the very bytes
// kainjow gives when it parses the template at each render and resolves {{> _name}} itself (what
// Templates::render did until partials were inlined): for the site's own templates under broad
// data, for hand-made cases of partials in sections and on lines of their own, and from many
// threads at once. And the rules load() enforces so that this holds.
#include "web/templates.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "support/test_support.h"

namespace maillage::web {
namespace {

using TemplateSources = std::map<std::string, std::string>;

const char* const kRequiredTemplates[] = {"layout",  "home",      "place",         "sheet",
                                          "widget",  "embed",     "opendata",      "report",
                                          "message", "not_found", "accessibility", "legal"};

TemplateSources read_template_dir(const std::filesystem::path& dir) {
  TemplateSources sources;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".mustache") continue;
    sources[entry.path().stem().string()] = testing::read_file(entry.path());
  }
  return sources;
}

// Writes `sources` as a template folder, with empty files for the required templates it lacks.
void write_template_dir(const std::filesystem::path& dir, const TemplateSources& sources) {
  for (const char* name : kRequiredTemplates) {
    if (!sources.count(name)) testing::write_file(dir / (std::string(name) + ".mustache"), "");
  }
  for (const auto& [name, text] : sources) testing::write_file(dir / (name + ".mustache"), text);
}

// The render before inlining: kainjow parses the template and, at each {{> _name}}, the partial's
// source, which it finds in a copy of the data.
std::string kainjow_render(const TemplateSources& sources, const std::string& name,
                           const Data& data) {
  Data context = data;
  for (const auto& [partial_name, source] : sources) {
    if (partial_name[0] != '_') continue;
    const std::string* text = &source;
    context.set(partial_name, kainjow::mustache::partial([text] { return *text; }));
  }
  kainjow::mustache::mustache tmpl(sources.at(name));
  return tmpl.render(context);
}

std::string kainjow_render_page(const TemplateSources& sources, const std::string& name,
                                Data data) {
  data.set("body", kainjow_render(sources, name, data));
  return kainjow_render(sources, "layout", data);
}

// The names the templates' variables and sections use, by kind.
struct TagNames {
  std::vector<std::string> values;    // {{name}}, {{{name}}}, {{&name}}
  std::vector<std::string> sections;  // {{#name}}, {{^name}}
};

TagNames tag_names(const TemplateSources& sources) {
  std::map<std::string, bool> names;  // name -> opens a section
  for (const auto& [template_name, source] : sources) {
    for (std::size_t open = source.find("{{"); open != std::string::npos;
         open = source.find("{{", open)) {
      std::size_t close = source.find("}}", open);
      if (close == std::string::npos) break;
      std::string contents = kainjow::mustache::trim(source.substr(open + 2, close - open - 2));
      open = close + 2;
      if (!contents.empty() && contents[0] == '{') contents = contents.substr(1);
      if (contents.empty() || contents[0] == '!' || contents[0] == '>' || contents[0] == '/') {
        continue;
      }
      const bool section = contents[0] == '#' || contents[0] == '^';
      if (section || contents[0] == '&') contents = contents.substr(1);
      contents = kainjow::mustache::trim(contents);
      if (contents.empty() || contents == ".") continue;
      names[contents] = names[contents] || section;
    }
  }
  TagNames out;
  for (const auto& [name, section] : names) (section ? out.sections : out.values).push_back(name);
  return out;
}

// Three ways to fill every name of the templates: all strings (with characters to escape), all
// false, or sections as lists of two objects that fill every name again.
std::vector<Data> broad_data(const TagNames& names) {
  Data strings, falses, lists;
  for (const auto& n : names.values) {
    strings.set(n, "«" + n + "» <b>&\"'</b>");
    falses.set(n, false);
    lists.set(n, n + " <top>");
  }
  List items;
  for (int i = 0; i < 2; ++i) {
    Data item;
    for (const auto& n : names.values) item.set(n, "item " + std::to_string(i) + " " + n);
    for (const auto& n : names.sections) item.set(n, i == 0);
    items.push_back(item);
  }
  for (const auto& n : names.sections) {
    strings.set(n, "«" + n + "»");
    falses.set(n, false);
    lists.set(n, items);
  }
  return {Data(), strings, falses, lists};
}

TEST(Templates, SiteTemplatesRenderAsKainjowPartialsDo) {
  const auto dir = testing::repo_dir() / "web" / "templates";
  const TemplateSources sources = read_template_dir(dir);
  ASSERT_TRUE(sources.count("_result"));
  Templates templates;
  std::string error;
  ASSERT_TRUE(templates.load(dir, error)) << error;
  const std::vector<Data> cases = broad_data(tag_names(sources));
  for (const auto& [name, source] : sources) {
    for (std::size_t i = 0; i < cases.size(); ++i) {
      const std::string expected = kainjow_render(sources, name, cases[i]);
      EXPECT_EQ(templates.render(name, cases[i]), expected) << name << ", data " << i;
      if (name == "layout" || name[0] == '_') continue;
      EXPECT_EQ(templates.render_page(name, cases[i]), kainjow_render_page(sources, name, cases[i]))
          << name << " in the layout, data " << i;
    }
  }
  // The data drive the search results: the home page with results draws _result twice.
  const std::string home = templates.render("home", cases[3]);
  EXPECT_NE(home.find("item 1 "), std::string::npos);
}

// Partials in lists, on lines of their own, in partials, at the end of a line; a {{> name}} with
// no file (it renders what the data holds under that name, as kainjow does).
const TemplateSources kPartialCases = {
    {"page",
     "<ul>\n"
     "  {{#items}}{{> _item}}{{/items}}\n"
     "</ul>\n"
     "  {{> _standalone}}\n"
     "{{#flag}}\n"
     "{{> _item}}\n"
     "{{/flag}}\n"
     "{{^items}}{{> _empty}}{{/items}}\n"
     "{{> _missing}}{{>other}}|{{>  _nested  }}\n"
     "end {{> _item}}"},
    {"layout", "<main>{{{body}}}</main>\n{{> _empty}}"},
    {"_item", "<li>{{name}}{{#tags}} <b>{{.}}</b>{{/tags}}</li>\n"},
    {"_standalone", "{{#flag}}\n  on\n{{/flag}}\n  {{^flag}}off{{/flag}}\n"},
    {"_empty", "<p>rien</p>"},
    {"_nested", "[{{> _item}}{{> _empty}}]"},
};

std::vector<Data> partial_case_data() {
  Data empty;
  Data items;
  List list;
  for (const char* name : {"a", "b & c", "<d>"}) {
    Data item;
    item.set("name", name);
    List tags;
    tags.push_back(Data(std::string("t1")));
    tags.push_back(Data(std::string(name)));
    item.set("tags", tags);
    list.push_back(item);
  }
  items.set("items", list);
  items.set("name", "top");
  Data flagged = items;
  flagged.set("flag", true);
  flagged.set("other", "{{name}}!");
  Data no_items;
  no_items.set("items", List());
  no_items.set("flag", false);
  return {empty, items, flagged, no_items};
}

TEST(Templates, InlinedPartialsRenderAsKainjowPartialsDo) {
  testing::TempDir dir;
  write_template_dir(dir.path(), kPartialCases);
  Templates templates;
  std::string error;
  ASSERT_TRUE(templates.load(dir.path(), error)) << error;
  const auto cases = partial_case_data();
  for (std::size_t i = 0; i < cases.size(); ++i) {
    EXPECT_EQ(templates.render("page", cases[i]), kainjow_render(kPartialCases, "page", cases[i]))
        << "data " << i;
    EXPECT_EQ(templates.render_page("page", cases[i]),
              kainjow_render_page(kPartialCases, "page", cases[i]))
        << "data " << i;
  }
  EXPECT_EQ(templates.render("_nested", cases[1]), "[<li>top</li>\n<p>rien</p>]");
  EXPECT_EQ(templates.render("nothing", cases[1]), "");
}

TEST(Templates, RendersFromManyThreadsAtOnce) {
  testing::TempDir dir;
  write_template_dir(dir.path(), kPartialCases);
  Templates templates;
  std::string error;
  ASSERT_TRUE(templates.load(dir.path(), error)) << error;
  const auto cases = partial_case_data();
  std::vector<std::string> expected;
  for (const auto& data : cases) expected.push_back(templates.render_page("page", data));
  std::vector<int> mismatches(16, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 16; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 400; ++i) {
        const std::size_t c = (t + i) % cases.size();
        if (templates.render_page("page", cases[c]) != expected[c]) ++mismatches[t];
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (int t = 0; t < 16; ++t) EXPECT_EQ(mismatches[t], 0) << "thread " << t;
}

// load() refuses what would make inlined partials render otherwise than kainjow's.
std::string load_error(const TemplateSources& sources) {
  testing::TempDir dir;
  write_template_dir(dir.path(), sources);
  Templates templates;
  std::string error;
  EXPECT_FALSE(templates.load(dir.path(), error));
  return error;
}

TEST(Templates, RefusesPartialsThatCannotBeInlined) {
  EXPECT_NE(load_error({{"home", "{{> _a}}"}, {"_a", "a{{> _b}}"}, {"_b", "b{{> _a}}"}})
                .find("_a.mustache : le partiel s'inclut lui-même"),
            std::string::npos);
  EXPECT_NE(load_error({{"home", "{{=<% %>=}}<% x %>"}}).find("home.mustache : les délimiteurs"),
            std::string::npos);
  EXPECT_NE(load_error({{"home", "{{> _brace}}{{x}}"}, {"_brace", "a {"}})
                .find("_brace.mustache : un partiel ne peut pas finir par « { »"),
            std::string::npos);
  EXPECT_NE(load_error({{"home", "{{#open}}"}}).find("home.mustache : Unclosed section"),
            std::string::npos);
}

}  // namespace
}  // namespace maillage::web
