// A thin RAII layer over the SQLite C API: a connection and prepared statements with bound
// parameters (never SQL built from values). Private to src/store.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace maillage::store::sqlite {

class Statement {
 public:
  Statement() = default;
  Statement(sqlite3* db, std::string_view sql);
  ~Statement();
  Statement(Statement&& o) noexcept;
  Statement& operator=(Statement&& o) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  bool valid() const { return stmt_ != nullptr; }
  Statement& bind(int i, std::string_view v);
  // Binds without copying: `v` must stay alive and unchanged until the next reset().
  Statement& bind_static(int i, std::string_view v);
  Statement& bind_blob_static(int i, const void* data, std::size_t size);
  Statement& bind(int i, std::int64_t v);
  Statement& bind(int i, double v);
  Statement& bind_blob(int i, const void* data, std::size_t size);
  Statement& bind_null(int i);

  // SQLITE_ROW, SQLITE_DONE or an error code.
  int step();
  void reset();

  std::string text(int col) const;
  std::string_view text_view(int col) const;
  std::int64_t integer(int col) const;
  double real(int col) const;
  bool is_null(int col) const;
  std::string_view blob(int col) const;

 private:
  sqlite3_stmt* stmt_ = nullptr;
};

class Connection {
 public:
  Connection() = default;
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  bool open(const std::string& path, std::string& error);
  sqlite3* handle() const { return db_; }
  // Runs SQL without parameters (schema, pragmas, BEGIN/COMMIT). Returns an error message or "".
  std::string exec(std::string_view sql);
  std::string last_error() const;

 private:
  sqlite3* db_ = nullptr;
};

}  // namespace maillage::store::sqlite
