// ApiSession: the set-up every API connector (salesforce, hubspot, pipedrive)
// makes before its first request, in one place so that each connector gets
// the same guarantees: the token comes from the host's secrets (never from an
// option or a URL), it is redacted from every message the HTTP client makes,
// retry notices reach the host's log under the connector's name, and the
// base URL is checked (https://, or http:// to loopback for tests) before
// anything is sent.
//
// Ownership and threads: OpenApiSession fills plain values owned by the
// caller. The log callback it installs keeps `host`, which must outlive every
// client built from the options. One call per read, on the reading thread.
//
// Since: 1.1
#ifndef BATON_PLUGINS_HTTP_API_SESSION_H_
#define BATON_PLUGINS_HTTP_API_SESSION_H_

#include <string>

#include "baton/connector.h"
#include "http_client.h"

namespace baton::http {

struct ApiSessionSpec {
  // The connector's name ("hubspot"): prefixes log lines and URL errors.
  const char* connector = "";
  // The host secret holding the token ("HUBSPOT_ACCESS_TOKEN").
  const char* token_variable = "";
  // The whole error message when that secret is unset or empty; it should
  // name the variable and say what kind of token to put in it.
  std::string missing_token;
};

// Prepares a read of `base_url` by the connector `spec.connector`:
//  1. looks up the token with host->secret(spec.token_variable);
//  2. appends it to options->redact;
//  3. sets options->log to forward each notice to host->log as
//     "<connector>: <notice>" at the same level;
//  4. checks `base_url` with CheckUrl(base_url, *options).
// Returns BATON_OK and sets *token. Otherwise returns BATON_INVALID_ARGUMENT
// with *error = spec.missing_token when the secret is unset or empty (and
// leaves *options unchanged), or CheckUrl's status with *error =
// "<connector>: <CheckUrl's message>" when the URL is refused. The caller
// then builds its HttpClient from *options and adds the token to its own
// authentication header (the header's shape differs between APIs).
int OpenApiSession(const baton_host* host, const ApiSessionSpec& spec,
                   const std::string& base_url, HttpOptions* options,
                   std::string* token, std::string* error);

}  // namespace baton::http

#endif  // BATON_PLUGINS_HTTP_API_SESSION_H_
