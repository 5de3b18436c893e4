#include "support/bundled_search.h"

#include <gtest/gtest.h>

#include <optional>
#include <tuple>

#include "federation/registry.h"
#include "store/store.h"
#include "territory/reference.h"

namespace maillage::testing {

namespace {

std::unique_ptr<BundledSearch> make_search(const std::filesystem::path& registry, bool dedup) {
  auto out = std::make_unique<BundledSearch>();
  std::string error;
  auto store = store::open_sqlite(out->dir / "m.db", error);
  EXPECT_TRUE(store) << error;
  if (!store) return nullptr;
  auto boot = federation::bootstrap_if_empty(*store, &territory::Reference::bundled(), registry,
                                             repo_dir() / "data", dedup);
  EXPECT_TRUE(boot.done && boot.errors.empty());
  out->service = std::make_unique<search::Service>(std::move(store), territory::Reference::bundled());
  EXPECT_TRUE(out->service->build(error)) << error;
  return out;
}

}  // namespace

std::unique_ptr<BundledSearch> make_bundled_search() {
  return make_search(repo_dir() / "tests/fixtures/sources-cartographie.toml", false);
}

std::unique_ptr<BundledSearch> make_full_bundled_search() {
  return make_search(repo_dir() / "data/sources.toml", true);
}

BundledSearch* FullBundledSearchTest::bundled_ = nullptr;

void FullBundledSearchTest::SetUpTestSuite() {
  bundled_ = make_full_bundled_search().release();
  ASSERT_TRUE(bundled_);
}

void FullBundledSearchTest::TearDownTestSuite() {
  delete bundled_;
  bundled_ = nullptr;
}

BundledSearch* BundledSearchTest::bundled_ = nullptr;
search::Service* BundledSearchTest::service_ = nullptr;

void BundledSearchTest::SetUpTestSuite() {
  bundled_ = make_bundled_search().release();
  ASSERT_TRUE(bundled_);
  service_ = bundled_->service.get();
}

void BundledSearchTest::TearDownTestSuite() {
  delete bundled_;
  bundled_ = nullptr;
  service_ = nullptr;
}

search::SearchResult BundledSearch::run(const std::multimap<std::string, std::string>& params) const {
  std::optional<search::Query> q;
  search::QueryError err;
  std::tie(q, err) = search::parse_query(params, territory::Reference::bundled());
  EXPECT_TRUE(q.has_value()) << err.parameter << " : " << err.message;
  if (!q) return {};
  return service->read([&](const search::Index& index) { return index.search(*q); });
}

}  // namespace maillage::testing
