// Opening the SQLite database (WAL, pragmas) and applying the schema's migrations: shared by
// the places store and the accounts store. Private to src/store.
#pragma once

#include <filesystem>
#include <string>

#include "store/sqlite.h"

namespace maillage::store {

bool open_database(sqlite::Connection& db, const std::filesystem::path& path, std::string& error);

}  // namespace maillage::store
