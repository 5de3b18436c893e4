// `maillage hours ...` end to end: the command-line contract of the opening-hours engine (output
// and exit status of check, eval, eval --batch, intervals and normalize).
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

namespace {

struct CliRun {
  int status = -1;
  std::string out;
};

std::string quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

CliRun maillage(const std::vector<std::string>& args, const std::string& input = "") {
  std::string command = quote(MAILLAGE_BINARY);
  for (const std::string& a : args) command += " " + quote(a);
  std::string path;
  if (!input.empty()) {
    path = ::testing::TempDir() + "hours_cli_input.jsonl";
    std::ofstream(path) << input;
    command += " < " + quote(path);
  }
  command += " 2>/dev/null";
  CliRun run;
  FILE* pipe = popen(command.c_str(), "r");
  char buffer[4096];
  std::size_t n;
  while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) run.out.append(buffer, n);
  const int status = pclose(pipe);
  run.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  if (!path.empty()) std::remove(path.c_str());
  return run;
}

TEST(HoursCli, CheckPrintsTheNormalisedFormOrTheError) {
  CliRun ok = maillage({"hours", "check", "mo-fr 9:00-12:00 ; PH off"});
  EXPECT_EQ(ok.status, 0);
  EXPECT_EQ(ok.out, "Mo-Fr 09:00-12:00; PH off\n");
  CliRun bad = maillage({"hours", "check", "Mo-Fr 09:00-12:00; Sa 10:60-12:00"});
  EXPECT_EQ(bad.status, 1);
  EXPECT_EQ(bad.out, "colonne 26 : les minutes vont de 00 à 59\n");
  CliRun sh = maillage({"hours", "check", "SH off"});
  EXPECT_EQ(sh.status, 1);
  EXPECT_NE(sh.out.find("vacances scolaires"), std::string::npos);
  CliRun json = maillage({"hours", "check", "--json", "lundi 09:00-12:00"});
  EXPECT_EQ(json.status, 0);
  EXPECT_NE(json.out.find("\"normalized\":\"Mo 09:00-12:00\""), std::string::npos);
  EXPECT_NE(json.out.find("hours.weekday.name"), std::string::npos);
}

TEST(HoursCli, EvalPrintsOneJsonObject) {
  CliRun r = maillage({"hours", "eval", "Mo-Fr 09:00-12:00,14:00-18:00; PH off", "--at", "2026-11-28T10:30"});
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.out, "{\"state\":\"closed\",\"comment\":null,\"next_change\":\"2026-11-30T09:00\"}\n");
  CliRun holiday = maillage({"hours", "eval", "Mo-Su 08:00-20:00; PH off", "--at", "2026-12-20T10:00", "--insee", "97411"});
  EXPECT_EQ(holiday.out, "{\"state\":\"closed\",\"comment\":\"Abolition de l'esclavage\",\"next_change\":\"2026-12-21T08:00\"}\n");
  CliRun tz = maillage({"hours", "eval", "24/7 closed \"travaux\"", "--at", "2026-11-28T10:30", "--tz", "Pacific/Noumea"});
  EXPECT_EQ(tz.out, "{\"state\":\"closed\",\"comment\":\"travaux\",\"next_change\":null}\n");
  CliRun bad = maillage({"hours", "eval", "Mo 25:00-26:00", "--at", "2026-11-28T10:30"});
  EXPECT_EQ(bad.status, 1);
  EXPECT_EQ(bad.out.rfind("{\"error\":\"colonne 4 : ", 0), 0u);
}

TEST(HoursCli, EvalBatchAnswersEveryLineInOrder) {
  const std::string input =
      "{\"expr\":\"Mo-Fr 09:00-18:00\",\"at\":\"2026-11-30T10:00\",\"tz\":\"Europe/Paris\"}\n"
      "{\"expr\":\"Mo-Fr 09:00-18:00; Sa 10:60-11:00\",\"at\":\"2026-11-30T10:00\"}\n"
      "{\"expr\":\"Mo-Su 08:00-20:00; PH off\",\"at\":\"2026-04-03T10:00\",\"insee\":\"67482\"}\n"
      "pas du JSON\n";
  CliRun r = maillage({"hours", "eval", "--batch"}, input);
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.out,
            "{\"state\":\"open\",\"comment\":null,\"next_change\":\"2026-11-30T18:00\"}\n"
            "{\"error\":\"colonne 26 : les minutes vont de 00 à 59\"}\n"
            "{\"state\":\"closed\",\"comment\":\"Vendredi saint\",\"next_change\":\"2026-04-04T08:00\"}\n"
            "{\"error\":\"ligne JSON illisible\"}\n");
}

TEST(HoursCli, IntervalsListOpenAndUnknownTimes) {
  CliRun r = maillage({"hours", "intervals", "Mo-Fr 09:00-12:00; We 14:00-16:00 unknown", "--from", "2026-11-30T00:00",
                    "--to", "2026-12-03T00:00"});
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.out,
            "2026-11-30T09:00\t2026-11-30T12:00\topen\n"
            "2026-12-01T09:00\t2026-12-01T12:00\topen\n"
            "2026-12-02T14:00\t2026-12-02T16:00\tunknown\n");
}

TEST(HoursCli, NormalizeFreeText) {
  CliRun ok = maillage({"hours", "normalize", "Lundi au vendredi 9h-12h / 14h-17h"});
  EXPECT_EQ(ok.status, 0);
  EXPECT_EQ(ok.out, "Mo-Fr 09:00-12:00,14:00-17:00\n");
  CliRun none = maillage({"hours", "normalize", "Pas d'accueil."});
  EXPECT_EQ(none.status, 1);
  EXPECT_NE(none.out.find("aucun horaire reconnu"), std::string::npos);
  CliRun json = maillage({"hours", "normalize", "--json", "9h30-12h (jusqu'en juin 2022)"});
  EXPECT_NE(json.out.find("\"remainder\":[\"(jusqu'en juin 2022)\"]"), std::string::npos);
}

}  // namespace
