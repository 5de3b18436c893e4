// The deduplication measured on real data: tests/cases/dedup_pairs.tsv holds 533 pairs of
// records from 38 real source files, each labelled by hand "meme" (the same place) or
// "different" (guide in the table's header; drawn by tools/dedup_pairs_sample.py). Every
// source of tests/cases/dedup_sources.tsv is imported through its profile, the whole set is
// clustered as `maillage dedup` does, and a pair is predicted "meme" when both records land in
// one merged place. Precision must reach 0.98 and recall 0.90; the misclassified pairs are
// printed with their evidence.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <unordered_map>

#include "exchange/importer.h"
#include "federation/dedup.h"
#include "federation/mapped_reader.h"
#include "federation/profile.h"
#include "store/store.h"
#include "support/test_support.h"
#include "territory/reference.h"

namespace maillage {
namespace {

struct LabelledPair {
  std::string source_a, id_a, source_b, id_b, label, category, note;
};

class DedupPairs : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir();
    // The sanitizer run (MAILLAGE_TEST_SCALE=small) checks the same code on small data
    // (tests/dedup_test.cpp); reading 38 real files twice under ASan costs minutes of CI.
    if (const char* scale = std::getenv("MAILLAGE_TEST_SCALE"); scale && std::string(scale) == "small") return;
    std::string error;
    auto store = store::open_sqlite(*dir_ / "m.db", error);
    ASSERT_TRUE(store) << error;
    const auto& territory = territory::Reference::bundled();
    for (const auto& row : testing::read_tsv_rows(testing::repo_dir() / "tests/cases/dedup_sources.tsv")) {
      ASSERT_EQ(row.size(), 3u);
      exchange::Options options;
      options.source = row[0];
      options.today = "2026-11-29";
      const auto file = testing::shared_dir() / row[2];
      exchange::FileReport report;
      if (row[1] == "-") {
        report = exchange::import_file(file, store.get(), &territory, options);
      } else {
        auto loaded = federation::load_profile(testing::repo_dir() / "data/profils" / (row[1] + ".toml"));
        ASSERT_TRUE(loaded.profile) << row[1];
        auto profile = std::make_shared<const federation::Profile>(std::move(*loaded.profile));
        report = exchange::import_reader(federation::open_mapped(profile, file), file.string(),
                                         store.get(), &territory, options);
      }
      ASSERT_TRUE(report.ok()) << row[2] << ": " << report.fatal;
    }
    places_ = new std::vector<store::StoredPlace>();
    ASSERT_TRUE(store->scan([](const store::StoredPlace& p) { places_->push_back(p); }).ok);
    records_ = new std::vector<federation::MatchRecord>();
    for (const auto& p : *places_) records_->push_back(federation::match_record(p));
    stats_ = new federation::MatchStats(*records_);
    clusters_ = new std::vector<std::vector<std::size_t>>(
        federation::cluster_records(*records_, *stats_, {}, federation::DedupOptions{}));
  }

  static void TearDownTestSuite() {
    delete clusters_;
    delete stats_;
    delete records_;
    delete places_;
    delete dir_;
  }

  static testing::TempDir* dir_;
  static std::vector<store::StoredPlace>* places_;
  static std::vector<federation::MatchRecord>* records_;
  static federation::MatchStats* stats_;
  static std::vector<std::vector<std::size_t>>* clusters_;
};

testing::TempDir* DedupPairs::dir_ = nullptr;
std::vector<store::StoredPlace>* DedupPairs::places_ = nullptr;
std::vector<federation::MatchRecord>* DedupPairs::records_ = nullptr;
federation::MatchStats* DedupPairs::stats_ = nullptr;
std::vector<std::vector<std::size_t>>* DedupPairs::clusters_ = nullptr;

