#include "record_stream.h"

#include <new>
#include <system_error>

namespace baton::csv {
namespace {

// Records ahead of the caller whose lines Next() prefetches.
constexpr size_t kPrefetchAhead = 8;

}  // namespace

void RecordStream::Batch::Clear() {
  text.clear();
  field_offset.clear();
  fields.clear();
  field_begin.clear();
  records.clear();
  errors.clear();
  error = Error::Ok();
  end = false;
}

RecordStream::RecordStream(CsvReader* reader, const RecordStreamOptions& options)
    : reader_(reader), options_(options) {
  if (options_.batch_records == 0) options_.batch_records = 1;
  if (options_.queue_batches == 0) options_.queue_batches = 1;
  // One more than the queue holds: the batch the caller is reading.
  const size_t n = options_.use_thread ? options_.queue_batches + 1 : 1;
  free_.reserve(n);
  ready_ring_.assign(n, nullptr);
  for (size_t i = 0; i < n; ++i) {
    pool_.push_back(std::make_unique<Batch>());
    free_.push_back(pool_.back().get());
  }
  if (options_.use_thread) {
    try {
      worker_ = std::thread(&RecordStream::Work, this);
    } catch (const std::system_error&) {
      // No thread to be had: Take() reads on the caller's thread.
    }
  }
}

RecordStream::~RecordStream() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  free_cv_.notify_all();
  if (worker_.joinable()) worker_.join();
}

void RecordStream::Fill(Batch* b) {
  b->Clear();
  try {
    while (b->size() < options_.batch_records && b->text.size() < options_.batch_bytes) {
      bool has_record = false;
      Error e = reader_->Next(&has_record);
      if (!e.ok()) {
        b->error = std::move(e);
        b->end = true;
        break;
      }
      if (!has_record) {
        b->end = true;
        break;
      }
      // The reader's views die at its next record: copy the record's bytes
      // in one piece (the fields that point into them follow by offset, the
      // others are copied after), and set the pointers once the batch's text
      // has stopped growing.
      b->field_begin.push_back(static_cast<uint32_t>(b->fields.size()));
      const std::string_view raw = reader_->raw_record();
      const uintptr_t raw_begin = reinterpret_cast<uintptr_t>(raw.data());
      const uintptr_t raw_end = raw_begin + raw.size();
      const size_t base = b->text.size();
      b->text.insert(b->text.end(), raw.begin(), raw.end());
      for (const baton_str& f : reader_->fields()) {
        const uintptr_t at = reinterpret_cast<uintptr_t>(f.data);
        size_t offset = base;
        if (f.size > 0 && at >= raw_begin && at + f.size <= raw_end) {
          offset = base + (at - raw_begin);
        } else if (f.size > 0) {
          offset = b->text.size();
          b->text.insert(b->text.end(), f.data, f.data + f.size);
        }
        b->field_offset.push_back(offset);
        b->fields.push_back(baton_str{nullptr, f.size});
      }
      if (!reader_->row_error().empty())
        b->errors.emplace_back(b->records.size(), reader_->row_error());
      b->records.push_back(Batch::Record{reader_->row(), reader_->bytes_consumed(),
                                         reader_->blocks_read()});
    }
  } catch (const std::bad_alloc&) {
    b->error = Error::Make(BATON_OUT_OF_MEMORY, "csv: out of memory while reading");
    b->end = true;
  } catch (...) {
    b->error = Error::Make(BATON_INTERNAL, "csv: unexpected internal error while reading");
    b->end = true;
  }
  // Drop a record cut short by an exception.
  if (b->field_begin.size() > b->records.size()) {
    b->fields.resize(b->field_begin.back());
    b->field_offset.resize(b->field_begin.back());
    b->field_begin.pop_back();
  }
  if (b->errors.size() > 0 && b->errors.back().first >= b->records.size())
    b->errors.pop_back();
  b->field_begin.push_back(static_cast<uint32_t>(b->fields.size()));
  for (size_t i = 0; i < b->fields.size(); ++i)
    b->fields[i].data = b->text.data() + b->field_offset[i];
}

void RecordStream::Work() {
  for (;;) {
    Batch* b = nullptr;
    {
      std::unique_lock<std::mutex> lock(mu_);
      free_cv_.wait(lock, [this] { return stop_ || !free_.empty(); });
      if (stop_) return;
      b = free_.back();
      free_.pop_back();
    }
    Fill(b);
    const bool end = b->end;
    {
      std::lock_guard<std::mutex> lock(mu_);
      ready_ring_[(ready_head_ + ready_count_) % ready_ring_.size()] = b;
      ++ready_count_;
    }
    ready_cv_.notify_one();
    if (end) return;
  }
}

RecordStream::Batch* RecordStream::Take() {
  if (!worker_.joinable()) {
    Batch* b = pool_.front().get();
    Fill(b);
    return b;
  }
  std::unique_lock<std::mutex> lock(mu_);
  ready_cv_.wait(lock, [this] { return ready_count_ > 0; });
  Batch* b = ready_ring_[ready_head_];
  ready_head_ = (ready_head_ + 1) % ready_ring_.size();
  --ready_count_;
  return b;
}

void RecordStream::Give(Batch* b) {
  if (!worker_.joinable()) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    free_.push_back(b);
  }
  free_cv_.notify_one();
}

Error RecordStream::Next(bool* has_record) {
  *has_record = false;
  for (;;) {
    if (current_ && next_record_ < current_->size()) {
      const Batch& b = *current_;
      const size_t r = next_record_++;
      // The worker wrote this batch from another core, so its lines are
      // not in this core's cache: ask for a record's lines some records
      // before the caller reads them.
      if (r + kPrefetchAhead < b.size()) {
        const baton_str* ahead = b.fields.data() + b.field_begin[r + kPrefetchAhead];
        __builtin_prefetch(ahead);
        __builtin_prefetch(ahead + 4);
        __builtin_prefetch(ahead->data);
        __builtin_prefetch(ahead->data + 64);
        __builtin_prefetch(&b.records[r + kPrefetchAhead]);
      }
      fields_ = std::span<const baton_str>(b.fields.data() + b.field_begin[r],
                                           b.field_begin[r + 1] - b.field_begin[r]);
      row_ = b.records[r].row;
      bytes_consumed_ = b.records[r].bytes_consumed;
      blocks_read_ = b.records[r].blocks_read;
      if (next_error_ < b.errors.size() && b.errors[next_error_].first == r) {
        row_error_ = b.errors[next_error_++].second;
      } else {
        row_error_.clear();
      }
      *has_record = true;
      return Error::Ok();
    }
    if (current_) {
      // The caller is done with the views into this batch.
      if (current_->end) {
        finished_ = true;
        final_error_ = current_->error;
      }
      Give(current_);
      current_ = nullptr;
    }
    if (finished_) return final_error_;
    current_ = Take();
    next_record_ = 0;
    next_error_ = 0;
  }
}

}  // namespace baton::csv
