#include "datapath/ports/file_port.h"

#include <time.h>

namespace ofkit::dp {
namespace {

uint64_t realtime_ns() {
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return uint64_t(ts.tv_sec) * 1'000'000'000 + uint64_t(ts.tv_nsec);
}

}  // namespace

std::unique_ptr<FilePort> FilePort::open(const std::string& name, const std::string& in_path,
                                         const std::string& out_path, MacAddr mac, std::string* error) {
  std::unique_ptr<FilePort> p(new FilePort());
  p->name_ = name;
  p->mac_ = mac;
  if (!in_path.empty()) {
    p->reader_ = pcap::TraceReader::open(in_path, error);
    if (!p->reader_) return nullptr;
  } else {
    p->exhausted_ = true;
  }
  if (!out_path.empty()) {
    p->writer_ = pcap::TraceWriter::create(out_path, error);
    if (!p->writer_) return nullptr;
  }
  return p;
}

FilePort::~FilePort() { flush(); }

uint16_t FilePort::rx_burst(uint16_t, PacketPool& pool, Packet** out, uint16_t n) {
  if (!reader_ || exhausted_.load(std::memory_order_relaxed)) return 0;
  uint16_t i = 0;
  while (i < n) {
    Packet* p = pool.alloc();
    if (!p) break;
    pcap::TraceFrame f;
    const pcap::ReadStatus st = reader_->next(&f);
    if (st != pcap::ReadStatus::kFrame) {
      pool.free(p);
      exhausted_.store(true, std::memory_order_release);
      break;
    }
    if (f.data.size() > kMaxRxFrame) {
      count_oversize();
      pool.free(p);
      continue;
    }
    p->assign(f.data.data(), f.data.size());
    out[i++] = p;
  }
  return i;
}

uint16_t FilePort::tx_burst(uint16_t, Packet** pkts, uint16_t n) {
  {
    std::lock_guard<std::mutex> lock(tx_mu_);
    if (writer_) {
      const uint64_t now = realtime_ns();
      for (uint16_t i = 0; i < n; ++i) writer_->write({pkts[i]->data, pkts[i]->len}, now);
    }
  }
  for (uint16_t i = 0; i < n; ++i) free_packet(pkts[i]);
  return writer_ ? n : 0;
}

void FilePort::flush() {
  std::lock_guard<std::mutex> lock(tx_mu_);
  if (writer_) writer_->flush();
}

}  // namespace ofkit::dp