TEST_F(DedupPairs, PrecisionAndRecallOnTheLabelledPairs) {
  if (!clusters_) GTEST_SKIP() << "MAILLAGE_TEST_SCALE=small";
  std::vector<LabelledPair> pairs;
  for (const auto& r : testing::read_tsv_rows(testing::repo_dir() / "tests/cases/dedup_pairs.tsv")) {
    ASSERT_GE(r.size(), 7u);
    pairs.push_back({r[0], r[1], r[2], r[3], r[4], r[5], r[6]});
  }
  ASSERT_GE(pairs.size(), 300u);

  std::unordered_map<std::string, std::size_t> index, cluster_of;
  for (std::size_t i = 0; i < places_->size(); ++i)
    index[(*places_)[i].source + '\x1f' + (*places_)[i].id] = i;
  for (std::size_t c = 0; c < clusters_->size(); ++c)
    for (std::size_t i : (*clusters_)[c]) cluster_of[std::to_string(i)] = c;

  std::int64_t tp = 0, fp = 0, fn = 0, tn = 0;
  std::map<std::string, std::pair<std::int64_t, std::int64_t>> by_category;  // right, total
  for (const auto& p : pairs) {
    auto a = index.find(p.source_a + '\x1f' + p.id_a);
    auto b = index.find(p.source_b + '\x1f' + p.id_b);
    ASSERT_TRUE(a != index.end()) << p.source_a << ":" << p.id_a;
    ASSERT_TRUE(b != index.end()) << p.source_b << ":" << p.id_b;
    auto ca = cluster_of.find(std::to_string(a->second));
    auto cb = cluster_of.find(std::to_string(b->second));
    const bool predicted = ca != cluster_of.end() && cb != cluster_of.end() && ca->second == cb->second;
    const bool same = p.label == "meme";
    ASSERT_TRUE(same || p.label == "different") << p.label;
    tp += predicted && same;
    fp += predicted && !same;
    fn += !predicted && same;
    tn += !predicted && !same;
    auto& cat = by_category[p.label + "/" + p.category];
    cat.first += predicted == same;
    ++cat.second;
    if (predicted != same) {
      const auto e = federation::score_pair((*records_)[a->second], (*records_)[b->second], *stats_);
      std::printf("%s %s:%s ~ %s:%s score %.3f (nom %.2f adresse %.2f distance %.3f km%s%s%s%s) — %s\n",
                  same ? "MANQUÉ " : "À TORT ", p.source_a.c_str(), p.id_a.c_str(),
                  p.source_b.c_str(), p.id_b.c_str(), e.score, e.name, e.address, e.distance_km,
                  e.same_pivot ? " pivot" : "", e.same_phone ? " tel" : "",
                  e.same_email ? " courriel" : "", e.same_web ? " web" : "", p.note.c_str());
      for (auto c : {ca, cb})
        if (c != cluster_of.end()) {
          std::printf("    fusion:");
          for (std::size_t i : (*clusters_)[c->second])
            std::printf(" %s:%s", (*places_)[i].source.c_str(), (*places_)[i].id.c_str());
          std::printf("\n");
        }
    }
  }
  const double precision = tp + fp == 0 ? 0 : static_cast<double>(tp) / static_cast<double>(tp + fp);
  const double recall = tp + fn == 0 ? 0 : static_cast<double>(tp) / static_cast<double>(tp + fn);
  std::printf("dedup pairs: %zu pairs, tp %lld fp %lld fn %lld tn %lld — precision %.4f recall %.4f\n",
              pairs.size(), static_cast<long long>(tp), static_cast<long long>(fp),
              static_cast<long long>(fn), static_cast<long long>(tn), precision, recall);
  for (const auto& [cat, rt] : by_category)
    std::printf("  %-20s %lld / %lld right\n", cat.c_str(), static_cast<long long>(rt.first),
                static_cast<long long>(rt.second));
  RecordProperty("precision", std::to_string(precision));
  RecordProperty("recall", std::to_string(recall));
  EXPECT_GE(precision, 0.98);
  EXPECT_GE(recall, 0.90);
}

// Inside every merged place, no two records score below the veto and their mean score reaches
// the floor (no chaining of A~B~C into A=C).
TEST_F(DedupPairs, ClustersKeepTheirGuards) {
  if (!clusters_) GTEST_SKIP() << "MAILLAGE_TEST_SCALE=small";
  const federation::DedupOptions options;
  ASSERT_GT(clusters_->size(), 1000u);
  for (const auto& c : *clusters_) {
    double sum = 0;
    std::size_t n = 0;
    for (std::size_t x = 0; x < c.size(); ++x)
      for (std::size_t y = x + 1; y < c.size(); ++y) {
        const auto& a = (*records_)[c[x]];
        const auto& b = (*records_)[c[y]];
        const double s = federation::score_pair(a, b, *stats_).score;
        EXPECT_GE(s, options.veto) << a.id << " " << b.id;
        sum += s;
        ++n;
      }
    EXPECT_GE(sum / static_cast<double>(n), options.floor - 0.2) << (*records_)[c[0]].id;
  }
}

}  // namespace
}  // namespace maillage
