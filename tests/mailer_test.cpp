// The outbox sent over SMTP (libcurl) to a small SMTP server in the test: the message, its
// headers, the link opened only at sending time, and a failure recorded for a later retry.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include "accounts/accounts.h"
#include "accounts/mailer.h"
#include "store/accounts.h"
#include "support/serve_support.h"
#include "support/test_support.h"

namespace maillage {
namespace {

// Accepts connections on 127.0.0.1 and answers SMTP well enough for libcurl; keeps what DATA
// carried, and the envelope.
class FakeSmtp {
 public:
  FakeSmtp() {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    listen(fd_, 4);
    thread_ = std::thread([this] { serve(); });
  }
  ~FakeSmtp() {
    stop_ = true;
    shutdown(fd_, SHUT_RDWR);
    close(fd_);
    thread_.join();
  }
  int port() const { return port_; }
  std::vector<std::string> messages, envelopes;

 private:
  void serve() {
    while (!stop_) {
      int c = accept(fd_, nullptr, nullptr);
      if (c < 0) return;
      auto say = [c](const std::string& s) { (void)!write(c, s.data(), s.size()); };
      say("220 test ESMTP\r\n");
      std::string buffer, data, envelope;
      bool in_data = false;
      char chunk[4096];
      ssize_t n;
      while ((n = read(c, chunk, sizeof chunk)) > 0) {
        buffer.append(chunk, static_cast<std::size_t>(n));
        std::size_t eol;
        while ((eol = buffer.find("\r\n")) != std::string::npos) {
          std::string line = buffer.substr(0, eol);
          buffer.erase(0, eol + 2);
          if (in_data) {
            if (line == ".") {
              in_data = false;
              messages.push_back(data);
              envelopes.push_back(envelope);
              say("250 OK queued\r\n");
            } else {
              data += (line.rfind("..", 0) == 0 ? line.substr(1) : line) + "\n";
            }
          } else if (line.rfind("EHLO", 0) == 0 || line.rfind("HELO", 0) == 0) {
            say("250 test\r\n");
          } else if (line.rfind("MAIL FROM", 0) == 0 || line.rfind("RCPT TO", 0) == 0) {
            envelope += line + "\n";
            say("250 OK\r\n");
          } else if (line == "DATA") {
            in_data = true;
            data.clear();
            say("354 go\r\n");
          } else if (line == "QUIT") {
            say("221 bye\r\n");
            break;
          } else {
            say("250 OK\r\n");
          }
        }
      }
      close(c);
    }
  }
  int fd_ = -1, port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

struct MailerFixture : ::testing::Test {
  testing::TempDir dir;
  std::unique_ptr<store::AccountStore> store;
  std::unique_ptr<accounts::Service> service;
  void SetUp() override {
    std::string error;
    store = store::open_account_store(dir / "m.db", error);
    ASSERT_TRUE(store) << error;
    auto sealer = accounts::Sealer::open(dir / "m.db.cle", error);
    accounts::Settings s;
    s.public_url = "https://maillage.example.fr";
    service = std::make_unique<accounts::Service>(*store, std::move(sealer), s);
  }
};

TEST_F(MailerFixture, TheOutboxGoesOutOverSmtpWithItsLinkAndLosesIt) {
  FakeSmtp smtp;
  ASSERT_TRUE(service->sign_up("camille@exemple.fr", "Camille", "un mot de passe solide", true).ok);
  auto transport = accounts::smtp_transport({"smtp://127.0.0.1:" + std::to_string(smtp.port()),
                                             "annuaire@maillage.example.fr", "", "", 10});
  EXPECT_EQ(accounts::deliver_outbox(*service, transport), 1u);
  ASSERT_EQ(smtp.messages.size(), 1u);
  const std::string& m = smtp.messages[0];
  EXPECT_NE(smtp.envelopes[0].find("RCPT TO:<camille@exemple.fr>"), std::string::npos);
  EXPECT_NE(smtp.envelopes[0].find("MAIL FROM:<annuaire@maillage.example.fr>"), std::string::npos);
  EXPECT_NE(m.find("To: camille@exemple.fr"), std::string::npos);
  EXPECT_NE(m.find("Subject: Confirmez votre compte maillage"), std::string::npos);
  EXPECT_NE(m.find("Content-Type: text/plain; charset=utf-8"), std::string::npos);
  EXPECT_NE(m.find("https://maillage.example.fr/compte/confirmer?jeton="), std::string::npos);
  auto sent = store->mail(1).front();
  EXPECT_FALSE(sent.sent_at.empty());
  EXPECT_TRUE(sent.sealed_link.empty());
  EXPECT_EQ(accounts::deliver_outbox(*service, transport), 0u) << "sent once";
}

TEST_F(MailerFixture, AFailureIsRecordedAndRetriedLater) {
  int closed_port = testing::free_port();
  ASSERT_TRUE(service->sign_up("camille@exemple.fr", "Camille", "un mot de passe solide", true).ok);
  auto transport = accounts::smtp_transport({"smtp://127.0.0.1:" + std::to_string(closed_port),
                                             "annuaire@maillage.example.fr", "", "", 5});
  EXPECT_EQ(accounts::deliver_outbox(*service, transport), 0u);
  auto m = store->mail(1).front();
  EXPECT_TRUE(m.sent_at.empty());
  EXPECT_EQ(m.attempts, 1);
  EXPECT_NE(m.last_error.find("SMTP"), std::string::npos);
  EXPECT_FALSE(m.sealed_link.empty()) << "the link is kept for the retry";
  EXPECT_EQ(store->unsent_mail(10).size(), 1u);
}

TEST(MailFormat, HeadersCannotBeInjectedAndLinesEndInCrlf) {
  std::string m = accounts::format_message("a@exemple.fr", "b@exemple.fr\r\nBcc: x@evil.example",
                                           "Objet\nBcc: y@evil.example", "ligne 1\nligne 2");
  EXPECT_EQ(m.find("\r\nBcc:"), std::string::npos);
  EXPECT_NE(m.find("\r\n\r\nligne 1\r\nligne 2\r\n"), std::string::npos);
  std::string accented = accounts::format_message("a@exemple.fr", "b@exemple.fr", "Fiche « Médiathèque »", "x");
  EXPECT_NE(accented.find("Subject: =?UTF-8?B?"), std::string::npos) << "a non-ASCII subject is encoded";
}

}  // namespace
}  // namespace maillage
