#include "util/result.h"

namespace dbtrail {

const char* error_code_name(ErrorCode c) {
  switch (c) {
    case ErrorCode::kOk: return "ok";
    case ErrorCode::kInvalidArgument: return "invalid_argument";
    case ErrorCode::kNotFound: return "not_found";
    case ErrorCode::kCorrupt: return "corrupt";
    case ErrorCode::kTruncated: return "truncated";
    case ErrorCode::kUnsupported: return "unsupported";
    case ErrorCode::kIo: return "io";
    case ErrorCode::kConnection: return "connection";
    case ErrorCode::kInternal: return "internal";
    case ErrorCode::kPrerequisite: return "prerequisite";
    case ErrorCode::kListen: return "listen";
  }
  return "unknown";
}

}  // namespace dbtrail
