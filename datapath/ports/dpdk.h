#pragma once
// DPDK set-up for ofdp, declared whether or not DPDK is built in (without it
// dpdk_init() fails with a clear message).
//
//   dpdk_init(eal_args)   rte_eal_init once per process (eal_args[0] is the
//                         program name; see datapath/eal_args.h)
//   dpdk_port_specs()     "dpdk:0", "dpdk:1", ... for every probed ethdev
//
// Port specs: "dpdk:N" (port id) or "dpdk:NAME" (device name, e.g. net_ring0),
// with the option ",eof": the input is finite (a net_pcap rx_pcap trace), so
// the port reports input_exhausted() after 200 ms without a frame.

#include <string>
#include <vector>

namespace ofkit::dp {

bool dpdk_built_in();
bool dpdk_init(const std::vector<std::string>& eal_args, std::string* error);
std::vector<std::string> dpdk_port_specs();

}  // namespace ofkit::dp
