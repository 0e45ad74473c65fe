#include "datapath/ports/pcap_port.h"

#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>

namespace ofkit::dp {
namespace {

bool iface_mac(const std::string& iface, MacAddr* mac) {
  const int fd = socket(AF_INET, SOCK_DGRAM, 0);
  if (fd < 0) return false;
  ifreq ifr{};
  std::strncpy(ifr.ifr_name, iface.c_str(), IFNAMSIZ - 1);
  const bool ok = ioctl(fd, SIOCGIFHWADDR, &ifr) == 0;
  close(fd);
  if (ok) *mac = MacAddr::from_bytes(reinterpret_cast<const uint8_t*>(ifr.ifr_hwaddr.sa_data));
  return ok;
}

bool iface_up(const std::string& iface) {
  const int fd = socket(AF_INET, SOCK_DGRAM, 0);
  if (fd < 0) return false;
  ifreq ifr{};
  std::strncpy(ifr.ifr_name, iface.c_str(), IFNAMSIZ - 1);
  const bool ok = ioctl(fd, SIOCGIFFLAGS, &ifr) == 0;
  close(fd);
  return ok && (ifr.ifr_flags & IFF_RUNNING);
}

}  // namespace

std::unique_ptr<PcapPort> PcapPort::open(const std::string& iface, MacAddr fallback_mac, std::string* error) {
  char errbuf[PCAP_ERRBUF_SIZE] = {0};
  pcap_t* h = pcap_create(iface.c_str(), errbuf);
  if (!h) {
    *error = "pcap:" + iface + ": " + errbuf;
    return nullptr;
  }
  pcap_set_snaplen(h, 65535);
  pcap_set_promisc(h, 1);
  pcap_set_immediate_mode(h, 1);
  pcap_set_timeout(h, 1);
  if (pcap_activate(h) < 0) {
    *error = "pcap:" + iface + ": " + pcap_geterr(h);
    pcap_close(h);
    return nullptr;
  }
  pcap_setdirection(h, PCAP_D_IN);
  if (pcap_setnonblock(h, 1, errbuf) < 0) {
    *error = "pcap:" + iface + ": " + errbuf;
    pcap_close(h);
    return nullptr;
  }
  std::unique_ptr<PcapPort> p(new PcapPort());
  p->handle_ = h;
  p->name_ = iface;
  p->mac_ = fallback_mac;
  iface_mac(iface, &p->mac_);
  return p;
}

PcapPort::~PcapPort() {
  if (handle_) pcap_close(handle_);
}

uint16_t PcapPort::rx_burst(uint16_t, PacketPool& pool, Packet** out, uint16_t n) {
  uint16_t i = 0;
  while (i < n) {
    pcap_pkthdr* hdr = nullptr;
    const u_char* data = nullptr;
    if (pcap_next_ex(handle_, &hdr, &data) != 1) break;
    if (hdr->len > kMaxRxFrame || hdr->caplen > kMaxRxFrame) {
      count_oversize();
      continue;
    }
    Packet* p = pool.alloc();
    if (!p) break;
    p->assign(data, hdr->caplen);
    out[i++] = p;
  }
  return i;
}

uint16_t PcapPort::tx_burst(uint16_t, Packet** pkts, uint16_t n) {
  uint16_t sent = 0;
  {
    std::lock_guard<std::mutex> lock(tx_mu_);
    for (uint16_t i = 0; i < n; ++i) {
      if (pcap_inject(handle_, pkts[i]->data, pkts[i]->len) >= 0) ++sent;
    }
  }
  for (uint16_t i = 0; i < n; ++i) free_packet(pkts[i]);
  return sent;
}

bool PcapPort::link_up() const { return iface_up(name_); }

}  // namespace ofkit::dp
