#include "territory/geocoder.h"

#include <httplib.h>

#include <algorithm>
#include <mutex>
#include <nlohmann/json.hpp>
#include <unordered_map>

#include "common/utf8.h"

namespace maillage::territory {
namespace {
namespace geocoder_detail {

constexpr std::size_t kMaxAnswerBytes = 1 << 20;
constexpr double kMinScore = 0.5;

std::string text_property(const nlohmann::json& properties, const char* name) {
  auto it = properties.find(name);
  if (it == properties.end()) return {};
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number_integer()) return std::to_string(it->get<long long>());
  return {};
}

// One feature of the answer, or nullopt when it lacks a label or a point.
std::optional<GeocodedAddress> read_feature(const nlohmann::json& feature) {
  if (!feature.is_object()) return std::nullopt;
  auto properties = feature.find("properties");
  auto geometry = feature.find("geometry");
  if (properties == feature.end() || !properties->is_object() || geometry == feature.end() ||
      !geometry->is_object())
    return std::nullopt;
  auto coordinates = geometry->find("coordinates");
  if (coordinates == geometry->end() || !coordinates->is_array() || coordinates->size() < 2 ||
      !(*coordinates)[0].is_number() || !(*coordinates)[1].is_number())
    return std::nullopt;
  GeocodedAddress a;
  a.longitude = (*coordinates)[0].get<double>();
  a.latitude = (*coordinates)[1].get<double>();
  if (!(a.latitude >= -90 && a.latitude <= 90 && a.longitude >= -180 && a.longitude <= 180))
    return std::nullopt;
  a.label = text_property(*properties, "label");
  a.kind = text_property(*properties, "type");
  a.citycode = text_property(*properties, "citycode");
  a.city = text_property(*properties, "city");
  a.postcode = text_property(*properties, "postcode");
  if (auto score = properties->find("score"); score != properties->end() && score->is_number())
    a.score = score->get<double>();
  if (a.label.empty() || !utf8::is_valid(a.label)) return std::nullopt;
  return a;
}

std::string http_failure(httplib::Error error) {
  switch (error) {
    case httplib::Error::Connection:
      return "connexion impossible";
    case httplib::Error::ConnectionTimeout:
      return "délai de connexion dépassé";
    case httplib::Error::Read:  // the read timeout, or a connection cut
      return "délai dépassé ou réponse interrompue";
    default:
      return httplib::to_string(error);
  }
}

}  // namespace geocoder_detail
}  // namespace

struct Geocoder::Memory {
  static constexpr std::size_t kCapacity = 1000;
  std::mutex mutex;
  std::unordered_map<std::string, GeocodeAnswer> answers;  // only answers without error
};

std::optional<Geocoder> Geocoder::make(std::string_view url, std::string* error,
                                       std::chrono::milliseconds timeout) {
  const auto fail = [&](const std::string& why) -> std::optional<Geocoder> {
    if (error != nullptr) *error = "géocodeur « " + std::string(url) + " » : " + why;
    return std::nullopt;
  };
  const bool https = url.starts_with("https://");
  if (!https && !url.starts_with("http://"))
    return fail("l'adresse doit commencer par http:// ou https://.");
  const std::size_t host_start = https ? 8 : 7;
  const std::size_t slash = std::min(url.find('/', host_start), url.size());
  if (slash == host_start) return fail("il manque le nom du serveur.");
  if (url.find_first_of("?# ") != std::string_view::npos)
    return fail("l'adresse ne doit contenir ni « ? », ni « # », ni espace.");
  Geocoder g;
  g.origin_ = std::string(url.substr(0, slash));
  g.prefix_ = std::string(url.substr(slash));
  while (!g.prefix_.empty() && g.prefix_.back() == '/') g.prefix_.pop_back();
  g.timeout_ = timeout;
  g.memory_ = std::make_shared<Memory>();
  return g;
}

