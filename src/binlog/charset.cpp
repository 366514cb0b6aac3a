// Collation-id table and charset -> UTF-8 conversion. See charset.h.
//
// The collation table is data, not code: it was generated from a MariaDB
// 10.11 server (SELECT ID, CHARACTER_SET_NAME FROM
// information_schema.COLLATION_CHARACTER_SET_APPLICABILITY) and extended with
// the MySQL 8 ids MariaDB does not assign: 76 utf8mb3_tolower_ci,
// 248..250 gb18030, 255..323 utf8mb4_*_0900_*. The two servers agree on every
// id they share, so one table serves both.
//
// The single-byte tables hold the code point of bytes 0x80..0xFF (bytes below
// 0x80 are ASCII in all three), generated from the same server with
// CONVERT(_latin1 X'nn' USING utf32); 0 marks a byte the charset leaves
// unassigned (the server converts it to '?').

#include "binlog/charset.h"

#include <algorithm>
#include <array>
#include <iterator>

#include "util/json_writer.h"

namespace dbtrail::binlog {
namespace {

struct CollationRange {
  uint16_t first;
  uint16_t last;
  Charset cs;
};

// Sorted, non-overlapping runs of consecutive ids with one charset.
constexpr CollationRange kCollations[] = {
    {1, 1, Charset::kBig5},           {2, 2, Charset::kLatin2},
    {3, 3, Charset::kDec8},           {4, 4, Charset::kCp850},
    {5, 5, Charset::kLatin1},         {6, 6, Charset::kHp8},
    {7, 7, Charset::kKoi8r},          {8, 8, Charset::kLatin1},
    {9, 9, Charset::kLatin2},         {10, 10, Charset::kSwe7},
    {11, 11, Charset::kAscii},        {12, 12, Charset::kUjis},
    {13, 13, Charset::kSjis},         {14, 14, Charset::kCp1251},
    {15, 15, Charset::kLatin1},       {16, 16, Charset::kHebrew},
    {18, 18, Charset::kTis620},       {19, 19, Charset::kEuckr},
    {20, 20, Charset::kLatin7},       {21, 21, Charset::kLatin2},
    {22, 22, Charset::kKoi8u},        {23, 23, Charset::kCp1251},
    {24, 24, Charset::kGb2312},       {25, 25, Charset::kGreek},
    {26, 26, Charset::kCp1250},       {27, 27, Charset::kLatin2},
    {28, 28, Charset::kGbk},          {29, 29, Charset::kCp1257},
    {30, 30, Charset::kLatin5},       {31, 31, Charset::kLatin1},
    {32, 32, Charset::kArmscii8},     {33, 33, Charset::kUtf8mb3},
    {34, 34, Charset::kCp1250},       {35, 35, Charset::kUcs2},
    {36, 36, Charset::kCp866},        {37, 37, Charset::kKeybcs2},
    {38, 38, Charset::kMacce},        {39, 39, Charset::kMacroman},
    {40, 40, Charset::kCp852},        {41, 42, Charset::kLatin7},
    {43, 43, Charset::kMacce},        {44, 44, Charset::kCp1250},
    {45, 46, Charset::kUtf8mb4},      {47, 49, Charset::kLatin1},
    {50, 52, Charset::kCp1251},       {53, 53, Charset::kMacroman},
    {54, 55, Charset::kUtf16},        {56, 56, Charset::kUtf16le},
    {57, 57, Charset::kCp1256},       {58, 59, Charset::kCp1257},
    {60, 61, Charset::kUtf32},        {62, 62, Charset::kUtf16le},
    {63, 63, Charset::kBinary},       {64, 64, Charset::kArmscii8},
    {65, 65, Charset::kAscii},        {66, 66, Charset::kCp1250},
    {67, 67, Charset::kCp1256},       {68, 68, Charset::kCp866},
    {69, 69, Charset::kDec8},         {70, 70, Charset::kGreek},
    {71, 71, Charset::kHebrew},       {72, 72, Charset::kHp8},
    {73, 73, Charset::kKeybcs2},      {74, 74, Charset::kKoi8r},
    {75, 75, Charset::kKoi8u},        {76, 76, Charset::kUtf8mb3},
    {77, 77, Charset::kLatin2},       {78, 78, Charset::kLatin5},
    {79, 79, Charset::kLatin7},       {80, 80, Charset::kCp850},
    {81, 81, Charset::kCp852},        {82, 82, Charset::kSwe7},
    {83, 83, Charset::kUtf8mb3},      {84, 84, Charset::kBig5},
    {85, 85, Charset::kEuckr},        {86, 86, Charset::kGb2312},
    {87, 87, Charset::kGbk},          {88, 88, Charset::kSjis},
    {89, 89, Charset::kTis620},       {90, 90, Charset::kUcs2},
    {91, 91, Charset::kUjis},         {92, 93, Charset::kGeostd8},
    {94, 94, Charset::kLatin1},       {95, 96, Charset::kCp932},
    {97, 98, Charset::kEucjpms},      {99, 99, Charset::kCp1250},
    {101, 124, Charset::kUtf16},      {128, 151, Charset::kUcs2},
    {159, 159, Charset::kUcs2},       {160, 183, Charset::kUtf32},
    {192, 215, Charset::kUtf8mb3},    {223, 223, Charset::kUtf8mb3},
    {224, 247, Charset::kUtf8mb4},    {248, 250, Charset::kGb18030},
    {255, 323, Charset::kUtf8mb4},    {576, 578, Charset::kUtf8mb3},
    {608, 610, Charset::kUtf8mb4},    {640, 642, Charset::kUcs2},
    {672, 674, Charset::kUtf16},      {736, 738, Charset::kUtf32},
    {1025, 1025, Charset::kBig5},     {1027, 1027, Charset::kDec8},
    {1028, 1028, Charset::kCp850},    {1030, 1030, Charset::kHp8},
    {1031, 1031, Charset::kKoi8r},    {1032, 1032, Charset::kLatin1},
    {1033, 1033, Charset::kLatin2},   {1034, 1034, Charset::kSwe7},
    {1035, 1035, Charset::kAscii},    {1036, 1036, Charset::kUjis},
    {1037, 1037, Charset::kSjis},     {1040, 1040, Charset::kHebrew},
    {1042, 1042, Charset::kTis620},   {1043, 1043, Charset::kEuckr},
    {1046, 1046, Charset::kKoi8u},    {1048, 1048, Charset::kGb2312},
    {1049, 1049, Charset::kGreek},    {1050, 1050, Charset::kCp1250},
    {1052, 1052, Charset::kGbk},      {1054, 1054, Charset::kLatin5},
    {1056, 1056, Charset::kArmscii8}, {1057, 1057, Charset::kUtf8mb3},
    {1059, 1059, Charset::kUcs2},     {1060, 1060, Charset::kCp866},
    {1061, 1061, Charset::kKeybcs2},  {1062, 1062, Charset::kMacce},
    {1063, 1063, Charset::kMacroman}, {1064, 1064, Charset::kCp852},
    {1065, 1065, Charset::kLatin7},   {1067, 1067, Charset::kMacce},
    {1069, 1070, Charset::kUtf8mb4},  {1071, 1071, Charset::kLatin1},
    {1074, 1075, Charset::kCp1251},   {1077, 1077, Charset::kMacroman},
    {1078, 1079, Charset::kUtf16},    {1080, 1080, Charset::kUtf16le},
    {1081, 1081, Charset::kCp1256},   {1082, 1083, Charset::kCp1257},
    {1084, 1085, Charset::kUtf32},    {1086, 1086, Charset::kUtf16le},
    {1088, 1088, Charset::kArmscii8}, {1089, 1089, Charset::kAscii},
    {1090, 1090, Charset::kCp1250},   {1091, 1091, Charset::kCp1256},
    {1092, 1092, Charset::kCp866},    {1093, 1093, Charset::kDec8},
    {1094, 1094, Charset::kGreek},    {1095, 1095, Charset::kHebrew},
    {1096, 1096, Charset::kHp8},      {1097, 1097, Charset::kKeybcs2},
    {1098, 1098, Charset::kKoi8r},    {1099, 1099, Charset::kKoi8u},
    {1101, 1101, Charset::kLatin2},   {1102, 1102, Charset::kLatin5},
    {1103, 1103, Charset::kLatin7},   {1104, 1104, Charset::kCp850},
    {1105, 1105, Charset::kCp852},    {1106, 1106, Charset::kSwe7},
    {1107, 1107, Charset::kUtf8mb3},  {1108, 1108, Charset::kBig5},
    {1109, 1109, Charset::kEuckr},    {1110, 1110, Charset::kGb2312},
    {1111, 1111, Charset::kGbk},      {1112, 1112, Charset::kSjis},
    {1113, 1113, Charset::kTis620},   {1114, 1114, Charset::kUcs2},
    {1115, 1115, Charset::kUjis},     {1116, 1117, Charset::kGeostd8},
    {1119, 1120, Charset::kCp932},    {1121, 1122, Charset::kEucjpms},
    {1125, 1125, Charset::kUtf16},    {1147, 1147, Charset::kUtf16},
    {1152, 1152, Charset::kUcs2},     {1174, 1174, Charset::kUcs2},
    {1184, 1184, Charset::kUtf32},    {1206, 1206, Charset::kUtf32},
    {1216, 1216, Charset::kUtf8mb3},  {1238, 1238, Charset::kUtf8mb3},
    {1248, 1248, Charset::kUtf8mb4},  {1270, 1270, Charset::kUtf8mb4},
    {2048, 2215, Charset::kUtf8mb3},  {2232, 2247, Charset::kUtf8mb3},
    {2304, 2471, Charset::kUtf8mb4},  {2488, 2503, Charset::kUtf8mb4},
    {2560, 2727, Charset::kUcs2},     {2744, 2759, Charset::kUcs2},
    {2816, 2983, Charset::kUtf16},    {3000, 3015, Charset::kUtf16},
    {3072, 3239, Charset::kUtf32},    {3256, 3271, Charset::kUtf32},
};

constexpr uint16_t kLatin1High[128] = {
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039,
    0x0152, 0x008D, 0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178, 0x00A0, 0x00A1, 0x00A2, 0x00A3,
    0x00A4, 0x00A5, 0x00A6, 0x00A7, 0x00A8, 0x00A9, 0x00AA, 0x00AB, 0x00AC, 0x00AD, 0x00AE, 0x00AF,
    0x00B0, 0x00B1, 0x00B2, 0x00B3, 0x00B4, 0x00B5, 0x00B6, 0x00B7, 0x00B8, 0x00B9, 0x00BA, 0x00BB,
    0x00BC, 0x00BD, 0x00BE, 0x00BF, 0x00C0, 0x00C1, 0x00C2, 0x00C3, 0x00C4, 0x00C5, 0x00C6, 0x00C7,
    0x00C8, 0x00C9, 0x00CA, 0x00CB, 0x00CC, 0x00CD, 0x00CE, 0x00CF, 0x00D0, 0x00D1, 0x00D2, 0x00D3,
    0x00D4, 0x00D5, 0x00D6, 0x00D7, 0x00D8, 0x00D9, 0x00DA, 0x00DB, 0x00DC, 0x00DD, 0x00DE, 0x00DF,
    0x00E0, 0x00E1, 0x00E2, 0x00E3, 0x00E4, 0x00E5, 0x00E6, 0x00E7, 0x00E8, 0x00E9, 0x00EA, 0x00EB,
    0x00EC, 0x00ED, 0x00EE, 0x00EF, 0x00F0, 0x00F1, 0x00F2, 0x00F3, 0x00F4, 0x00F5, 0x00F6, 0x00F7,
    0x00F8, 0x00F9, 0x00FA, 0x00FB, 0x00FC, 0x00FD, 0x00FE, 0x00FF,
};

constexpr uint16_t kLatin2High[128] = {
    0x0080, 0x0081, 0x0082, 0x0083, 0x0084, 0x0085, 0x0086, 0x0087, 0x0088, 0x0089, 0x008A, 0x008B,
    0x008C, 0x008D, 0x008E, 0x008F, 0x0090, 0x0091, 0x0092, 0x0093, 0x0094, 0x0095, 0x0096, 0x0097,
    0x0098, 0x0099, 0x009A, 0x009B, 0x009C, 0x009D, 0x009E, 0x009F, 0x00A0, 0x0104, 0x02D8, 0x0141,
    0x00A4, 0x013D, 0x015A, 0x00A7, 0x00A8, 0x0160, 0x015E, 0x0164, 0x0179, 0x00AD, 0x017D, 0x017B,
    0x00B0, 0x0105, 0x02DB, 0x0142, 0x00B4, 0x013E, 0x015B, 0x02C7, 0x00B8, 0x0161, 0x015F, 0x0165,
    0x017A, 0x02DD, 0x017E, 0x017C, 0x0154, 0x00C1, 0x00C2, 0x0102, 0x00C4, 0x0139, 0x0106, 0x00C7,
    0x010C, 0x00C9, 0x0118, 0x00CB, 0x011A, 0x00CD, 0x00CE, 0x010E, 0x0110, 0x0143, 0x0147, 0x00D3,
    0x00D4, 0x0150, 0x00D6, 0x00D7, 0x0158, 0x016E, 0x00DA, 0x0170, 0x00DC, 0x00DD, 0x0162, 0x00DF,
    0x0155, 0x00E1, 0x00E2, 0x0103, 0x00E4, 0x013A, 0x0107, 0x00E7, 0x010D, 0x00E9, 0x0119, 0x00EB,
    0x011B, 0x00ED, 0x00EE, 0x010F, 0x0111, 0x0144, 0x0148, 0x00F3, 0x00F4, 0x0151, 0x00F6, 0x00F7,
    0x0159, 0x016F, 0x00FA, 0x0171, 0x00FC, 0x00FD, 0x0163, 0x02D9,
};

constexpr uint16_t kCp1251High[128] = {
    0x0402, 0x0403, 0x201A, 0x0453, 0x201E, 0x2026, 0x2020, 0x2021, 0x20AC, 0x2030, 0x0409, 0x2039,
    0x040A, 0x040C, 0x040B, 0x040F, 0x0452, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x0000, 0x2122, 0x0459, 0x203A, 0x045A, 0x045C, 0x045B, 0x045F, 0x00A0, 0x040E, 0x045E, 0x0408,
    0x00A4, 0x0490, 0x00A6, 0x00A7, 0x0401, 0x00A9, 0x0404, 0x00AB, 0x00AC, 0x00AD, 0x00AE, 0x0407,
    0x00B0, 0x00B1, 0x0406, 0x0456, 0x0491, 0x00B5, 0x00B6, 0x00B7, 0x0451, 0x2116, 0x0454, 0x00BB,
    0x0458, 0x0405, 0x0455, 0x0457, 0x0410, 0x0411, 0x0412, 0x0413, 0x0414, 0x0415, 0x0416, 0x0417,
    0x0418, 0x0419, 0x041A, 0x041B, 0x041C, 0x041D, 0x041E, 0x041F, 0x0420, 0x0421, 0x0422, 0x0423,
    0x0424, 0x0425, 0x0426, 0x0427, 0x0428, 0x0429, 0x042A, 0x042B, 0x042C, 0x042D, 0x042E, 0x042F,
    0x0430, 0x0431, 0x0432, 0x0433, 0x0434, 0x0435, 0x0436, 0x0437, 0x0438, 0x0439, 0x043A, 0x043B,
    0x043C, 0x043D, 0x043E, 0x043F, 0x0440, 0x0441, 0x0442, 0x0443, 0x0444, 0x0445, 0x0446, 0x0447,
    0x0448, 0x0449, 0x044A, 0x044B, 0x044C, 0x044D, 0x044E, 0x044F,
};

constexpr const char* kNames[] = {
    "unknown", "binary",  "utf8mb3",  "utf8mb4", "latin1", "ascii",    "latin2",
    "cp1251",  "ucs2",    "utf16",    "utf16le", "utf32",  "armscii8", "big5",
    "cp1250",  "cp1256",  "cp1257",   "cp850",   "cp852",  "cp866",    "cp932",
    "dec8",    "eucjpms", "euckr",    "gb18030", "gb2312", "gbk",      "geostd8",
    "greek",   "hebrew",  "hp8",      "keybcs2", "koi8r",  "koi8u",    "latin5",
    "latin7",  "macce",   "macroman", "sjis",    "swe7",   "tis620",   "ujis",
};
static_assert(std::size(kNames) == static_cast<size_t>(Charset::kUjis) + 1);

bool single_byte(const uint16_t* high, std::string_view in, std::string& out) {
  size_t start = out.size();
  for (unsigned char c : in) {
    if (c < 0x80) {
      out += static_cast<char>(c);
      continue;
    }
    uint16_t cp = high[c - 0x80];
    if (cp == 0) {
      out.resize(start);
      return false;
    }
    append_utf8(out, cp);
  }
  return true;
}

bool is_surrogate(uint32_t cp) { return cp >= 0xD800 && cp <= 0xDFFF; }

// UCS-2 (big-endian, BMP only, no surrogates), UTF-16 (big- or little-endian,
// surrogate pairs) and UTF-32 (big-endian): MySQL's byte orders for these.
bool utf16(std::string_view in, bool little_endian, bool allow_pairs, std::string& out) {
  if (in.size() % 2 != 0) return false;
  size_t start = out.size();
  auto unit = [&](size_t i) -> uint32_t {
    auto b0 = static_cast<unsigned char>(in[i]);
    auto b1 = static_cast<unsigned char>(in[i + 1]);
    return little_endian ? (b1 << 8 | b0) : (b0 << 8 | b1);
  };
  for (size_t i = 0; i < in.size(); i += 2) {
    uint32_t cp = unit(i);
    if (is_surrogate(cp)) {
      // Only a high surrogate followed by a low one is a character.
      if (!allow_pairs || cp > 0xDBFF || i + 3 >= in.size()) {
        out.resize(start);
        return false;
      }
      uint32_t lo = unit(i + 2);
      if (lo < 0xDC00 || lo > 0xDFFF) {
        out.resize(start);
        return false;
      }
      cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
      i += 2;
    }
    append_utf8(out, cp);
  }
  return true;
}

bool utf32(std::string_view in, std::string& out) {
  if (in.size() % 4 != 0) return false;
  size_t start = out.size();
  for (size_t i = 0; i < in.size(); i += 4) {
    uint32_t cp = 0;
    for (size_t k = 0; k < 4; ++k) cp = (cp << 8) | static_cast<unsigned char>(in[i + k]);
    if (cp > 0x10FFFF || is_surrogate(cp)) {
      out.resize(start);
      return false;
    }
    append_utf8(out, cp);
  }
  return true;
}

}  // namespace

namespace {
Charset lookup_collation(uint16_t id) {
  auto it = std::upper_bound(std::begin(kCollations), std::end(kCollations), id,
                             [](uint16_t v, const CollationRange& r) { return v < r.first; });
  if (it == std::begin(kCollations)) return Charset::kUnknown;
  --it;
  return id <= it->last ? it->cs : Charset::kUnknown;
}
}  // namespace

Charset charset_of_collation(uint16_t id) {
  // Every text cell asks: answer ids below 2048 (all in use today) from a flat table.
  static const auto kTable = [] {
    std::array<Charset, 2048> t{};
    for (size_t i = 0; i < t.size(); ++i) t[i] = lookup_collation(static_cast<uint16_t>(i));
    return t;
  }();
  return id < kTable.size() ? kTable[id] : lookup_collation(id);
}

const char* charset_name(Charset cs) {
  auto i = static_cast<size_t>(cs);
  return i < std::size(kNames) ? kNames[i] : "unknown";
}

bool charset_converts(Charset cs) { return cs >= Charset::kUtf8mb3 && cs <= Charset::kUtf32; }

void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

bool to_utf8(Charset cs, std::string_view in, std::string& out) {
  switch (cs) {
    case Charset::kUtf8mb3:
    case Charset::kUtf8mb4:
      if (!is_valid_utf8(in)) return false;
      out.append(in);
      return true;
    case Charset::kAscii:
      for (unsigned char c : in)
        if (c >= 0x80) return false;
      out.append(in);
      return true;
    case Charset::kLatin1:
      return single_byte(kLatin1High, in, out);
    case Charset::kLatin2:
      return single_byte(kLatin2High, in, out);
    case Charset::kCp1251:
      return single_byte(kCp1251High, in, out);
    case Charset::kUcs2:
      return utf16(in, false, false, out);
    case Charset::kUtf16:
      return utf16(in, false, true, out);
    case Charset::kUtf16le:
      return utf16(in, true, true, out);
    case Charset::kUtf32:
      return utf32(in, out);
    default:
      return false;
  }
}

}  // namespace dbtrail::binlog
