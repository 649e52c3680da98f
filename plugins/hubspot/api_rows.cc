#include "api_rows.h"

#include <cstdio>
#include <cstdlib>
#include <utility>

namespace baton::crm {
namespace {

void CivilFromDays(int64_t z, int* y, int* m, int* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  *d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  *m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  *y = static_cast<int>(yoe + era * 400 + (*m <= 2));
}

std::string Format(int64_t ms, char separator, bool zone) {
  int64_t days = ms / 86400000, rest = ms % 86400000;
  if (rest < 0) {
    rest += 86400000;
    --days;
  }
  int y, m, d;
  CivilFromDays(days, &y, &m, &d);
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
