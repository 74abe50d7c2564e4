#pragma once
// The placement picture: the wafer with each pipeline stage's region coloured and labelled
// (SVG: layer names; PNG: stage numbers, matching the text summary).
#include <string>

#include "wafersim/results/stats.hpp"

namespace wafersim {

std::string placement_svg(const RunStats& stats, int wafer_width, int wafer_height);
std::string placement_png(const RunStats& stats, int wafer_width, int wafer_height);
std::string placement_summary(const RunStats& stats);

}  // namespace wafersim
