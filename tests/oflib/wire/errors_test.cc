#include "oflib/wire/errors.h"

#include <gtest/gtest.h>

namespace ofkit::of {
namespace {

TEST(Ofperr, WireValuesMatchTheSpec) {
  // OF1.0 spec, A.4.4: OFPET_BAD_REQUEST = 1, OFPBRC_BAD_LEN = 6.
  EXPECT_EQ(ofperr_type(Ofperr::kBadRequestBadLen), 1);
  EXPECT_EQ(ofperr_code(Ofperr::kBadRequestBadLen), 6);
  EXPECT_EQ(ofperr_type(Ofperr::kBadActionBadOutPort), 2);
  EXPECT_EQ(ofperr_code(Ofperr::kBadActionBadOutPort), 4);
  EXPECT_EQ(ofperr_type(Ofperr::kFlowModFailedOverlap), 3);
  EXPECT_EQ(ofperr_code(Ofperr::kFlowModFailedOverlap), 1);
  EXPECT_EQ(ofperr_type(Ofperr::kQueueOpFailedEperm), 5);
  EXPECT_EQ(ofperr_code(Ofperr::kQueueOpFailedEperm), 2);
}

TEST(Ofperr, NamesPrintAsOvsDoes) {
  EXPECT_EQ(ofperr_name(Ofperr::kBadRequestBadLen), "OFPET_BAD_REQUEST/OFPBRC_BAD_LEN");
  EXPECT_EQ(ofperr_type_name(Ofperr::kHelloFailedIncompatible), "OFPET_HELLO_FAILED");
  EXPECT_EQ(ofperr_code_name(Ofperr::kPortModFailedBadHwAddr), "OFPPMFC_BAD_HW_ADDR");
}

TEST(Ofperr, EveryErrorRoundTripsThroughWireAndName) {
  for (Ofperr e : kAllOfperrs) {
    EXPECT_EQ(ofperr_from_wire(ofperr_type(e), ofperr_code(e)), e);
    EXPECT_EQ(ofperr_from_name(ofperr_name(e)), e);
  }
  EXPECT_EQ(std::size(kAllOfperrs), 31u);
  EXPECT_FALSE(ofperr_from_wire(1, 9).has_value());
  EXPECT_FALSE(ofperr_from_wire(6, 0).has_value());
}

TEST(Ofperr, ResultCarriesTheError) {
  Result<int> ok = 5;
  Result<int> bad = fail(Ofperr::kBadRequestBadType);
  ASSERT_TRUE(ok);
  EXPECT_EQ(*ok, 5);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error(), Ofperr::kBadRequestBadType);
}

}  // namespace
}  // namespace ofkit::of
