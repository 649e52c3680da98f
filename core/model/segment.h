// Segments: the value of a person's field that splits an analysis ("by").
//
// by = "source" | "owner" (people columns), "campaign" (the campaign of the
// person's first touch that has one), or the name of a people attribute.
// Missing values form the segment "(none)"; an empty `by` puts everyone in
// the segment "all". Shared by every analysis that takes --by.
#ifndef BATON_MODEL_SEGMENT_H_
#define BATON_MODEL_SEGMENT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "model/workspace.h"

namespace baton {

inline constexpr const char* kNoSegment = "(none)";

struct Segmentation {
  std::vector<uint32_t> of_person;   // segment index per person
  std::vector<std::string> names;    // segment names, sorted; "(none)" last
};

// Requires ws.frozen(). NotFound (listing the valid names) for an unknown by.
Result<Segmentation> SegmentPeople(const Workspace& ws, const std::string& by);

}  // namespace baton

#endif  // BATON_MODEL_SEGMENT_H_
