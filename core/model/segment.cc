#include "model/segment.h"

#include <algorithm>
#include <limits>

namespace baton {
namespace {

constexpr uint32_t kUnassigned = std::numeric_limits<uint32_t>::max();

// Turns one label code per person into segments. Codes are label codes of
// the workspace, so a flat vector indexed by code replaces any map; a literal
// "(none)" value joins the missing ones, which keeps segment names unique.
Segmentation FromLabelCodes(const Dictionary& labels,
                            const std::vector<uint32_t>& codes) {
  std::vector<uint32_t> segment_of_code(labels.size(), kUnassigned);
  std::vector<uint32_t> used;
  bool any_missing = false;
  for (uint32_t code : codes) {
    if (code == 0 || labels.Get(code) == kNoSegment) {
      any_missing = true;
      continue;
    }
    if (segment_of_code[code] == kUnassigned) {
      segment_of_code[code] = 0;  // seen; the index is assigned after sorting
      used.push_back(code);
    }
  }
  std::sort(used.begin(), used.end(), [&](uint32_t a, uint32_t b) {
    return labels.Get(a) < labels.Get(b);
  });

  Segmentation out;
  out.names.reserve(used.size() + 1);
  for (uint32_t i = 0; i < used.size(); ++i) {
    segment_of_code[used[i]] = i;
    out.names.emplace_back(labels.Get(used[i]));
  }
  const uint32_t none = static_cast<uint32_t>(used.size());
  if (any_missing) out.names.emplace_back(kNoSegment);

  out.of_person.resize(codes.size());
  for (size_t p = 0; p < codes.size(); ++p) {
    // Codes never marked above are the missing ones (0 or "(none)").
    uint32_t s = segment_of_code[codes[p]];
    out.of_person[p] = s == kUnassigned ? none : s;
  }
  return out;
}

// The campaign of each person's first touch that names one. Touches are
// sorted by (person, time) after Freeze, so the first hit is the earliest.
std::vector<uint32_t> FirstTouchCampaigns(const Workspace& ws) {
  const TouchColumns& t = ws.touches();
  const std::vector<uint32_t>& offsets = ws.touch_offsets();
  std::vector<uint32_t> out(ws.num_people(), 0);
  for (uint32_t p = 0; p < ws.num_people(); ++p) {
    for (uint32_t r = offsets[p]; r < offsets[p + 1]; ++r) {
      if (t.campaign[r] != 0) {
        out[p] = t.campaign[r];
        break;
      }
    }
  }
  return out;
}

std::string ValidSegmentNames(const Workspace& ws) {
  std::vector<std::string> attributes;
  for (const auto& [key, values] : ws.people().attributes)
    attributes.emplace_back(ws.labels().Get(key));
  std::sort(attributes.begin(), attributes.end());
  std::string out = "source, campaign, owner";
  if (attributes.empty()) return out + " (no people attributes are loaded)";
  out += " or a people attribute: ";
  for (size_t i = 0; i < attributes.size(); ++i) {
    if (i) out += ", ";
    out += attributes[i];
  }
  return out;
}

}  // namespace

Result<Segmentation> SegmentPeople(const Workspace& ws, const std::string& by) {
  if (!ws.frozen())
    return Status::FailedPrecondition(
        "segments need a frozen workspace: call Freeze() after loading");
  const uint32_t n = ws.num_people();
  if (by.empty()) {
    Segmentation all;
    all.of_person.assign(n, 0);
    all.names = {"all"};
    return all;
  }
  const PeopleColumns& people = ws.people();
  if (by == "source") return FromLabelCodes(ws.labels(), people.source);
  if (by == "owner") return FromLabelCodes(ws.labels(), people.owner);
  if (by == "campaign")
    return FromLabelCodes(ws.labels(), FirstTouchCampaigns(ws));
  uint32_t key = ws.AttributeKey(by);
  if (key == Dictionary::kNotFound)
    return Status::NotFound("cannot segment by \"" + by +
                            "\": it is not a field or attribute of people; "
                            "segment by " +
                            ValidSegmentNames(ws));
  return FromLabelCodes(ws.labels(), people.attributes.at(key));
}

}  // namespace baton
