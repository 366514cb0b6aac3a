#!/usr/bin/env bash
# Runs the link command it is given (CMake's RULE_LAUNCH_LINK for the fully
# static dbtrail) and treats every linker warning as an error, except the
# five that glibc attaches to any static program using these functions:
#
#   getaddrinfo, gethostbyname, getservbyname, getpwuid
#       glibc 2.34+ serves "files" and "dns" (Debian's default hosts and
#       services sources) from inside the static binary; other NSS modules
#       (systemd, ldap, sss, mdns, ...) are loaded from the system's glibc,
#       which is then the one dbtrail was built against: scripts/build.sh
#       builds it on the machine that runs it.
#   dlopen
#       libmariadb loads its authentication plugins (caching_sha2_password,
#       sha256_password, client_ed25519, dialog, mysql_clear_password) from
#       libmariadb3's plugin directory; each needs only libc and libcrypto,
#       which a static program's dlopen loads beside it
#       (tests/integration/check_test.cpp signs in with client_ed25519).
#       SQLite's extension loading is linked but never enabled.
set -uo pipefail

log=$(mktemp)
trap 'rm -f "$log"' EXIT
"$@" 2>"$log"
rc=$?

expected="warning: Using '(getaddrinfo|gethostbyname|getservbyname|getpwuid|dlopen)' in statically linked applications requires at runtime the shared libraries from the glibc version used for linking"
# ld reports each as two lines, "...: in function `f':" then the warning:
# a held "in function" line is dropped with an expected warning after it.
others=$(awk -v expected="$expected" '
  /: in function `.*.:$/ { if (held != "") print held; held = $0; next }
  $0 ~ expected { held = ""; next }
  { if (held != "") print held; held = ""; print }
  END { if (held != "") print held }' "$log")
if [[ -n $others ]]; then
  printf '%s\n' "$others" >&2
  if ((rc == 0)) && grep -qi 'warning' <<<"$others"; then
    echo "static_link.sh: the linker warned (warnings are errors); the output is removed" >&2
    # The output file follows -o in the command.
    prev=""
    for arg in "$@"; do
      [[ $prev == -o ]] && rm -f "$arg"
      prev=$arg
    done
    exit 1
  fi
fi
exit "$rc"
