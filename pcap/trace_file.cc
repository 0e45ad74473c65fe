#include "pcap/trace_file.h"

namespace ofkit::pcap {

std::unique_ptr<TraceReader> TraceReader::open(const std::string& path, std::string* error) {
  char errbuf[PCAP_ERRBUF_SIZE] = {};
  pcap_t* h = pcap_open_offline_with_tstamp_precision(path.c_str(), PCAP_TSTAMP_PRECISION_NANO, errbuf);
  if (h == nullptr) {
    if (error) *error = path + ": " + errbuf;
    return nullptr;
  }
  return std::unique_ptr<TraceReader>(new TraceReader(h));
}

TraceReader::~TraceReader() { pcap_close(handle_); }

int TraceReader::link_type() const { return pcap_datalink(handle_); }

ReadStatus TraceReader::next(TraceFrame* frame) {
  struct pcap_pkthdr* hdr = nullptr;
  const u_char* bytes = nullptr;
  const int rc = pcap_next_ex(handle_, &hdr, &bytes);
  if (rc == 1) {
    frame->timestamp_ns = static_cast<uint64_t>(hdr->ts.tv_sec) * 1000000000ull +
                          static_cast<uint64_t>(hdr->ts.tv_usec);  // nano precision requested
    frame->orig_len = hdr->len;
    frame->data = std::span<const uint8_t>(bytes, hdr->caplen);
    ++frames_;
    return ReadStatus::kFrame;
  }
  if (rc == PCAP_ERROR_BREAK) return ReadStatus::kEnd;
  error_ = std::string("after frame ") + std::to_string(frames_) + ": " + pcap_geterr(handle_);
  return ReadStatus::kError;
}

std::unique_ptr<TraceWriter> TraceWriter::create(const std::string& path, std::string* error,
                                                 int link_type, int snaplen) {
  pcap_t* h = pcap_open_dead_with_tstamp_precision(link_type, snaplen, PCAP_TSTAMP_PRECISION_NANO);
  if (h == nullptr) {
    if (error) *error = "pcap_open_dead failed";
    return nullptr;
  }
  pcap_dumper_t* d = pcap_dump_open(h, path.c_str());
  if (d == nullptr) {
    if (error) *error = path + ": " + pcap_geterr(h);
    pcap_close(h);
    return nullptr;
  }
  return std::unique_ptr<TraceWriter>(new TraceWriter(h, d));
}

TraceWriter::~TraceWriter() {
  pcap_dump_close(dumper_);
  pcap_close(handle_);
}

void TraceWriter::write(std::span<const uint8_t> data, uint64_t timestamp_ns, uint32_t orig_len) {
  struct pcap_pkthdr hdr = {};
  hdr.ts.tv_sec = static_cast<time_t>(timestamp_ns / 1000000000ull);
  hdr.ts.tv_usec = static_cast<suseconds_t>(timestamp_ns % 1000000000ull);  // nanoseconds
  hdr.caplen = static_cast<uint32_t>(data.size());
  hdr.len = orig_len ? orig_len : hdr.caplen;
  pcap_dump(reinterpret_cast<u_char*>(dumper_), &hdr, data.data());
  ++frames_;
}

void TraceWriter::flush() { pcap_dump_flush(dumper_); }

}  // namespace ofkit::pcap
