#include "search/lexicon.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "common/data_dir.h"
#include "common/utf8.h"
#include "place/fields.h"
#include "place/vocabulary.h"
#include "search/text_index.h"

namespace maillage::search {
namespace {

constexpr std::string_view kLexiconHeader[] = {
    "besoin",         "libelle",   "categorie", "role",  "declencheurs",
    "services",       "publics",   "prise_en_charge",    "dispositifs",
    "typologies",     "frais",     "modalites_accompagnement", "sources"};
constexpr std::size_t kLexiconColumns = std::size(kLexiconHeader);
constexpr std::size_t kFirstValueColumn = 5, kLastValueColumn = 11;

// The search API's filter field of each value column.
constexpr std::string_view kValueField[] = {
    "services", "publics_specifiquement_adresses", "prise_en_charge_specifique",
    "dispositif_programmes_nationaux", "typologie", "frais_a_charge", "modalites_accompagnement"};

constexpr std::string_view kNeedCategories[] = {
    "demarches", "equipement", "apprentissage", "emploi",        "securite", "enfants", "creation",
    "programme", "lieu",       "public",        "accessibilite", "tarif",    "modalite"};

// The lines of a UTF-8 text file, without their line ends; false when it cannot be read.
bool read_lines(const std::filesystem::path& path, std::vector<std::string>& lines) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(std::move(line));
  }
  return true;
}

bool is_comment_or_blank(std::string_view line) {
  const auto trimmed = utf8::trim(line);
  return trimmed.empty() || trimmed.front() == '#';
}

// The canonical value `value` designates in the closed list of `field`, exactly spelled.
bool known_value(std::string_view field, std::string_view value) {
  if (field == "typologie") return place::vocabulary::typologie_by_code(value) != nullptr;
  const auto f = place::field_by_name(field);
  if (!f) return false;
  for (auto v : place::spec(*f).values)
    if (v == value) return true;
  return false;
}

std::vector<text::Token> words_of(std::string_view phrase) { return text::tokenize(phrase); }

// The strengths of a need's values (Need::identity_values, values, weak_values).
void split_strength(Need& need) {
  const bool by_identity = need.category == "programme" || need.category == "lieu";
  const bool creation = need.category == "creation";
  std::vector<std::pair<std::string, std::string>> identity, strong, weak;
  for (auto& v : need.values) {
    const bool typology = v.first == "typologie";
    const bool programme = v.first == "dispositif_programmes_nationaux";
    if (by_identity) {
      (typology || programme ? identity : weak).push_back(std::move(v));
    } else if (creation && typology) {
      identity.push_back(std::move(v));
    } else {
      (typology ? weak : strong).push_back(std::move(v));
    }
  }
  if (identity.empty() && strong.empty()) {  // nothing else: they are what the need means
    strong = std::move(weak);
    weak.clear();
  }
  need.identity_values = std::move(identity);
  need.values = std::move(strong);
  need.weak_values = std::move(weak);
}

}  // namespace

