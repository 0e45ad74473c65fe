// libFuzzer: DHCP messages; options walked, looked up, and rebuilt.
#include <cstdlib>
#include <vector>

#include "oflib/packet/dhcp.h"

using namespace ofkit;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::vector<uint8_t> in(data, data + size);
  auto d = DhcpView::parse(in);
  if (!d) return 0;
  DhcpMessage m;
  m.op = d->op();
  m.xid = d->xid();
  m.chaddr = d->chaddr_mac();
  d->for_each_option([&](const DhcpOption& o) {
    if (o.data.data() < in.data() || o.data.data() + o.data.size() > in.data() + in.size()) std::abort();
    m.options.push_back({o.code, std::vector<uint8_t>(o.data.begin(), o.data.end())});
  });
  (void)d->message_type();
  (void)d->sname();
  (void)d->file();
  std::vector<uint8_t> out(m.size());
  const size_t n = m.write(out);
  if (n == 0) std::abort();
  auto again = DhcpView::parse(Bytes(out.data(), n));
  if (!again || again->xid() != d->xid() || again->message_type() != d->message_type()) std::abort();
  return 0;
}
