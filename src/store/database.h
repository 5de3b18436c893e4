// Opening the SQLite database (WAL, pragmas) and applying the schema's migrations: shared by
// the places store and the accounts store. Private to src/store.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "store/sqlite.h"

namespace maillage::store {

// A statement from a shared column list and its clauses (appended: GCC 12 warns falsely on
// `std::string(a) + b` once inlined).
std::string join_sql(std::string_view columns, std::string_view clauses);

bool open_database(sqlite::Connection& db, const std::filesystem::path& path, std::string& error);

}  // namespace maillage::store
