// Test-only helpers shared by the store tests (merge_test.cc,
// workspace_file_test.cc): timestamps written as text. Not part of
// baton_core: only *_test.cc files include it.
//
// Stateless; thread-safe.
#ifndef BATON_CORE_STORE_STORE_TEST_SUPPORT_H_
#define BATON_CORE_STORE_STORE_TEST_SUPPORT_H_

#include <gtest/gtest.h>

#include <cstdint>

#include "model/timestamp.h"

namespace baton::store_test {

// UTC milliseconds of `text` ("2024-01-05", "2024-05-01T10:00:00Z"); a
// failed EXPECT and kNoTime when it does not parse.
inline int64_t T(const char* text) {
  int64_t t = kNoTime;
  EXPECT_TRUE(ParseTimestamp(text, &t)) << text;
  return t;
}

}  // namespace baton::store_test

#endif  // BATON_CORE_STORE_STORE_TEST_SUPPORT_H_
