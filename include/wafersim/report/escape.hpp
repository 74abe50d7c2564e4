#pragma once
// Escaping for the text formats the reports write.
#include <string>

namespace wafersim {

// &, <, > and " as XML entities: safe in SVG/JUnit text and in double-quoted attributes.
std::string xml_escape(const std::string& s);

}  // namespace wafersim