GeocodeAnswer Geocoder::search(std::string_view text, int limit) const {
  GeocodeAnswer answer;
  text = utf8::trim(text);
  if (text.empty() || text.size() > 200 || !utf8::is_valid(text)) {
    answer.error = "adresse vide, illisible ou trop longue.";
    return answer;
  }
  limit = std::clamp(limit, 1, 20);
  const std::string memory_key = std::to_string(limit) + ' ' + std::string(text);
  {
    std::lock_guard lock(memory_->mutex);
    if (auto it = memory_->answers.find(memory_key); it != memory_->answers.end())
      return it->second;
  }
  const std::string path = prefix_ +
                           "/search/?q=" + httplib::detail::encode_query_param(std::string(text)) +
                           "&limit=" + std::to_string(limit);
  std::string body;
  bool too_big = false;
  int status = 0;
  httplib::Error failure = httplib::Error::Success;
  try {
    httplib::Client client(origin_);
    const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(timeout_);
    client.set_connection_timeout(micros);
    client.set_read_timeout(micros);
    client.set_write_timeout(micros);
    client.set_follow_location(false);
    client.set_keep_alive(false);
    auto res = client.Get(
        path, httplib::Headers{{"User-Agent", "maillage (recherche de lieux)"}},
        [&](const httplib::Response& head) {
          status = head.status;
          return status == 200;
        },
        [&](const char* data, std::size_t n) {
          if (body.size() + n > geocoder_detail::kMaxAnswerBytes) {
            too_big = true;
            return false;
          }
          body.append(data, n);
          return true;
        });
    failure = res.error();
  } catch (const std::exception& e) {  // cpp-httplib may throw on a malformed host
    answer.error = std::string("géocodeur : ") + e.what();
    return answer;
  }
  if (too_big) {
    answer.error = "géocodeur : réponse trop volumineuse.";
  } else if (status != 0 && status != 200) {
    answer.error = "géocodeur : réponse HTTP " + std::to_string(status) + ".";
  } else if (failure != httplib::Error::Success) {
    answer.error = "géocodeur : " + geocoder_detail::http_failure(failure) + ".";
  }
  if (!answer.error.empty()) return answer;
  const nlohmann::json doc = nlohmann::json::parse(body, nullptr, false);
  auto features = doc.is_object() ? doc.find("features") : doc.end();
  if (doc.is_discarded() || !doc.is_object() || features == doc.end() || !features->is_array()) {
    answer.error = "géocodeur : réponse illisible (pas une FeatureCollection GeoJSON).";
    return answer;
  }
  for (const nlohmann::json& feature : *features) {
    if (static_cast<int>(answer.addresses.size()) >= limit) break;
    if (auto a = geocoder_detail::read_feature(feature)) answer.addresses.push_back(std::move(*a));
  }
  std::lock_guard lock(memory_->mutex);
  if (memory_->answers.size() >= Memory::kCapacity) memory_->answers.clear();
  memory_->answers.emplace(memory_key, answer);
  return answer;
}

LocatedPlace locate_place(const PlaceResolver& resolver, const Geocoder* geocoder,
                          std::string_view typed) {
  const PlaceMatch match = resolver.resolve(typed);
  LocatedPlace out;
  const bool by_name_or_code = match.commune != nullptr && match.basis != PlaceBasis::kAddress &&
                               match.basis != PlaceBasis::kNearName;
  if (geocoder != nullptr && !by_name_or_code && looks_like_street_address(typed)) {
    const GeocodeAnswer answer = geocoder->search(typed, 5);
    for (const GeocodedAddress& a : answer.addresses) {
      if (a.score < geocoder_detail::kMinScore ||
          (a.kind != "housenumber" && a.kind != "street" && a.kind != "locality"))
        continue;
      out.found = true;
      out.latitude = a.latitude;
      out.longitude = a.longitude;
      out.label = a.label;
      out.code_insee = a.citycode;
      return out;
    }
  }
  if (match.commune == nullptr) {
    out.error = match.error;
  } else {
    out.found = true;
    out.latitude = match.commune->latitude;
    out.longitude = match.commune->longitude;
    out.label = match.label;
    out.code_insee = match.commune->code_insee;
    out.note = match.note;
  }
  for (const PlaceChoice& c : match.alternatives) out.alternatives.push_back(c.label);
  return out;
}

}  // namespace maillage::territory
