// libFuzzer: the whole Ethernet stack walk and flow-key extraction on one
// input. Checks: no out-of-bounds read (ASan), every recorded layer inside
// the frame, every view of it parses again, and the flow key agrees with the
// walk on the fields both see.
#include <cstdlib>
#include <cstring>
#include <vector>

#include "oflib/packet/flow_extract.h"
#include "oflib/packet/packet.h"

using namespace ofkit;

#define CHECK(c) \
  if (!(c)) std::abort()

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::vector<uint8_t> frame(data, data + size);  // exact-size heap copy
  FlowKey key;
  const KeyStatus st = extract_flow_key(frame.data(), frame.size(), 3, &key);
  CHECK(key.in_port == 3 && key.pad1 == 0 && key.pad0[0] == 0);
  const ParsedPacket p = ParsedPacket::parse(frame);
  for (const LayerRef& r : p) CHECK(size_t{r.offset} + r.length <= size);
  if (size < 14) {
    CHECK(st == KeyStatus::kMalformed);
    CHECK(!p.ok() && p.error_layer() == Layer::kEthernet);
    return 0;
  }
  CHECK(p.find<EthernetView>().has_value());
  (void)p.find<VlanView>();
  (void)p.find<LlcView>();
  (void)p.find<ArpView>();
  (void)p.find<Ipv6View>();
  (void)p.find<Ipv6ExtView>();
  (void)p.find<IcmpView>();
  (void)p.find<Icmpv6View>();
  (void)p.find<UdpView>();
  (void)p.find<DhcpView>();
  (void)p.find<DnsMessage>();
  (void)p.find<Lldpdu>();
  (void)p.describe();
  if (auto t = p.find<TcpView>()) (void)t->options();
  if (auto ip = p.find<Ipv4View>()) {
    (void)ip->find_option(ipv4_opt::kRouterAlert);
    // Same addresses in the walk and the key (when the key saw IPv4).
    if (key.dl_type == eth_type::kIpv4 && st != KeyStatus::kMalformed && key.nw_src) {
      CHECK(ip->src().value == key.nw_src);
    }
  }
  // The key reads 802.1Q tags only in Ethernet II framing; the walk also
  // follows a tag behind LLC/SNAP (found by this fuzzer), so compare only
  // when the tag directly follows the MAC addresses.
  const uint16_t outer_type = static_cast<uint16_t>(frame[12] << 8 | frame[13]);
  const bool tagged_eth2 = outer_type == 0x8100 || outer_type == 0x88a8 || outer_type == 0x9100;
  if (auto v = p.find<VlanView>(); v && tagged_eth2) CHECK(key.dl_vlan == v->vid());
  // Set-field helpers on a copy never write out of bounds.
  std::vector<uint8_t> copy = frame;
  if (size > 14) {
    set_ipv4_addr(copy.data() + 14, size - 14, true, 0x01020304);
    set_ipv4_tos(copy.data() + 14, size - 14, 0xfc);
    set_l4_port(copy.data() + 14, size - 14, false, 80);
  }
  return 0;
}
