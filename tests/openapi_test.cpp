// The OpenAPI document: generated from the standard's schema (tools/gen_openapi.py, committed
// file up to date), and in step with the code: every parameter the search accepts is described,
// and nothing else; every filter field of the standard keeps its name.
#include <gtest/gtest.h>

#include <cstdlib>
#include <set>

#include <nlohmann/json.hpp>

#include "place/fields.h"
#include "search/query.h"
#include "support/test_support.h"

namespace maillage {
namespace {

nlohmann::json document() {
  return nlohmann::json::parse(testing::read_file(testing::repo_dir() / "data/api/openapi.json"));
}

TEST(OpenApi, CommittedDocumentIsUpToDate) {
  const std::string command = "cd '" + testing::repo_dir().string() + "' && python3 tools/gen_openapi.py --check";
  EXPECT_EQ(std::system(command.c_str()), 0) << "run tools/gen_openapi.py";
}

TEST(OpenApi, DescribesExactlyTheSearchParameters) {
  auto doc = document();
  EXPECT_EQ(doc["openapi"], "3.1.0");
  std::set<std::string> described;
  for (const auto& p : doc["paths"]["/lieux"]["get"]["parameters"]) described.insert(p["name"].get<std::string>());
  std::set<std::string> accepted(search::query_parameters().begin(), search::query_parameters().end());
  accepted.insert(search::filter_fields().begin(), search::filter_fields().end());
  EXPECT_EQ(described, accepted);
}

TEST(OpenApi, PlaceSchemaHasTheStandardsFields) {
  auto doc = document();
  const auto& props = doc["components"]["schemas"]["Lieu"]["properties"];
  EXPECT_EQ(props.size(), place::kFieldCount);
  for (std::size_t i = 0; i < place::kFieldCount; ++i) {
    auto name = std::string(place::spec(static_cast<place::Field>(i)).name);
    EXPECT_TRUE(props.contains(name)) << name;
  }
  EXPECT_EQ(props["latitude"]["type"], "number");
  EXPECT_EQ(props["date_maj"]["format"], "date");
}

TEST(OpenApi, EveryOperationDocumentsItsErrors) {
  auto doc = document();
  for (const auto& [path, item] : doc["paths"].items()) {
    for (const auto& [method, op] : item.items()) {
      EXPECT_TRUE(op.contains("operationId")) << path;
      EXPECT_TRUE(op["responses"].contains("200")) << path;
      if (path != "/sante" && path != "/openapi.json") {
        EXPECT_TRUE(op["responses"].contains("429")) << path;
      }
    }
  }
}

}  // namespace
}  // namespace maillage
