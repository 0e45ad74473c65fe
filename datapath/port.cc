#include "datapath/port.h"

#include <string_view>

#include "datapath/ports/dpdk.h"
#include "datapath/ports/dpdk_port.h"
#include "datapath/ports/file_port.h"
#include "datapath/ports/memory_port.h"
#include "datapath/ports/pcap_port.h"
#include "datapath/ports/sink_port.h"
#include "ofkit_config.h"

namespace ofkit::dp {
namespace {

// A locally administered MAC derived from the port index: 02:00:00:00:xx:xx.
MacAddr synthetic_mac(uint16_t index) { return MacAddr::from_u64(0x020000000000ull | index); }

}  // namespace

std::unique_ptr<Port> make_port(const std::string& spec, uint16_t index, uint16_t tx_queues,
                                std::string* error) {
  const size_t colon = spec.find(':');
  if (colon == std::string::npos) {
    *error = "port '" + spec +
             "': expected KIND:ARGS (pcap:IFACE, file:IN[,out=OUT], mem:NAME, sink:[NAME], dpdk:N)";
    return nullptr;
  }
  const std::string kind = spec.substr(0, colon);
  const std::string args = spec.substr(colon + 1);
  if (kind == "sink") {
    return std::make_unique<SinkPort>(args.empty() ? "sink" + std::to_string(index) : args,
                                      synthetic_mac(index));
  }
  if (kind == "mem") {
    return std::make_unique<MemoryPort>(args.empty() ? "mem" + std::to_string(index) : args,
                                        synthetic_mac(index));
  }
  if (kind == "pcap") {
    if (args.empty()) {
      *error = "port '" + spec + "': missing interface name";
      return nullptr;
    }
    return PcapPort::open(args, synthetic_mac(index), error);
  }
  if (kind == "file") {
    std::string in, out;
    size_t pos = 0;
    bool first = true;
    while (pos <= args.size()) {
      size_t comma = args.find(',', pos);
      if (comma == std::string::npos) comma = args.size();
      const std::string part = args.substr(pos, comma - pos);
      if (part.rfind("out=", 0) == 0) {
        out = part.substr(4);
      } else if (part.rfind("in=", 0) == 0) {
        in = part.substr(3);
      } else if (first) {
        in = part;
      } else if (!part.empty()) {
        *error = "port '" + spec + "': unknown option '" + part + "' (expected out=FILE)";
        return nullptr;
      }
      first = false;
      pos = comma + 1;
    }
    if (in.empty() && out.empty()) {
      *error = "port '" + spec + "': needs an input trace, out=FILE, or both";
      return nullptr;
    }
    return FilePort::open("file" + std::to_string(index), in, out, synthetic_mac(index), error);
  }
  if (kind == "dpdk") {
#if OFKIT_HAVE_DPDK
    return DpdkPort::open(args, tx_queues, error);
#else
    (void)tx_queues;
    std::string unused;
    dpdk_init({}, &unused);
    *error = "port '" + spec + "': " + unused;
    return nullptr;
#endif
  }
  *error = "port '" + spec + "': unknown kind '" + kind + "'";
  return nullptr;
}

}  // namespace ofkit::dp
