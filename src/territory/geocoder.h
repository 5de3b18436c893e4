// Street addresses to coordinates through a server speaking the Base Adresse Nationale's search
// API (api-adresse.data.gouv.fr, or the same software, "addok", run locally):
//   GET {url}/search/?q=12+rue+Mercière+Lyon&limit=5
// answers a GeoJSON FeatureCollection whose features carry properties.label, score, type
// ("housenumber", "street", "locality", "municipality"), citycode, city, postcode and a Point
// geometry [longitude, latitude].
//
// Optional: `maillage serve --geocodeur URL` turns it on; without it, and whenever the server
// fails, "Où ?" falls back to the commune found in the text (place_query.h).
//
// A Geocoder is set once by make(): search() is thread-safe (each call opens its own
// connection), blocks for at most about twice the timeout (connection, then reading), and never
// throws but std::bad_alloc: HTTP errors, timeouts and unreadable answers come back as a French
// message in GeocodeAnswer::error. The answers are remembered (the last 1,000 texts, shared by
// the copies of a Geocoder): the results page, its map and the API's cache ask the same text
// several times.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "territory/place_query.h"

namespace maillage::territory {

struct GeocodedAddress {
  std::string label;  // "12 Rue Mercière 69002 Lyon"
  std::string kind;   // properties.type: "housenumber", "street", "locality", "municipality"
  double score = 0;   // 0 to 1
  // INSEE code of the commune (of the arrondissement in Paris, Lyon and Marseille).
  std::string citycode;
  std::string city, postcode;
  double latitude = 0, longitude = 0;
};

struct GeocodeAnswer {
  std::vector<GeocodedAddress> addresses;  // in the server's order (best first)
  std::string error;                       // French; empty when the server answered
};

class Geocoder {
 public:
  // `url`: http:// or https://, host, optional port and path prefix ("http://127.0.0.1:7878",
  // "https://api-adresse.data.gouv.fr"). nullopt and a French message in `error` (when not null)
  // for anything else.
  static std::optional<Geocoder> make(std::string_view url, std::string* error,
                                      std::chrono::milliseconds timeout = std::chrono::seconds(2));

  // At most `limit` (1 to 20) addresses for `text`. Text that is empty, not UTF-8 or longer
  // than 200 bytes is not sent (error set).
  GeocodeAnswer search(std::string_view text, int limit = 5) const;

  std::string url() const { return origin_ + prefix_; }

 private:
  struct Memory;  // the answers remembered; defined in geocoder.cpp
  Geocoder() = default;
  std::shared_ptr<Memory> memory_;
  std::string origin_;  // scheme://host[:port]
  std::string prefix_;  // path before /search/, without a trailing slash; often empty
  std::chrono::milliseconds timeout_{2000};
};

// Where "Où ?" points: what parse_query needs from a typed place.
struct LocatedPlace {
  bool found = false;
  double latitude = 0, longitude = 0;
  std::string label;                      // "Saint-Denis (93)", or the geocoded address
  std::string code_insee;                 // the commune's (for an address: the server's citycode)
  std::string note;                       // French, to show beside the results; may be empty
  std::vector<std::string> alternatives;  // labels to offer ("Vouliez-vous dire …")
  std::string error;                      // French, when not found
};

// Resolves `typed` with `resolver`; when `geocoder` is not null, the text looks like a street
// address (looks_like_street_address) and the resolver did not find it as a commune name or
// code, asks the geocoder first and takes its best address of type housenumber, street or
// locality scoring at least 0.5, falling back to the resolver when there is none or the
// geocoder fails. Thread-safe when the geocoder is.
LocatedPlace locate_place(const PlaceResolver& resolver, const Geocoder* geocoder,
                          std::string_view typed);

}  // namespace maillage::territory
