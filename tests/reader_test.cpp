// The readers: format detection, CSV dialects and damage, JSON/GeoJSON recovery, encodings.
#include <gtest/gtest.h>

#include "place/reader.h"

namespace maillage::place {
namespace {

struct ReadAll {
  std::vector<RawRecord> records;
  Diagnostics diagnostics;
  Format format = Format::kCsv;
  std::string error;
};

ReadAll read_all(std::string bytes) {
  ReadAll r;
  auto opened = open_bytes(std::move(bytes), "test");
  if (!opened.reader) {
    r.error = opened.error;
    return r;
  }
  r.format = opened.reader->format();
  RawRecord raw;
  while (opened.reader->next(raw)) r.records.push_back(raw);
  r.diagnostics = opened.reader->take_diagnostics();
  return r;
}

std::string value(const RawRecord& r, std::string_view column) {
  for (const auto& [k, v] : r.fields)
    if (k == column) return v;
  return "<absent>";
}

bool has_rule(const Diagnostics& ds, std::string_view rule) {
  for (const auto& d : ds)
    if (d.rule == rule) return true;
  return false;
}

TEST(CsvReader, CommaQuotesEmbeddedNewlinesAndLineNumbers) {
  auto r = read_all("id,nom,adresse\n1,\"La \"\"Fabrique\"\"\",\"12 rue\nbâtiment B\"\n2,Deux,x\n");
  ASSERT_EQ(r.records.size(), 2u);
  EXPECT_EQ(value(r.records[0], "nom"), "La \"Fabrique\"");
  EXPECT_EQ(value(r.records[0], "adresse"), "12 rue\nbâtiment B");
  EXPECT_EQ(r.records[0].line, 2);
  EXPECT_EQ(r.records[1].line, 4);
  EXPECT_EQ(r.records[1].verbatim, "2,Deux,x");
}

TEST(CsvReader, SemicolonSeparatorBomAndCrlf) {
  auto r = read_all("\xEF\xBB\xBFid;nom;services\r\n1;Un;A;B\r\n");
  ASSERT_EQ(r.records.size(), 1u);
  EXPECT_EQ(value(r.records[0], "id"), "1");
  EXPECT_TRUE(has_rule(r.diagnostics, "csv.colonnes"));  // 4 values for 3 columns
}

TEST(CsvReader, HeaderNamesAreTrimmedAndLowercased) {
  auto r = read_all(" ID , Nom \n1,Un\n");
  ASSERT_EQ(r.records.size(), 1u);
  EXPECT_EQ(value(r.records[0], "id"), "1");
  EXPECT_EQ(value(r.records[0], "nom"), "Un");
}

TEST(CsvReader, UnterminatedQuoteStopsWithAnErrorButKeepsEarlierRecords) {
  auto r = read_all("id,nom\n1,Un\n2,\"Deux\n3,Trois\n");
  ASSERT_EQ(r.records.size(), 1u);
  ASSERT_TRUE(has_rule(r.diagnostics, "csv.guillemet"));
  EXPECT_EQ(r.diagnostics.back().line, 3);
}

TEST(CsvReader, BlankLinesAreSkippedAndMissingColumnsReported) {
  auto r = read_all("id,nom,commune\n\n1,Un\n\n");
  ASSERT_EQ(r.records.size(), 1u);
  EXPECT_EQ(r.records[0].line, 3);
  EXPECT_TRUE(has_rule(r.diagnostics, "csv.colonnes"));
}

TEST(CsvReader, Utf16FileIsConverted) {
  std::string utf16 = "\xFF\xFE";
  for (char c : std::string("id,nom\n1,Ab\n")) {
    utf16 += c;
    utf16 += '\0';
  }
  auto r = read_all(utf16);
  ASSERT_TRUE(r.error.empty()) << r.error;
  ASSERT_EQ(r.records.size(), 1u);
  EXPECT_EQ(value(r.records[0], "nom"), "Ab");
}

TEST(InputDetection, EmptyAndBinaryFilesAreRefusedWithAFrenchMessage) {
  EXPECT_NE(read_all("").error.find("vide"), std::string::npos);
  EXPECT_NE(read_all(std::string("id\0\x01\x02", 5)).error.find("octets nuls"), std::string::npos);
  EXPECT_NE(read_all("{\"a\":1}").error.find("FeatureCollection"), std::string::npos);
}

TEST(JsonReader, ArrayOfPlacesWithNumbersArraysAndNulls) {
  auto r = read_all(R"([{"id":"a","latitude":45.5,"services":["X","Y"],"nom":null,"ok":true}])");
  ASSERT_EQ(r.records.size(), 1u);
  EXPECT_EQ(r.format, Format::kJson);
  EXPECT_EQ(value(r.records[0], "latitude"), "45.5");
  EXPECT_EQ(value(r.records[0], "services"), "X|Y");
  EXPECT_EQ(value(r.records[0], "nom"), "<absent>");
  EXPECT_EQ(value(r.records[0], "ok"), "true");
}

TEST(JsonReader, MalformedElementIsSkippedAndTheRestIsRead) {
  auto r = read_all("[\n{\"id\":\"1\"},\n{\"id\": tru},\n42,\n{\"id\":\"3\"}\n]");
  ASSERT_EQ(r.records.size(), 2u);
  EXPECT_EQ(value(r.records[1], "id"), "3");
  EXPECT_EQ(r.records[1].line, 5);
  EXPECT_TRUE(has_rule(r.diagnostics, "json.element"));
  EXPECT_TRUE(has_rule(r.diagnostics, "json.objet"));
}

TEST(JsonReader, TruncatedFileKeepsCompleteRecords) {
  auto r = read_all("[{\"id\":\"1\"},{\"id\":\"2\",\"nom\":\"abc");
  ASSERT_EQ(r.records.size(), 1u);
  EXPECT_TRUE(has_rule(r.diagnostics, "json.structure"));
}

TEST(JsonReader, DeepNestingDoesNotOverflow) {
  std::string deep = "[" + std::string(100000, '[') + std::string(100000, ']') + "]";
  auto r = read_all(deep);
  EXPECT_TRUE(r.records.empty());
}

TEST(GeoJsonReader, PointGeometryGivesCoordinates) {
  auto r = read_all(R"({"type":"FeatureCollection","name":"x","features":[
    {"type":"Feature","geometry":{"type":"Point","coordinates":[-1.5,47.2]},"properties":{"id":"f1"}},
    {"type":"Feature","geometry":null,"properties":{"id":"f2","latitude":"48"}},
    {"type":"Feature"}]})");
  EXPECT_EQ(r.format, Format::kGeoJson);
  ASSERT_EQ(r.records.size(), 2u);
  EXPECT_EQ(value(r.records[0], "latitude"), "47.2");
  EXPECT_EQ(value(r.records[0], "longitude"), "-1.5");
  EXPECT_EQ(value(r.records[1], "latitude"), "48");
  EXPECT_TRUE(has_rule(r.diagnostics, "geojson.feature"));
}

}  // namespace
}  // namespace maillage::place
