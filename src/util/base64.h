// Base64 (RFC 4648, with padding) for binary values in JSON output.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace dbtrail {

void base64_append(std::string& out, std::string_view bytes);
std::string base64_encode(std::string_view bytes);
// nullopt on characters outside the alphabet or a bad length.
std::optional<std::string> base64_decode(std::string_view text);

void hex_append(std::string& out, std::string_view bytes);  // lowercase, no prefix

}  // namespace dbtrail
