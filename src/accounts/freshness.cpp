#include "accounts/freshness.h"

#include <functional>
#include <map>

#include "common/spreadsheet.h"

namespace maillage::accounts {

std::string last_confirmation(std::string_view date_maj, std::string_view confirmed_at) {
  std::string a(date_maj.substr(0, 10)), b(confirmed_at.substr(0, 10));
  return a > b ? a : b;
}

std::string stale_before() { return store::utc_in(-std::int64_t{kStaleDays} * 86400).substr(0, 10); }

std::vector<std::string> missing_fields(const place::Place& p) {
  using place::Field;
  static const std::pair<Field, const char*> kUseful[] = {
      {Field::kHoraires, "horaires"},           {Field::kTelephone, "téléphone"},
      {Field::kServices, "services"},           {Field::kLatitude, "position"},
      {Field::kCourriels, "courriel"},          {Field::kSiteWeb, "site internet"},
      {Field::kPresentationResume, "présentation"},
      {Field::kPublicsSpecifiquementAdresses, "publics"},
      {Field::kFraisACharge, "frais"},          {Field::kModalitesAcces, "modalités d'accès"},
      {Field::kFicheAccesLibre, "accessibilité (Accès libre)"},
  };
  std::vector<std::string> out;
  for (const auto& [f, label] : kUseful)
    if (!p.has(f)) out.emplace_back(label);
  return out;
}

namespace {
// The dashboard's file is opened in spreadsheets; its names and communes come from sources.
std::string csv_cell(std::string_view s) { return common::spreadsheet_cell(s); }
}  // namespace

std::string freshness_csv(const std::vector<PlaceFreshness>& places) {
  std::string out =
      "\"id\",\"nom\",\"commune\",\"code_postal\",\"departement\",\"derniere_confirmation\","
      "\"a_confirmer\",\"gere\",\"signalements_ouverts\",\"champs_manquants\"\r\n";
  for (const auto& p : places) {
    std::string missing;
    for (const auto& m : p.missing) missing += (missing.empty() ? "" : "|") + m;
    for (const std::string& cell : {p.public_id, p.name, p.commune, p.code_postal, p.departement,
                                    p.last_confirmed})
      out += csv_cell(cell) + ",";
    out += csv_cell(p.stale ? "oui" : "non") + "," + csv_cell(p.managed ? "oui" : "non") + "," +
           std::to_string(p.open_reports) + "," + csv_cell(missing) + "\r\n";
  }
  return out;
}

std::size_t send_reminders(Service& service, const std::function<PlaceSummary(const PlaceKey&)>& lookup) {
  auto& store = service.store();
  std::map<PlaceKey, std::string> confirmed;
  for (auto& [key, at] : store.confirmations()) confirmed[key] = at;
  const std::string cutoff = stale_before();
  const std::string month_ago = store::utc_in(-30 * 86400);
  std::size_t reminded = 0;
  for (const auto& key : store.managed_places()) {
    PlaceSummary place = lookup(key);
    if (!place.active) continue;
    std::string last = last_confirmation(place.date_maj, confirmed[key]);
    if (!last.empty() && last >= cutoff) continue;
    if (store.reminded_at(key.first, key.second) > month_ago) continue;
    for (const auto& m : store.managers_of(key.first, key.second))
      if (auto a = store.account(m.account_id); a && a->status == "actif")
        service.queue_mail(a->email, "La fiche « " + place.name + " » est-elle toujours exacte ?",
                           "Bonjour,\n\nLa fiche « " + place.name + " » n'a pas été confirmée depuis plus de six mois"
                           " (dernière confirmation : " + (last.empty() ? "jamais" : last) + ").\n"
                           "Ouvrez-la, corrigez ce qui a changé ou cliquez « Les informations sont toujours exactes » :\n"
                           "{lien}\n",
                           service.settings().public_url + "/lieux/" + key.second);
    store.set_reminded(key.first, key.second);
    ++reminded;
  }
  return reminded;
}

}  // namespace maillage::accounts