std::optional<Lexicon> Lexicon::load(const std::filesystem::path& dir, std::string* error) {
  auto fail = [&](std::string message) -> std::optional<Lexicon> {
    if (error) *error = std::move(message);
    return std::nullopt;
  };
  const auto path = dir / "besoins.tsv";
  std::vector<std::string> lines;
  if (!read_lines(path, lines)) return fail(path.string() + " : fichier illisible ou absent");
  Lexicon lex;
  bool header_seen = false;
  std::unordered_map<std::string, std::size_t> trigger_owner;  // folded phrase → line
  for (std::size_t n = 0; n < lines.size(); ++n) {
    const std::string& line = lines[n];
    const std::string where = "besoins.tsv, ligne " + std::to_string(n + 1);
    if (is_comment_or_blank(line)) continue;
    if (!utf8::is_valid(line)) return fail(where + " : texte non UTF-8");
    const auto cells = utf8::split(line, '\t');
    if (cells.size() != kLexiconColumns)
      return fail(where + " : " + std::to_string(cells.size()) + " colonnes au lieu de " +
                  std::to_string(kLexiconColumns));
    if (!header_seen) {
      for (std::size_t c = 0; c < kLexiconColumns; ++c)
        if (cells[c] != kLexiconHeader[c])
          return fail(where + " : l'en-tête attendu commence par « besoin », colonne " +
                      std::to_string(c + 1) + " « " + std::string(kLexiconHeader[c]) + " »");
      header_seen = true;
      continue;
    }
    Need need;
    need.line = n + 1;
    need.id = std::string(cells[0]);
    need.label = std::string(cells[1]);
    need.category = std::string(cells[2]);
    need.sources = std::string(cells[12]);
    auto column_error = [&](std::size_t c, const std::string& rule) {
      return fail(where + ", colonne " + std::string(kLexiconHeader[c]) + " : " + rule);
    };
    if (need.id.empty() || need.id.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") !=
                               std::string::npos)
      return column_error(0, "« " + need.id + " » : identifiant en minuscules ascii et « _ »");
    if (lex.find(need.id)) return column_error(0, "« " + need.id + " » est déjà défini");
    if (need.label.empty()) return column_error(1, "libellé vide");
    if (std::find(std::begin(kNeedCategories), std::end(kNeedCategories), need.category) ==
        std::end(kNeedCategories))
      return column_error(2, "« " + need.category + " » n'est pas une catégorie connue");
    if (cells[3] != "besoin" && cells[3] != "preference")
      return column_error(3, "le rôle est « besoin » ou « preference »");
    need.preference = cells[3] == "preference";
    for (std::size_t c = kFirstValueColumn; c <= kLastValueColumn; ++c) {
      if (cells[c].empty()) continue;
      const std::string_view field = kValueField[c - kFirstValueColumn];
      for (auto value : utf8::split(cells[c], '|')) {
        if (!known_value(field, value))
          return column_error(c, "« " + std::string(value) + " » n'est pas une valeur de " +
                                     std::string(field));
        need.values.emplace_back(std::string(field), std::string(value));
      }
    }
    if (need.values.empty())
      return column_error(kFirstValueColumn, "le besoin ne correspond à aucune valeur du standard");
    split_strength(need);
    const std::size_t index = lex.needs_.size();
    for (auto trigger : utf8::split(cells[4], '|')) {
      auto words = words_of(trigger);
      const bool only_stop =
          std::all_of(words.begin(), words.end(), [](const text::Token& t) { return t.stop_word; });
      if (words.empty() || only_stop)
        return column_error(4, "« " + std::string(trigger) + " » n'a aucun mot qui compte");
      std::string key;
      for (const auto& w : words) key += w.folded + " ";
      if (auto [it, inserted] = trigger_owner.emplace(key, n + 1); !inserted)
        return column_error(4, "« " + std::string(trigger) + " » est déjà un déclencheur, ligne " +
                                   std::to_string(it->second));
      need.triggers.emplace_back(trigger);
      if (need.category == "programme" || need.category == "lieu") {
        std::vector<std::string> phrase;
        for (const auto& w : words)
          if (!w.stop_word) phrase.push_back(w.folded);
        need.name_phrases.push_back(std::move(phrase));
      }
      lex.phrases_.push_back({std::move(words), index});
    }
    lex.needs_.push_back(std::move(need));
  }
  if (!header_seen) return fail("besoins.tsv : aucun en-tête");

  // The index of first words, longest phrases first.
  for (std::size_t p = 0; p < lex.phrases_.size(); ++p) {
    const auto& first = lex.phrases_[p].words.front();
    lex.by_first_[first.folded].push_back(p);
    if (first.stem != first.folded) lex.by_first_[first.stem].push_back(p);
    if (lex.phrases_[p].words.size() == 1 && utf8::length(first.folded) >= 7)
      lex.long_single_words_.push_back(p);
  }
  for (auto& [key, list] : lex.by_first_) {
    std::stable_sort(list.begin(), list.end(), [&](std::size_t a, std::size_t b) {
      return lex.phrases_[a].words.size() > lex.phrases_[b].words.size();
    });
    list.erase(std::unique(list.begin(), list.end()), list.end());
  }

  std::vector<std::string> neutral_lines;
  if (!read_lines(dir / "mots_neutres.txt", neutral_lines))
    return fail((dir / "mots_neutres.txt").string() + " : fichier illisible ou absent");
  for (const auto& line : neutral_lines) {
    if (is_comment_or_blank(line)) continue;
    auto words = words_of(line);
    if (!words.empty()) lex.neutral_.push_back(std::move(words));
  }
  std::stable_sort(lex.neutral_.begin(), lex.neutral_.end(),
                   [](const auto& a, const auto& b) { return a.size() > b.size(); });
  return lex;
}

