#include "api_session.h"

namespace baton::http {

int OpenApiSession(const baton_host* host, const ApiSessionSpec& spec,
                   const std::string& base_url, HttpOptions* options,
                   std::string* token, std::string* error) {
  const char* secret = host->secret(host->self, spec.token_variable);
  if (secret == nullptr || *secret == '\0') {
    *error = spec.missing_token;
    return BATON_INVALID_ARGUMENT;
  }
  *token = secret;
  options->redact.push_back(*token);
  const std::string prefix = std::string(spec.connector) + ": ";
  options->log = [host, prefix](int level, const std::string& message) {
    const std::string text = prefix + message;
    host->log(host->self, level, text.c_str());
  };
  std::string url_error;
  const int rc = CheckUrl(base_url, *options, &url_error);
  if (rc != BATON_OK) {
    *error = prefix + url_error;
    return rc;
  }
  return BATON_OK;
}

}  // namespace baton::http
