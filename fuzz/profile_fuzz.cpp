// Fuzzes mapping profiles: first byte even, the input is a profile (TOML) to load; odd, the rest
// is a source file read through a fixed profile that uses every operation (value maps, rules,
// patterns, splits, hashes, per-day hours, free text, dates, Lambert-93, nested keys,
// Windows-1252), then normalised. Neither may crash, hang or throw.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "federation/mapped_reader.h"
#include "federation/profile.h"
#include "fuzz_support.h"
#include "place/normalize.h"

namespace {

constexpr const char* kProfile = R"([profil]
nom = "fuzz"
encodage = "windows-1252"
vides = ["-", "Fermé"]
[champs]
id = { hachage = ["nom", "adr"], prefixe = "f-" }
pivot = { colonne = "siret", defaut = "00000000000000" }
nom = { colonne = "nom" }
adresse = { colonnes = ["num", "adr"], joindre = " " }
code_postal = { colonne = "adr", motif = "\\b(\\d{5})\\b" }
commune = { colonnes = ["ville", "geo.ville"], premiere_non_vide = true }
latitude = { colonne = "coord", decouper = ",", partie = 1 }
longitude = { colonnes = ["x", "y"], projection = "lambert93" }
date_maj = { colonne = "date", interpreter = true, defaut = "inconnue" }
horaires = { colonne = "h", format = "texte" }
[champs.services]
colonnes = ["codes", "tags"]
separateur = "-"
comparaison = "contient"
valeurs = { "ORD" = "Accès internet et matériel informatique" }
[[champs.services.regles]]
colonnes = ["tags"]
si = ["démarche"]
sauf = ["non"]
alors = ["Aide aux démarches administratives"]
[champs.typologie]
colonne = "t"
autres = "garder"
valeurs = { "bib" = "BIB" }
)";

const std::shared_ptr<const maillage::federation::Profile>& fixed_profile() {
  static const auto profile = [] {
    auto loaded = maillage::federation::parse_profile(kProfile, "fuzz.toml");
    if (!loaded.profile) __builtin_trap();
    return std::make_shared<const maillage::federation::Profile>(std::move(*loaded.profile));
  }();
  return profile;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)maillage::fuzz::reference();
  (void)fixed_profile();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  std::string bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  if ((data[0] & 1) == 0) {
    auto loaded = maillage::federation::parse_profile(bytes, "fuzz.toml");
    if (!loaded.profile && loaded.errors.empty()) __builtin_trap();  // a refusal says why
    return 0;
  }
  auto opened =
      maillage::federation::open_mapped_bytes(fixed_profile(), std::move(bytes), "fuzz.csv");
  if (!opened.reader) {
    if (opened.error.empty()) __builtin_trap();
    return 0;
  }
  maillage::place::NormalizeContext ctx{&maillage::fuzz::reference(), "fuzz.csv", "fuzz", "2026-01-01"};
  maillage::place::RawRecord raw;
  while (opened.reader->next(raw)) (void)maillage::place::normalize(raw, ctx);
  (void)opened.reader->take_diagnostics();
  return 0;
}
