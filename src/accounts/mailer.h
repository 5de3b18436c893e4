// Sending the outbox (docs/accounts.md, "E-mails"): over SMTP with libcurl when `serve` is given
// --smtp, otherwise the e-mails wait in the outbox for the administrators (/espace/courriels,
// `maillage comptes courriels`). A sent e-mail loses its sealed link; a failure is recorded with
// the e-mail and retried, up to 10 attempts.
#pragma once

#include <functional>
#include <string>

#include "accounts/accounts.h"

namespace maillage::accounts {

struct SmtpSettings {
  std::string url;       // "smtp://mail.example.fr:587" (STARTTLS required when offered) or "smtps://…:465"
  std::string from;      // "annuaire@example.fr"
  std::string user, password;  // optional
  long timeout_s = 30;
};

// Sends one message; "" on success, else a French error.
using Transport = std::function<std::string(const std::string& to, const std::string& subject,
                                            const std::string& body)>;

// The SMTP transport (libcurl): a plain-text UTF-8 message with From, To, Subject (RFC 2047),
// Date and Message-ID.
Transport smtp_transport(SmtpSettings settings);

// Sends every waiting e-mail through `transport`; returns how many were sent.
std::size_t deliver_outbox(Service& service, const Transport& transport);

// The message as sent (headers and body, CRLF line ends, dot-stuffing left to the transport).
std::string format_message(const std::string& from, const std::string& to, const std::string& subject,
                           const std::string& body);

}  // namespace maillage::accounts
