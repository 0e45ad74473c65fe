#include "datapath/ports/dpdk_port.h"

#include "datapath/ports/dpdk.h"

#if OFKIT_HAVE_DPDK
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <time.h>

#include <cstring>
#endif

namespace ofkit::dp {

#if !OFKIT_HAVE_DPDK

bool dpdk_built_in() { return false; }
bool dpdk_init(const std::vector<std::string>&, std::string* error) {
  *error =
      "ofdp was built without DPDK (-Ddpdk=disabled or libdpdk not found); use --port=pcap:IFACE or "
      "--port=file:IN,out=OUT";
  return false;
}
std::vector<std::string> dpdk_port_specs() { return {}; }

#else

namespace {

constexpr uint16_t kRxDesc = 1024;
constexpr uint16_t kTxDesc = 1024;
constexpr uint64_t kEofQuietNs = 200'000'000;

std::atomic<bool> g_eal_ready{false};

uint64_t mono_ns() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return uint64_t(ts.tv_sec) * 1'000'000'000 + uint64_t(ts.tv_nsec);
}

}  // namespace

bool dpdk_built_in() { return true; }

bool dpdk_init(const std::vector<std::string>& eal_args, std::string* error) {
  if (g_eal_ready.load()) return true;
  std::vector<std::string> copy = eal_args;
  if (copy.empty()) copy.push_back("ofdp");
  std::vector<char*> argv;
  for (auto& a : copy) argv.push_back(a.data());
  argv.push_back(nullptr);
  const int rc = rte_eal_init(static_cast<int>(copy.size()), argv.data());
  if (rc < 0) {
    *error = std::string("DPDK EAL initialisation failed: ") + rte_strerror(rte_errno);
    return false;
  }
  g_eal_ready = true;
  return true;
}

std::vector<std::string> dpdk_port_specs() {
  std::vector<std::string> out;
  if (!g_eal_ready.load()) return out;
  uint16_t pid;
  RTE_ETH_FOREACH_DEV(pid) { out.push_back("dpdk:" + std::to_string(pid)); }
  return out;
}

std::unique_ptr<DpdkPort> DpdkPort::open(const std::string& args, uint16_t tx_queues, std::string* error) {
  if (!g_eal_ready.load()) {
    *error = "port 'dpdk:" + args + "': DPDK is not initialised (no EAL arguments given)";
    return nullptr;
  }
  std::string dev = args;
  bool finite = false;
  if (const size_t comma = dev.find(','); comma != std::string::npos) {
    const std::string opt = dev.substr(comma + 1);
    dev = dev.substr(0, comma);
    if (opt != "eof") {
      *error = "port 'dpdk:" + args + "': unknown option '" + opt + "' (expected eof)";
      return nullptr;
    }
    finite = true;
  }
  uint16_t pid = 0;
  bool numeric = !dev.empty() && dev.find_first_not_of("0123456789") == std::string::npos;
  if (numeric) {
    pid = static_cast<uint16_t>(std::stoul(dev));
    if (!rte_eth_dev_is_valid_port(pid)) {
      *error = "port 'dpdk:" + args + "': no DPDK port " + dev;
      return nullptr;
    }
  } else if (rte_eth_dev_get_port_by_name(dev.c_str(), &pid) != 0) {
    *error = "port 'dpdk:" + args + "': no DPDK device named " + dev;
    return nullptr;
  }
  std::unique_ptr<DpdkPort> p(new DpdkPort());
  p->port_id_ = pid;
  p->finite_ = finite;
  char name[RTE_ETH_NAME_MAX_LEN] = {0};
  rte_eth_dev_get_name_by_port(pid, name);
  p->name_ = name;
  rte_ether_addr mac;
  if (rte_eth_macaddr_get(pid, &mac) == 0) p->mac_ = MacAddr::from_bytes(mac.addr_bytes);

  rte_eth_dev_info info;
  if (rte_eth_dev_info_get(pid, &info) != 0) {
    *error = "port " + p->name_ + ": cannot read device info";
    return nullptr;
  }
  p->tx_queues_ = std::min<uint16_t>(tx_queues, info.max_tx_queues ? info.max_tx_queues : 1);
  p->shared_tx_ = p->tx_queues_ < tx_queues;
  const int socket = rte_eth_dev_socket_id(pid) < 0 ? 0 : rte_eth_dev_socket_id(pid);
  const std::string pool_name = "ofdp_mp" + std::to_string(pid);
  const unsigned n_mbufs = 4096 + (kRxDesc + kTxDesc * p->tx_queues_);
  p->mp_ = rte_pktmbuf_pool_create(pool_name.c_str(), n_mbufs, 256, 0, RTE_MBUF_DEFAULT_BUF_SIZE, socket);
  if (!p->mp_) {
    *error = "port " + p->name_ + ": cannot create mbuf pool: " + rte_strerror(rte_errno);
    return nullptr;
  }
  rte_eth_conf conf;
  std::memset(&conf, 0, sizeof conf);
  if (rte_eth_dev_configure(pid, 1, p->tx_queues_, &conf) != 0) {
    *error = "port " + p->name_ + ": rte_eth_dev_configure failed";
    return nullptr;
  }
  uint16_t nrx = kRxDesc, ntx = kTxDesc;
  rte_eth_dev_adjust_nb_rx_tx_desc(pid, &nrx, &ntx);
  if (rte_eth_rx_queue_setup(pid, 0, nrx, socket, nullptr, p->mp_) != 0) {
    *error = "port " + p->name_ + ": RX queue setup failed";
    return nullptr;
  }
  for (uint16_t q = 0; q < p->tx_queues_; ++q) {
    if (rte_eth_tx_queue_setup(pid, q, ntx, socket, nullptr) != 0) {
      *error = "port " + p->name_ + ": TX queue setup failed";
      return nullptr;
    }
  }
  if (rte_eth_dev_start(pid) != 0) {
    *error = "port " + p->name_ + ": rte_eth_dev_start failed";
    return nullptr;
  }
  p->started_ = true;
  rte_eth_promiscuous_enable(pid);
  p->last_rx_ns_ = mono_ns();
  return p;
}

