// A search service over the bundled real dataset (data/lieux, 2,415 places) in a temporary
// database: what the search tests query. Each call builds a fresh one (the tests that follow the
// change log modify theirs).
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>

#include "search/service.h"
#include "support/test_support.h"

namespace maillage::testing {

struct BundledSearch {
  TempDir dir;
  std::unique_ptr<search::Service> service;

  // parse_query + Index::search; a parameter error fails the calling test and gives an empty
  // result.
  search::SearchResult run(const std::multimap<std::string, std::string>& params) const;
};

// nullptr (and a test failure) when the store or the index cannot be built.
std::unique_ptr<BundledSearch> make_bundled_search();

// The whole bundled dataset as `maillage serve` loads it on its first start (data/sources.toml:
// nine sources, duplicates merged, about 19,000 places): what people search.
std::unique_ptr<BundledSearch> make_full_bundled_search();

// A fixture whose suite shares one full BundledSearch (built before its first test).
class FullBundledSearchTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite();
  static void TearDownTestSuite();
  static BundledSearch* bundled_;
};

// A fixture whose suite shares one BundledSearch (built before its first test).
class BundledSearchTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite();
  static void TearDownTestSuite();
  static BundledSearch* bundled_;
  static search::Service* service_;
};

}  // namespace maillage::testing
