// Operations on Roaring bitmaps that CRoaring's own do slower here.
//
// and_cardinality: the intersection counted with the processor's popcount instruction. Why our
// own: Debian's CRoaring (0.2.66, the only one packaged) is built for the baseline
// x86-64 and counts the bits of its bitset containers with a software popcount, a libgcc call
// per 64-bit word. A facet count at a million places intersects bitset containers (1,024 words
// each) dozens of times per query, and that call was about a third of its time. This walks the
// two bitmaps' containers as Roaring::and_cardinality does, counts bitset pairs here (popcnt
// when the processor has it, checked once) and hands every other pair to CRoaring.
#pragma once

#include <cstdint>

#include <roaring/roaring.hh>

namespace maillage::search {

// The same value as a.and_cardinality(b).
std::uint64_t and_cardinality(const Roaring& a, const Roaring& b);

// Whether most of the bitmap's containers are bitsets (dense: over 4,096 of their 65,536).
bool mostly_bitsets(const Roaring& r);

// a & b, the narrower set first: CRoaring's intersection then reads the wider one's containers
// only where the narrower has some (a common word's posting within a radius).
inline Roaring intersect_small_first(const Roaring& a, const Roaring& b) {
  return a.cardinality() <= b.cardinality() ? a & b : b & a;
}

}  // namespace maillage::search