DpdkPort::~DpdkPort() {
  if (started_) {
    rte_eth_dev_stop(port_id_);
    rte_eth_dev_close(port_id_);  // net_pcap writes out its tx_pcap here
  }
  // The mempool stays: ports are opened once per process.
}

uint16_t DpdkPort::rx_burst(uint16_t queue, PacketPool& pool, Packet** out, uint16_t n) {
  rte_mbuf* m[kBurstSize];
  if (n > kBurstSize) n = kBurstSize;
  const uint16_t want = static_cast<uint16_t>(std::min<size_t>(n, pool.available()));
  const uint16_t got = rte_eth_rx_burst(port_id_, queue, m, want);
  uint16_t k = 0;
  for (uint16_t i = 0; i < got; ++i) {
    const uint32_t len = rte_pktmbuf_pkt_len(m[i]);
    if (len > kMaxRxFrame) {  // counted and dropped, never truncated
      count_oversize();
      continue;
    }
    Packet* p = pool.alloc();
    if (rte_pktmbuf_is_contiguous(m[i])) {
      p->assign(rte_pktmbuf_mtod(m[i], const uint8_t*), len);
    } else {  // a chain of segments (scattered jumbo frame): gathered into one buffer
      const void* d = rte_pktmbuf_read(m[i], 0, len, p->data);
      if (d != p->data) std::memcpy(p->data, d, len);
      p->len = static_cast<uint16_t>(len);
    }
    out[k++] = p;
  }
  if (got) {
    rte_pktmbuf_free_bulk(m, got);
    if (finite_) last_rx_ns_.store(mono_ns(), std::memory_order_relaxed);
  }
  return k;
}

uint16_t DpdkPort::tx_burst(uint16_t queue, Packet** pkts, uint16_t n) {
  rte_mbuf* m[kBurstSize];
  uint16_t sent = 0;
  std::unique_lock<std::mutex> lock(tx_mu_, std::defer_lock);
  if (shared_tx_) {
    queue = static_cast<uint16_t>(queue % tx_queues_);
    lock.lock();
  }
  while (n > 0) {
    const uint16_t k = std::min<uint16_t>(n, kBurstSize);
    uint16_t ready = 0;
    if (rte_pktmbuf_alloc_bulk(mp_, m, k) == 0) {
      for (; ready < k; ++ready) {
        char* d = rte_pktmbuf_append(m[ready], pkts[ready]->len);
        if (!d) break;
        std::memcpy(d, pkts[ready]->data, pkts[ready]->len);
      }
      const uint16_t s = rte_eth_tx_burst(port_id_, queue, m, ready);
      sent = static_cast<uint16_t>(sent + s);
      if (s < k) rte_pktmbuf_free_bulk(m + s, k - s);
    }
    for (uint16_t i = 0; i < k; ++i) free_packet(pkts[i]);
    pkts += k;
    n = static_cast<uint16_t>(n - k);
  }
  return sent;
}

bool DpdkPort::link_up() const {
  rte_eth_link link;
  std::memset(&link, 0, sizeof link);
  if (rte_eth_link_get_nowait(port_id_, &link) != 0) return true;
  return link.link_status == RTE_ETH_LINK_UP;
}

bool DpdkPort::input_exhausted() const {
  return finite_ && mono_ns() > last_rx_ns_.load(std::memory_order_relaxed) + kEofQuietNs;
}

#endif  // OFKIT_HAVE_DPDK

}  // namespace ofkit::dp
