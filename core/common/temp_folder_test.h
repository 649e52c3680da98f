// TempFolderTest: a GoogleTest fixture that gives each test its own empty
// folder, "<tmp>/baton_test_<pid>_<suite>_<test>", removed after the test;
// the pid keeps tests run in parallel processes (ctest) apart. It also points
// BATON_PLUGIN_PATH at the built plugins unless the environment (ctest)
// already set it, so a direct run of a test binary finds them too.
//
// Test-only: included by *_test.cc files and test fixtures (core/store,
// tests/crm), never by baton_core. The including target must define
// BATON_PLUGIN_DIR.
//
// Ownership and threads: the fixture owns its folder; one test at a time, as
// GoogleTest runs them.
#ifndef BATON_CORE_COMMON_TEMP_FOLDER_TEST_H_
#define BATON_CORE_COMMON_TEMP_FOLDER_TEST_H_

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace baton {

class TempFolderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    setenv("BATON_PLUGIN_PATH", BATON_PLUGIN_DIR, 0);
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = std::filesystem::temp_directory_path() /
           ("baton_test_" + std::to_string(getpid()) + "_" + info->test_suite_name() + "_" +
            info->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Writes `content` byte for byte to `name` in the folder (so bytes of
  // other encodings stay as written).
  void Put(const std::string& name, const std::string& content) {
    std::ofstream out(dir_ / name, std::ios::binary);
    out << content;
  }
  // The full path of `name` in the folder.
  std::string Path(const std::string& name) const { return (dir_ / name).string(); }

  std::filesystem::path dir_;
};

}  // namespace baton

#endif  // BATON_CORE_COMMON_TEMP_FOLDER_TEST_H_
