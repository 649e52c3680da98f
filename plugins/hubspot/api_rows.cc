#include "api_rows.h"

#include <cstdio>
#include <cstdlib>
#include <utility>

#include "utc_time.h"

namespace baton::crm {
namespace {

std::string Format(int64_t ms, char separator, bool zone) {
  int64_t days = ms / 86400000, rest = ms % 86400000;
  if (rest < 0) {
    rest += 86400000;
    --days;
  }
  int64_t year;
  int m, d;
  plugin_time::CivilFromDays(days, &year, &m, &d);
  const int y = static_cast<int>(year);
  const int h = static_cast<int>(rest / 3600000),
            mi = static_cast<int>(rest / 60000 % 60),
            s = static_cast<int>(rest / 1000 % 60),
            f = static_cast<int>(rest % 1000);
  char buf[48];
  if (f != 0 && zone)
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d%c%02d:%02d:%02d.%03dZ", y, m,
                  d, separator, h, mi, s, f);
  else
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d%c%02d:%02d:%02d%s", y, m, d,
                  separator, h, mi, s, zone ? "Z" : "");
  return buf;
}

}  // namespace

std::string JsonText(const nlohmann::json* value) {
  if (value == nullptr) return "";
  switch (value->type()) {
    case nlohmann::json::value_t::string:
      return value->get_ref<const std::string&>();
    case nlohmann::json::value_t::number_integer:
      return std::to_string(value->get<int64_t>());
    case nlohmann::json::value_t::number_unsigned:
      return std::to_string(value->get<uint64_t>());
    case nlohmann::json::value_t::number_float: {
      char buf[40];
      std::snprintf(buf, sizeof buf, "%.17g", value->get<double>());
      // Prefer the shortest spelling that reads back the same (250.5, not
      // 250.50000000000000).
      for (int digits = 1; digits <= 17; ++digits) {
        char shorter[40];
        std::snprintf(shorter, sizeof shorter, "%.*g", digits,
                      value->get<double>());
        if (std::strtod(shorter, nullptr) == value->get<double>())
          return shorter;
      }
      return buf;
    }
    case nlohmann::json::value_t::boolean:
      return value->get<bool>() ? "true" : "false";
    default:
      return "";
  }
}

const nlohmann::json* JsonAt(const nlohmann::json* object,
                             std::string_view key) {
  if (object == nullptr || !object->is_object()) return nullptr;
  auto it = object->find(key);
  if (it == object->end()) return nullptr;
  return &*it;
}

std::string FormatIsoUtc(int64_t ms) { return Format(ms, 'T', true); }

int Fail(const ApiRead& a, int code, const std::string& message) {
  const std::string text = a.client ? a.client->Redact(message) : message;
  a.host->set_error(a.host->self, code, text.c_str());
  return code;
}

int SetSharedApiOption(const char* connector, const std::string& key,
                       const std::string& value, ApiRead* a, std::string* error) {
  const std::string name = connector;
  const int http_rc = http::SetHttpOption(key, value, &a->http_options, error);
  if (http_rc < 0) *error = name + ": " + *error;
  if (http_rc != 0) return http_rc;
  if (key == "since") {
    if (value.empty()) return 1;
    if (!plugin_time::ParseUtcMillis(value, &a->since_ms)) {
      *error = name + ": option since=\"" + value +
               "\" is not a time; use ISO 8601 such as 2024-03-01 or "
               "2024-03-01T00:00:00Z";
      return -1;
    }
    a->has_since = true;
    return 1;
  }
  if (key.rfind("stage.", 0) == 0 && key.size() > 6) {
    const baton_sink* sink = a->sink;
    if (sink->map_stage(sink->self, key.c_str() + 6, value.c_str()) != BATON_OK) {
      *error = name + ": option " + key + ": " + sink->last_error(sink->self);
      return -1;
    }
    return 1;
  }
  return 0;
}

std::string PageProgress(const std::string& what, int page, int64_t records) {
  return "page " + std::to_string(page) + " of " + what + ", after " +
         std::to_string(records) + " records on " + std::to_string(page - 1) +
         (page == 2 ? " page" : " pages");
}

RowBuffer::RowBuffer(std::string table, std::string file,
                     std::vector<std::string> fields,
                     std::vector<std::string> columns)
    : table_(std::move(table)),
      file_(std::move(file)),
      fields_(std::move(fields)),
      columns_(std::move(columns)) {}

void RowBuffer::Add(std::vector<std::string> values) {
  values.resize(fields_.size());
  rows_.push_back(std::move(values));
}

int RowBuffer::Write(const baton_sink* sink, const std::string& hint,
                     std::string* error) const {
  if (rows_.empty()) return BATON_OK;
  std::vector<baton_field_spec> specs;
  for (size_t i = 0; i < fields_.size(); ++i)
    specs.push_back({fields_[i].c_str(), columns_[i].c_str()});
  uint32_t batch = 0;
  int rc = sink->open(sink->self, table_.c_str(), file_.c_str(), specs.data(),
                      specs.size(), &batch);
  if (rc != BATON_OK) {
    *error = sink->last_error(sink->self);
    return rc;
  }
  std::vector<baton_str> values(fields_.size());
  int64_t accepted = 0;
  for (size_t r = 0; r < rows_.size(); ++r) {
    for (size_t i = 0; i < values.size(); ++i)
      values[i] = baton_str{rows_[r][i].data(), rows_[r][i].size()};
    rc = sink->row(sink->self, batch, static_cast<int64_t>(r + 1),
                   values.data());
    if (rc != BATON_OK) {
      *error = std::string(sink->last_error(sink->self)) + hint;
      // Close what was accepted so the host's counts stay consistent.
      sink->close(sink->self, batch, accepted, 0, nullptr);
      return rc;
    }
    ++accepted;
  }
  rc = sink->close(sink->self, batch, accepted, 0, nullptr);
  if (rc != BATON_OK) *error = sink->last_error(sink->self);
  return rc;
}

}  // namespace baton::crm
