// src/platform/error.h
//
// Typed errors shared by every layer. Services throw these; the HTTP layer maps them to a
// status code and the documented error body in exactly one place (http/error_mapping.cc).
// Messages are catalog keys, not sentences: the HTTP layer translates them into the
// caller's language, so a service never needs to know who is asking in which language.
#pragma once

#include <map>
#include <stdexcept>
#include <string>
#include <utility>

namespace jisr {

// Base of every expected, user-facing failure. `code` is the stable machine-readable code
// of the API contract (e.g. "not_found"); `message_key` names a message catalog entry.
class Error : public std::runtime_error {
 public:
  Error(int http_status, std::string code, std::string message_key,
        std::map<std::string, std::string> fields = {})
      : std::runtime_error(code + ": " + message_key),
        http_status_(http_status),
        code_(std::move(code)),
        message_key_(std::move(message_key)),
        fields_(std::move(fields)) {}

  int http_status() const noexcept { return http_status_; }
  const std::string& code() const noexcept { return code_; }
  const std::string& message_key() const noexcept { return message_key_; }
  // Field name -> catalog key of the reason, for validation errors.
  const std::map<std::string, std::string>& fields() const noexcept { return fields_; }

 private:
  int http_status_;
  std::string code_;
  std::string message_key_;
  std::map<std::string, std::string> fields_;
};

// 400: the request itself cannot be understood (malformed JSON, bad query parameter).
class BadRequest : public Error {
 public:
  explicit BadRequest(std::string message_key = "error.bad_request",
                      std::map<std::string, std::string> fields = {})
      : Error(400, "bad_request", std::move(message_key), std::move(fields)) {}
};

// 401: no credentials, or credentials that are not valid.
class Unauthorized : public Error {
 public:
  explicit Unauthorized(std::string message_key = "error.unauthorized")
      : Error(401, "unauthorized", std::move(message_key)) {}
};

// 403: authenticated, but the action is not allowed (never used to hide a record: see
// NotFound).
class Forbidden : public Error {
 public:
  explicit Forbidden(std::string message_key = "error.forbidden")
      : Error(403, "forbidden", std::move(message_key)) {}
};

// 404: the record does not exist or is outside the caller's scope. The two cases are
// deliberately indistinguishable.
class NotFound : public Error {
 public:
  explicit NotFound(std::string message_key = "error.not_found")
      : Error(404, "not_found", std::move(message_key)) {}
};

// 409: stale version, duplicate key, illegal state transition.
class Conflict : public Error {
 public:
  explicit Conflict(std::string code = "conflict", std::string message_key = "error.conflict",
                    std::map<std::string, std::string> fields = {})
      : Error(409, std::move(code), std::move(message_key), std::move(fields)) {}
};

// 413: request body over the configured limit.
class PayloadTooLarge : public Error {
 public:
  PayloadTooLarge() : Error(413, "payload_too_large", "error.payload_too_large") {}
};

// 422: well-formed but invalid input; `fields` says which field and why.
class Invalid : public Error {
 public:
  explicit Invalid(std::map<std::string, std::string> fields,
                   std::string message_key = "error.validation")
      : Error(422, "validation_failed", std::move(message_key), std::move(fields)) {}
  // One field and its reason.
  Invalid(const std::string& field, const std::string& reason)
      : Invalid(std::map<std::string, std::string>{{field, reason}}) {}
};

// 429: too many attempts; the caller should wait.
class RateLimited : public Error {
 public:
  RateLimited() : Error(429, "rate_limited", "error.rate_limited") {}
};

// 503: a dependency (the database) is unavailable.
class Unavailable : public Error {
 public:
  explicit Unavailable(std::string message_key = "error.unavailable")
      : Error(503, "unavailable", std::move(message_key)) {}
};

}  // namespace jisr
