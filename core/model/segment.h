// Segments: the value of a person's field that splits an analysis ("by").
//
// by = "source" | "owner" (people columns), "campaign" (the campaign of the
// person's first touch that has one), or the name of a people attribute.
// Missing values form the segment "(none)" (a value literally "(none)" joins
// them, so names stay unique); an empty `by` puts everyone in the segment
// "all". The people columns win over an attribute of the same name. Shared
// by every analysis that takes --by.
// Pure function of a frozen workspace; thread-safe. Since: 1.0
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
  // Segment names, sorted bytewise, "(none)" last and only when someone has
  // no value; only values some person has are listed.
  std::vector<std::string> names;
};

// FailedPrecondition unless ws.frozen(). NotFound (listing source, campaign,
// owner and the attribute names present) for an unknown by.
Result<Segmentation> SegmentPeople(const Workspace& ws, const std::string& by);

}  // namespace baton

#endif  // BATON_MODEL_SEGMENT_H_
