// CSV for spreadsheets (common/spreadsheet.h): the OWASP cases of CSV injection, and the
// standard's CSV rewritten for French spreadsheets without changing a value.
#include <gtest/gtest.h>

#include "common/spreadsheet.h"

namespace maillage::common {
namespace {

TEST(Spreadsheet, CellsThatWouldRunAsFormulasAreNeutralised) {
  struct Case {
    const char* value;
    const char* cell;
  } cases[] = {
      {"=1+1", "\"'=1+1\""},
      {"=HYPERLINK(\"http://x\",\"y\")", "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\""},
      {"+1+cmd|' /C calc'!A0", "\"'+1+cmd|' /C calc'!A0\""},
      {"-2+3", "\"'-2+3\""},
      {"@SUM(A1:A2)", "\"'@SUM(A1:A2)\""},
      {"\tx", "\"'\tx\""},
      {"\r=1", "\"'\r=1\""},
      {"+", "\"'+\""},
      {"-", "\"'-\""},
      // Plain signed numbers stay numbers: a longitude, a phone number in international form.
      {"-1.5531", "\"-1.5531\""},
      {"+33545000000", "\"+33545000000\""},
      {"+33 5 45 00 00 00", "\"+33 5 45 00 00 00\""},
      // Anything else is left alone.
      {"Médiathèque = lieu", "\"Médiathèque = lieu\""},
      {" =1+1", "\" =1+1\""},
      {"", "\"\""},
  };
  for (const auto& c : cases) EXPECT_EQ(spreadsheet_cell(c.value), c.cell) << c.value;
}

TEST(Spreadsheet, TheStandardsCsvIsRewrittenForFrenchSpreadsheets) {
  const std::string csv =
      "id,nom,latitude\r\n"
      "a,\"Le \"\"Cyber\"\", centre\",-21.5\r\n"
      "b,\"Deux\nlignes\",=1+1\n"
      "c,,\"@x\"";
  EXPECT_EQ(csv_for_spreadsheets(csv),
            "\xEF\xBB\xBF\"id\";\"nom\";\"latitude\"\r\n"
            "\"a\";\"Le \"\"Cyber\"\", centre\";\"-21.5\"\r\n"
            "\"b\";\"Deux\nlignes\";\"'=1+1\"\r\n"
            "\"c\";\"\";\"'@x\"\r\n");
  EXPECT_EQ(csv_for_spreadsheets(""), "\xEF\xBB\xBF");
}

}  // namespace
}  // namespace maillage::common
