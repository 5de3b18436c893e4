#include "http/provenance_json.h"

#include "place/codec.h"
#include "place/origin.h"

namespace maillage::http {
namespace {

void append_member(std::string& out, const search::Document& m) {
  out += "{\"source\":";
  place::append_json_string(out, m.source);
  out += ",\"id\":";
  place::append_json_string(out, m.id);
  out += ",\"date_maj\":";
  const place::Place p = m.place;
  if (p.has(place::Field::kDateMaj))
    place::append_json_string(out, p[place::Field::kDateMaj]);
  else
    out += "null";
  out += '}';
}

}  // namespace

void append_provenance_json(std::string& out, const search::Index& index,
                            const search::Document& d) {
  out += "{\"source\":";
  place::append_json_string(out, d.source);
  out += ",\"id\":";
  place::append_json_string(out, d.id);
  out += ",\"membres\":[";
  const auto members = index.members_of(d);
  if (members.empty()) append_member(out, d);
  std::vector<place::Place> places;
  places.reserve(members.size());
  for (std::size_t k = 0; k < members.size(); ++k) {
    if (k > 0) out += ',';
    append_member(out, *members[k]);
    places.emplace_back(members[k]->place);
  }
  out += ']';
  if (!members.empty()) {
    std::vector<const place::Place*> pointers;
    for (const auto& p : places) pointers.push_back(&p);
    out += ",\"champs\":{";
    bool first = true;
    for (const auto& origin : place::field_origins(d.place, pointers)) {
      if (!first) out += ',';
      first = false;
      place::append_json_string(out, place::name(origin.field));
      out += ":[";
      for (std::size_t i = 0; i < origin.members.size(); ++i) {
        if (i > 0) out += ',';
        const auto* m = members[origin.members[i]];
        place::append_json_string(out, std::string(m->source) + ":" + std::string(m->id));
      }
      out += ']';
    }
    out += '}';
  }
  out += '}';
}

}  // namespace maillage::http
