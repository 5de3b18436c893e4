// The administrators' API (`/api/v1/admin/…`): the registry of sources (list, add, change,
// remove, harvest now) and the decisions on duplicates (split, force), the same operations as
// `maillage sources`, `harvest`, `split` and `merge`.
//
// Authentication: a bearer token (`Authorization: Bearer …`) given to `maillage serve` in a file
// (`--jeton-admin-fichier`) or the environment (MAILLAGE_JETON_ADMIN), 32 characters at least.
// Only its BLAKE2b hash is kept in memory and compared in constant time; without a token the
// administrators' API is off (404). No cookie is involved, so there is no CSRF surface. Role
// accounts (coordinators, place managers) come with the accounts issue.
//
// Writes use their own store connection (`open_store`), so a long harvest does not hold the
// connection the public API reads with.
#pragma once

#include <array>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "store/store.h"

namespace maillage::http {
class Router;
}
namespace maillage::territory {
class Reference;
}

namespace maillage::http {

struct AdminConfig {
  std::optional<std::array<unsigned char, 32>> token_hash;  // unset: the admin API is off
  std::function<std::unique_ptr<store::Store>()> open_store;
  const territory::Reference* territory = nullptr;
  std::filesystem::path data_dir;
  bool deduplicate = true;  // after a harvest or a decision
};

// The hash kept for a token; nullopt (and a French `error`) when the token is too short.
std::optional<std::array<unsigned char, 32>> admin_token_hash(const std::string& token,
                                                              std::string& error);

void add_admin_routes(http::Router& server, std::shared_ptr<AdminConfig> config);

}  // namespace maillage::http
