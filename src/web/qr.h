// QR codes as inline SVG (libqrencode), for the printable sheets.
#pragma once

#include <string>
#include <string_view>

namespace maillage::web {

// An <svg> element (role="img", with `label` as its accessible name) drawing the QR code of
// `text` (error correction M, 4-module quiet zone, black on white). Empty when `text` cannot be
// encoded (over the QR capacity).
std::string qr_svg(std::string_view text, std::string_view label);

}  // namespace maillage::web
