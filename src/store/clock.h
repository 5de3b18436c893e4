// The store's clock: ISO 8601 UTC timestamps with milliseconds ("2026-11-29T08:00:00.000Z"),
// which sort as text. Every table of the store writes its dates this way.
#pragma once

#include <cstdint>
#include <string>

namespace maillage::store {

std::string utc_now();
// `seconds` from now (negative: in the past).
std::string utc_in(std::int64_t seconds);

}  // namespace maillage::store