const Lexicon& Lexicon::bundled() {
  static const Lexicon instance = [] {
    const std::filesystem::path dir = common::bundled_data_dir("lexique");
    std::string error;
    std::optional<Lexicon> loaded = load(dir, &error);
    if (!loaded) {
      std::fprintf(stderr,
                   "maillage : le lexique des besoins (%s) est introuvable ou invalide : %s\n",
                   dir.string().c_str(), error.c_str());
      std::abort();
    }
    return std::move(*loaded);
  }();
  return instance;
}

const Need* Lexicon::find(std::string_view id) const {
  for (const auto& n : needs_)
    if (n.id == id) return &n;
  return nullptr;
}

bool Lexicon::word_matches(const text::Token& query, const text::Token& trigger,
                           bool typo_ok) const {
  if (query.folded == trigger.folded) return true;
  // Stems only for words long enough to have a meaningful one: "caf" is not "café".
  if (utf8::length(query.folded) > 4 && utf8::length(trigger.folded) > 4 &&
      query.stem == trigger.stem)
    return true;
  return typo_ok && utf8::length(query.folded) >= 7 &&
         TextIndex::edit_distance(query.folded, trigger.folded, 1) <= 1;
}

std::size_t Lexicon::phrase_length(const std::vector<text::Token>& tokens, std::size_t first,
                                   std::size_t end, const std::vector<text::Token>& phrase) const {
  // Stop words of the phrase may be missing from the query or differ ("carte d'identité" =
  // "carte identité"), but every other word must be there, in order.
  std::size_t at = first;
  for (const auto& w : phrase) {
    if (at < end && word_matches(tokens[at], w, false)) {
      ++at;
      continue;
    }
    if (w.stop_word) continue;
    if (at < end && tokens[at].stop_word && at + 1 < end &&
        word_matches(tokens[at + 1], w, false)) {
      at += 2;  // an extra stop word in the query: "carte de grise" is rare, "mot passe" common
      continue;
    }
    return 0;
  }
  return at - first;
}

std::vector<NeedMatch> Lexicon::match(const std::vector<text::Token>& tokens,
                                      const std::vector<bool>* skip) const {
  std::vector<NeedMatch> out;
  // A skipped token ends the tokens a phrase may read.
  auto free_run = [&](std::size_t i) {
    std::size_t end = i;
    while (end < tokens.size() && !(skip && (*skip)[end])) ++end;
    return end;
  };
  for (std::size_t i = 0; i < tokens.size();) {
    if (tokens[i].stop_word || (skip && (*skip)[i])) {
      ++i;
      continue;
    }
    std::size_t best_len = 0, best_phrase = 0;
    bool typo = false;
    const std::size_t end = free_run(i);
    auto try_list = [&](const std::string& key) {
      auto it = by_first_.find(key);
      if (it == by_first_.end()) return;
      for (const auto p : it->second) {
        const std::size_t len = phrase_length(tokens, i, end, phrases_[p].words);
        if (len > best_len) {
          best_len = len;
          best_phrase = p;
        }
      }
    };
    try_list(tokens[i].folded);
    if (tokens[i].stem != tokens[i].folded) try_list(tokens[i].stem);
    if (best_len == 0 && utf8::length(tokens[i].folded) >= 7) {
      for (const auto p : long_single_words_)
        if (word_matches(tokens[i], phrases_[p].words.front(), true)) {
          best_len = 1;
          best_phrase = p;
          typo = true;
          break;
        }
    }
    if (best_len == 0) {
      ++i;
      continue;
    }
    out.push_back({&needs_[phrases_[best_phrase].need], i, best_len, typo});
    i += best_len;
  }
  return out;
}

std::size_t Lexicon::neutral_at(const std::vector<text::Token>& tokens, std::size_t first) const {
  for (const auto& phrase : neutral_) {
    if (first + phrase.size() > tokens.size()) continue;
    bool same = true;
    for (std::size_t k = 0; same && k < phrase.size(); ++k)
      same = tokens[first + k].folded == phrase[k].folded;
    if (same) return phrase.size();
  }
  return 0;
}

}  // namespace maillage::search
