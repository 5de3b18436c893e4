// The versioned schema of the SQLite store. Migrations are applied in order, each in its own
// transaction, on every open; a database newer than this program is refused.
#pragma once

#include <span>
#include <string_view>

namespace maillage::store {

struct Migration {
  int version;
  std::string_view description;
  std::string_view sql;
};

std::span<const Migration> sqlite_migrations();

}  // namespace maillage::store
