// Growing delays between failed logins, per (address typed, client): what replaces the
// lock-out of an account (issue 19), which anyone could trigger to keep its owner out.
//
// The key is the e-mail address as typed (normalised), a newline, then the client: its address,
// or the owner's known device. An attacker slows down only themselves; the owner on a device
// they signed in from before is never delayed by others' failures; an address without an
// account is delayed exactly like one with an account (nothing to enumerate). From the
// `free_failures`-th failure of a key on, each failure makes the next attempt wait twice as long
// as the one before, from `first_delay_ms` up to `max_delay_ms`. A success forgets the key. Kept in
// memory (bounded): a restart forgets the delays, which only gives an attacker one more short
// series. Thread-safe.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

namespace maillage::accounts {

class LoginThrottle {
 public:
  explicit LoginThrottle(int free_failures = 5, std::int64_t first_delay_ms = 5000,
                         std::int64_t max_delay_ms = 900'000, std::size_t max_keys = 100'000);

  // Milliseconds before `key` may try again (0: now). Times are in milliseconds too.
  std::int64_t wait_ms(const std::string& key, std::int64_t now_ms) const;
  // Counts a failure of `key` at `now_ms`; returns its consecutive failures.
  int failure(const std::string& key, std::int64_t now_ms);
  void success(const std::string& key);
  // Forgets every key of this typed address (after a password reset proved it).
  void forget_typed(const std::string& typed);

 private:
  struct State {
    int failures = 0;
    std::int64_t next_ms = 0;  // the next allowed attempt
  };
  void prune(std::int64_t now_ms);

  int free_failures_;
  std::int64_t first_delay_ms_, max_delay_ms_;
  std::size_t max_keys_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, State> keys_;
};

}  // namespace maillage::accounts
