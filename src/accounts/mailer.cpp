#include "accounts/mailer.h"

#include <curl/curl.h>
#include <sodium.h>

#include <cstring>
#include <ctime>
#include <mutex>

namespace maillage::accounts {
namespace {

// "=?UTF-8?B?...?=" when the subject is not plain ASCII.
std::string encode_header(const std::string& text) {
  bool ascii = true;
  for (unsigned char c : text) ascii &= c >= 0x20 && c < 0x7f;
  if (ascii) return text;
  std::string out(sodium_base64_ENCODED_LEN(text.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(text.data()), text.size(),
                    sodium_base64_VARIANT_ORIGINAL);
  out.resize(std::strlen(out.c_str()));
  return "=?UTF-8?B?" + out + "?=";
}

// A header value never carries a line break (no header injection).
std::string one_line(std::string s) {
  for (char& c : s)
    if (c == '\r' || c == '\n') c = ' ';
  return s;
}

struct Upload {
  const std::string* data;
  std::size_t pos = 0;
};

std::size_t read_upload(char* buffer, std::size_t size, std::size_t count, void* user) {
  auto* up = static_cast<Upload*>(user);
  std::size_t n = std::min(size * count, up->data->size() - up->pos);
  std::memcpy(buffer, up->data->data() + up->pos, n);
  up->pos += n;
  return n;
}

}  // namespace

std::string format_message(const std::string& from, const std::string& to, const std::string& subject,
                           const std::string& body) {
  char date[64];
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  std::strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &tm);
  unsigned char id[12];
  randombytes_buf(id, sizeof id);
  char hex[25];
  sodium_bin2hex(hex, sizeof hex, id, sizeof id);
  std::string domain = from.substr(from.find('@') == std::string::npos ? from.size() : from.find('@') + 1);
  std::string msg = "Date: " + std::string(date) + "\r\nFrom: " + one_line(from) + "\r\nTo: " + one_line(to) +
                    "\r\nSubject: " + encode_header(one_line(subject)) + "\r\nMessage-ID: <" + hex + "@" +
                    (domain.empty() ? "maillage" : domain) +
                    ">\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
                    "Content-Transfer-Encoding: 8bit\r\n\r\n";
  for (std::size_t i = 0; i < body.size(); ++i) {
    if (body[i] == '\n' && (i == 0 || body[i - 1] != '\r')) msg += '\r';
    msg += body[i];
  }
  if (msg.size() < 2 || msg.compare(msg.size() - 2, 2, "\r\n") != 0) msg += "\r\n";
  return msg;
}

Transport smtp_transport(SmtpSettings settings) {
  static std::once_flag init;
  std::call_once(init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  return [settings](const std::string& to, const std::string& subject, const std::string& body) -> std::string {
    CURL* curl = curl_easy_init();
    if (!curl) return "libcurl ne démarre pas";
    std::string message = format_message(settings.from, to, subject, body);
    Upload upload{&message};
    std::string from = "<" + settings.from + ">";
    curl_slist* recipients = curl_slist_append(nullptr, ("<" + to + ">").c_str());
    curl_easy_setopt(curl, CURLOPT_URL, settings.url.c_str());
    curl_easy_setopt(curl, CURLOPT_MAIL_FROM, from.c_str());
    curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, recipients);
    curl_easy_setopt(curl, CURLOPT_READFUNCTION, read_upload);
    curl_easy_setopt(curl, CURLOPT_READDATA, &upload);
    curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, settings.timeout_s);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    // STARTTLS whenever the server offers it; smtps:// is TLS from the start.
    curl_easy_setopt(curl, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_TRY));
    if (!settings.user.empty()) {
      curl_easy_setopt(curl, CURLOPT_USERNAME, settings.user.c_str());
      curl_easy_setopt(curl, CURLOPT_PASSWORD, settings.password.c_str());
    }
    CURLcode rc = curl_easy_perform(curl);
    curl_slist_free_all(recipients);
    curl_easy_cleanup(curl);
    if (rc != CURLE_OK) return std::string("envoi SMTP impossible : ") + curl_easy_strerror(rc);
    return {};
  };
}

std::size_t deliver_outbox(Service& service, const Transport& transport) {
  std::size_t sent = 0;
  for (const auto& mail : service.store().unsent_mail(100)) {
    std::string error = transport(mail.recipient, mail.subject, service.open_body(mail));
    service.store().mark_mail(mail.id, error.empty(), error);
    if (error.empty()) ++sent;
  }
  return sent;
}

}  // namespace maillage::accounts
