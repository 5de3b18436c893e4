// export → import into an empty database → export gives the same bytes, in every format, on
// the real snapshots of the national cartography.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "place/codec.h"
#include "support/test_support.h"

namespace maillage {
namespace {

using testing::run_maillage;
using testing::TempDir;

TEST(RoundTrip, ExportImportExportIsAFixedPointInEveryFormat) {
  TempDir dir;
  std::vector<std::string> args = {"import", "--db", (dir / "a.db").string()};
  for (const auto& f : testing::snapshot_files()) args.push_back(f.string());
  args.push_back((testing::repo_dir() / "data/standard/exemple-valide.csv").string());
  args.push_back((testing::repo_dir() / "data/standard/exemple-valide-v0.1.1.csv").string());
  auto imported = run_maillage(args);
  ASSERT_EQ(imported.exit_code, 0) << imported.err;

  for (std::string format : {"csv", "json", "geojson"}) {
    SCOPED_TRACE(format);
    auto first = dir / ("first." + format);
    auto second = dir / ("second." + format);
    auto db2 = dir / ("b-" + format + ".db");
    ASSERT_EQ(run_maillage({"export", "--db", (dir / "a.db").string(), "--format", format, "--out",
                            first.string()})
                  .exit_code,
              0);
    auto reimport = run_maillage({"import", "--db", db2.string(), first.string()});
    ASSERT_EQ(reimport.exit_code, 0) << reimport.err;
    EXPECT_NE(reimport.out.find(" 0 rejetés"), std::string::npos) << reimport.out;
    ASSERT_EQ(run_maillage({"export", "--db", db2.string(), "--format", format, "--out",
                            second.string()})
                  .exit_code,
              0);
    std::string a = testing::read_file(first), b = testing::read_file(second);
    EXPECT_GT(a.size(), 100000u);
    EXPECT_TRUE(a == b) << "exports differ (" << a.size() << " vs " << b.size() << " bytes)";
  }
}

TEST(RoundTrip, CsvExportHasTheStandardHeaderAndUniqueIds) {
  TempDir dir;
  std::vector<std::string> args = {"import", "--db", (dir / "a.db").string()};
  for (const auto& f : testing::snapshot_files()) args.push_back(f.string());
  ASSERT_EQ(run_maillage(args).exit_code, 0);
  auto out = run_maillage({"export", "--db", (dir / "a.db").string(), "--format", "csv"});
  ASSERT_EQ(out.exit_code, 0);
  std::string header = out.out.substr(0, out.out.find('\n'));
  EXPECT_EQ(header,
            "\"id\",\"pivot\",\"nom\",\"commune\",\"code_postal\",\"code_insee\",\"adresse\","
            "\"complement_adresse\",\"latitude\",\"longitude\",\"typologie\",\"telephone\","
            "\"courriels\",\"site_web\",\"horaires\",\"presentation_resume\","
            "\"presentation_detail\",\"source\",\"itinerance\",\"structure_parente\",\"date_maj\","
            "\"services\",\"publics_specifiquement_adresses\",\"prise_en_charge_specifique\","
            "\"frais_a_charge\",\"dispositif_programmes_nationaux\",\"formations_labels\","
            "\"autres_formations_labels\",\"modalites_acces\",\"modalites_accompagnement\","
            "\"fiche_acces_libre\",\"prise_rdv\"");
  // The two Hub du Sud snapshots share ids: the export qualifies them with their source.
  EXPECT_NE(out.out.find("\"20230516-hub-du-sud-lieux-de-mediation-numeriques-provence-alpes-"
                         "cote-d-azur:dora-"),
            std::string::npos);
}

}  // namespace
}  // namespace maillage

// JSON strings as the API and the exports write them: every byte that needs escaping, at every
// position of a text longer than the eight-byte steps of the fast path, read back by
// nlohmann/json to the same text.
TEST(JsonStrings, EveryEscapeAtEveryPositionReadsBack) {
  const std::string specials[] = {"\"", "\\", "\n", "\r", "\t", std::string(1, '\0'), "\x01", "\x1f",
                                  "\x7f", "é", "’"};
  for (const auto& special : specials)
    for (std::size_t at = 0; at <= 19; ++at) {
      std::string text = std::string(at, 'a') + special + std::string(19 - at, 'b');
      std::string out;
      maillage::place::append_json_string(out, text);
      const auto parsed = nlohmann::json::parse(out, nullptr, false);
      ASSERT_FALSE(parsed.is_discarded()) << out;
      EXPECT_EQ(parsed.get<std::string>(), text) << at;
      // Nothing is escaped but what JSON requires.
      const bool escaped = static_cast<unsigned char>(special[0]) < 0x20 || special == "\"" || special == "\\";
      EXPECT_EQ(out.size() == text.size() + 2, !escaped) << out;
    }
}
