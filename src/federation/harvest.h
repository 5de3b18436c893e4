// Harvesting the sources of the registry (store::SourceDefinition): fetch a source's full dump
// over HTTP(S) or from a file, read it through its mapping profile (or as the standard), write
// its records through the importer (per-record fingerprints: an unchanged record costs a
// lookup), and withdraw the source's places the dump no longer holds.
//
// What a failing source can never do is damage what was harvested before:
// - a fetch error (DNS, refused, timeout, 4xx/5xx after the retries, a body over the size
//   limit, a body cut short) writes nothing; the source's status and last error say why;
// - a body whose structure ends early (an unclosed JSON array or CSV quote) is imported but
//   withdraws nothing;
// - a record the dump still holds but that is now invalid keeps its previous version;
// - withdrawing more than a share of the source's places at once (default 30 %, and at least
//   5 places) is held back ("retraits_suspendus") until an administrator accepts it
//   (`maillage harvest --accepter-retraits`): a publisher's half-empty export is an accident
//   more often than a closure.
// HTTP uses conditional requests (If-None-Match / If-Modified-Since, 304 = nothing to do), and a
// body identical to the last one read is not imported again (unless forced).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "exchange/importer.h"
#include "store/store.h"

namespace maillage::territory {
class Reference;
}

namespace maillage::federation {

struct FetchOptions {
  std::chrono::milliseconds connect_timeout{10'000};
  std::chrono::milliseconds read_timeout{60'000};
  int attempts = 3;                              // tries on a network error, 5xx or 429
  std::chrono::milliseconds backoff{2'000};      // before the 2nd try; doubled after each
  std::size_t max_bytes = std::size_t{2} << 30;  // a larger body (2 GiB) is refused
  std::string ca_file = "/etc/ssl/certs/ca-certificates.crt";
};

struct FetchResult {
  enum class Kind { kBody, kNotModified, kError } kind = Kind::kError;
  std::string body;
  std::string etag, last_modified;  // validators to send next time
  int http_status = 0;              // 0 for a file or when no response came
  int attempts = 0;
  std::string error;                // French, with kError
};

// Fetches `location` (http://, https:// or a file path; a relative path is taken relative to
// `base_dir`), sending the validators of `state` when not forced.
FetchResult fetch_source(const std::string& location, const std::filesystem::path& base_dir,
                         const store::SourceState& state, bool force, const FetchOptions& options);

struct HarvestOptions {
  bool force = false;              // ignore validators and the content hash: read it all again
  bool accept_withdrawals = false; // apply withdrawals over the share limit
  double max_withdraw_share = 0.30;
  std::int64_t min_withdraw_guard = 5;  // withdrawing this many or fewer is never held back
  std::filesystem::path base_dir;  // relative file locations; also where profiles are found
  FetchOptions fetch;
  std::function<void(double)> on_progress;  // share of the body read (0..1)
  std::string today;                        // for the importer's future-date check
};

struct HarvestReport {
  std::string source;
  // "ok", "inchangee" (304 or identical body: nothing read), "erreur", "retraits_suspendus"
  std::string status;
  std::string message;  // French: the error, or what was held back
  int http_status = 0;
  std::int64_t withdrawn = 0;
  std::int64_t withheld = 0;  // withdrawals held back
  exchange::FileReport import;  // empty when nothing was imported
};

// Harvests one source and records the outcome in its state and in its harvest history.
HarvestReport harvest(store::Store& store, const territory::Reference* territory,
                      const store::SourceEntry& source, const HarvestOptions& options);

// Sources due now: enabled, and never attempted or last attempted `schedule_hours` ago or more;
// a failing source is retried sooner (after 1 h, 2 h, 4 h... capped by its schedule).
std::vector<store::SourceEntry> due_sources(store::Store& store,
                                            std::chrono::system_clock::time_point now);

// Checks a definition (name syntax, location scheme, format, schedule, profile found);
// returns French errors.
std::vector<std::string> check_definition(const store::SourceDefinition& definition,
                                          const std::filesystem::path& profiles_dir);

}  // namespace maillage::federation
