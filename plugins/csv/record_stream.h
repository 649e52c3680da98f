// RecordStream: the records of an open CsvReader, split on a second thread.
//
// Splitting a file into records and fields costs about a quarter of a load;
// the host's work on the rows (parsing values, interning, building columns)
// costs the rest and must stay on the calling thread. A RecordStream moves
// the reading and splitting to a worker thread that runs ahead of the caller
// by a few batches of records, so both cores work.
//
// The caller sees exactly what CsvReader::Next would give, in the same
// order: the same records, row numbers, row errors and fields, and a reading
// error (a quote never closed, a failed read) after the records that came
// before it. bytes_consumed() and blocks_read() are the reader's values as
// they were when the current record was split, so progress per block reads
// as before. When a thread cannot be started, records are read on the
// calling thread instead, with the same results.
//
// Ownership and threads: the stream borrows the reader (which must be open
// and outlive it) and is used by one thread. The worker touches only the
// reader and the batches in the queue, never the host. The views of fields()
// stay valid until the next call to Next() or the stream's destruction, and
// longer while next_keeps_fields() says so.
// Destroying the stream stops the worker and waits for it, so a caller may
// return at any record (an error, a cancel).
#ifndef BATON_PLUGINS_CSV_RECORD_STREAM_H_
#define BATON_PLUGINS_CSV_RECORD_STREAM_H_

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "baton/connector.h"
#include "csv_reader.h"
#include "error.h"

namespace baton::csv {

struct RecordStreamOptions {
  // A batch closes at this many records or this many bytes of field text.
  size_t batch_records = 4096;
  size_t batch_bytes = size_t{1} << 20;
  // Batches split ahead of the caller (at least 1).
  size_t queue_batches = 4;
  // false: read on the calling thread (for tests and as the fallback).
  bool use_thread = true;
};

class RecordStream {
 public:
  RecordStream(CsvReader* reader, const RecordStreamOptions& options);
  ~RecordStream();
  RecordStream(const RecordStream&) = delete;
  RecordStream& operator=(const RecordStream&) = delete;

  // As CsvReader::Next.
  Error Next(bool* has_record);

  int64_t row() const { return row_; }
  std::span<const baton_str> fields() const { return fields_; }
  const std::string& row_error() const { return row_error_; }
  // True when the next Next() keeps the current fields() (and the earlier
  // records' fields of the same batch) valid: the current record is not the
  // last of its batch, so that batch is not handed back to the worker yet.
  bool next_keeps_fields() const {
    return current_ != nullptr && next_record_ < current_->size();
  }
  uint64_t bytes_consumed() const { return bytes_consumed_; }
  uint64_t blocks_read() const { return blocks_read_; }
  // True when a worker thread reads the records.
  bool threaded() const { return worker_.joinable(); }

 private:
  // Records split by the worker, with copies of their field text.
  struct Batch {
    std::vector<char> text;
    std::vector<size_t> field_offset;   // per field: offset in text
    std::vector<baton_str> fields;      // data set once text is final
    std::vector<uint32_t> field_begin;  // per record, plus an end mark
    struct Record {
      int64_t row;
      uint64_t bytes_consumed;  // the reader's counts after this record
      uint64_t blocks_read;
    };
    std::vector<Record> records;
    std::vector<std::pair<size_t, std::string>> errors;  // (record, message)
    Error error;       // a reading error after the records, if any
    bool end = false;  // no records after this batch
    void Clear();
    size_t size() const { return records.size(); }
  };

  // Splits records into *b until it is full or the file ends or fails.
  void Fill(Batch* b);
  void Work();
  // The next batch to read from: from the worker, or filled here.
  Batch* Take();
  void Give(Batch* b);

  CsvReader* reader_;
  RecordStreamOptions options_;

  std::vector<std::unique_ptr<Batch>> pool_;
  std::mutex mu_;
  std::condition_variable ready_cv_;  // a batch was filled
  std::condition_variable free_cv_;   // a batch was given back, or stop
  // Filled batches in order, a ring over ready_ring_; both lists have room
  // for every batch from the start, so the worker never allocates (or
  // throws) while handing one over.
  std::vector<Batch*> ready_ring_;
  size_t ready_head_ = 0;
  size_t ready_count_ = 0;
  std::vector<Batch*> free_;
  bool stop_ = false;
  std::thread worker_;

  // The caller's position.
  Batch* current_ = nullptr;
  size_t next_record_ = 0;
  size_t next_error_ = 0;
  bool finished_ = false;
  Error final_error_;
  int64_t row_ = 0;
  std::span<const baton_str> fields_;
  std::string row_error_;
  uint64_t bytes_consumed_ = 0;
  uint64_t blocks_read_ = 0;
};

}  // namespace baton::csv

#endif  // BATON_PLUGINS_CSV_RECORD_STREAM_H_
