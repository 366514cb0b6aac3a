#!/usr/bin/env bash
# Private servers for tests, the demo and the bench. Everything lives under DIR;
# nothing touches the system MariaDB/sshd, /etc/mysql or port 3306.
#
#   scripts/sandbox.sh start DIR       MariaDB on 127.0.0.1:<free port>, ROW binlog
#   scripts/sandbox.sh stop DIR        shut it down (safe to call twice)
#   scripts/sandbox.sh env DIR         print the shell-sourceable settings again
#   scripts/sandbox.sh sshd-start DIR  sshd on 127.0.0.1:<free port>, key login only
#   scripts/sandbox.sh sshd-stop DIR
#
# start prints (and writes to DIR/env) lines such as
#   SANDBOX_PORT=34567  SANDBOX_SOCKET=DIR/mysqld.sock  SANDBOX_BINLOG_DIR=DIR/binlog
#   SANDBOX_DATADIR=DIR/data  SANDBOX_USER=bintrail  SANDBOX_PASSWORD_FILE=...
# Passwords are random and only ever written to files of mode 600.
#
# Environment knobs for start:
#   BINLOG_ROW_METADATA=FULL|MINIMAL|NO_LOG  (default FULL)
#   MAX_BINLOG_SIZE=bytes                    (default 1G: one file for the bench)
#   SANDBOX_EXTRA_CNF="key=value;key=value"  extra [mariadbd] lines
#   SANDBOX_OWNER_PID=pid                    stop the server when pid exits
#                                            (tests: no orphan after a crash)
#   SANDBOX_FIXED_PORT=port                  listen there instead of a free port
#                                            (tests restarting a source in place)
set -euo pipefail

SELF=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)/$(basename "${BASH_SOURCE[0]}")

die() { echo "sandbox: $*" >&2; exit 1; }

# A TCP port nobody uses now: not in /proc/net/tcp{,6} (any state) and nothing
# answers on it. A race with another process remains possible; start retries.
free_port() {
  local p hex i
  for ((i = 0; i < 500; i++)); do
    p=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
    printf -v hex ':%04X ' "$p"
    if grep -qs "$hex" /proc/net/tcp /proc/net/tcp6; then continue; fi
    if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then continue; fi
    echo "$p"
    return 0
  done
  die "no free TCP port found"
}

# True if pid is alive and its command line mentions needle (our DIR), so a
# recycled pid of an unrelated process is never signalled.
pid_is_ours() {
  local pid=$1 needle=$2
  [[ -n "$pid" && -r /proc/$pid/cmdline ]] || return 1
  tr '\0' ' ' </proc/"$pid"/cmdline | grep -qF -- "$needle"
}

random_password() {
  # 24 characters from [A-Za-z0-9]: safe in DSNs, shells and SQL literals.
  local s=""
  while ((${#s} < 24)); do
    s+=$(head -c 64 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')
  done
  echo "${s:0:24}"
}

abs_dir() {
  mkdir -p "$1"
  (cd "$1" && pwd -P)
}

# ---------------------------------------------------------------- MariaDB --

mariadb_start() {
  local dir; dir=$(abs_dir "$1")
  local data=$dir/data binlog=$dir/binlog cnf=$dir/my.cnf pidfile=$dir/mariadbd.pid
  local log=$dir/mariadbd.log

  if [[ -f $pidfile ]] && pid_is_ours "$(cat "$pidfile")" "$dir"; then
    echo "sandbox: already running in $dir" >&2
    cat "$dir/env"
    return 0
  fi
  command -v mariadbd >/dev/null || PATH=$PATH:/usr/sbin
  command -v mariadbd >/dev/null || die "mariadbd not found (run scripts/setup.sh)"

  # Unix socket paths are limited to 107 bytes; fall back to a short private dir.
  local sock=$dir/mysqld.sock
  if ((${#sock} > 100)); then
    sock=$(mktemp -d /tmp/dbtrail-sock.XXXXXX)/mysqld.sock
  fi

  local meta=${BINLOG_ROW_METADATA:-FULL}
  case "$meta" in FULL | MINIMAL | NO_LOG) ;; *) die "BINLOG_ROW_METADATA must be FULL, MINIMAL or NO_LOG" ;; esac

  mkdir -p "$binlog" "$dir/tmp"
  chmod 700 "$dir"
  if [[ ! -d $data/mysql ]]; then
    rm -rf "$data"
    mariadb-install-db --no-defaults --datadir="$data" --user="$(id -un)" \
      --auth-root-authentication-method=normal --skip-test-db \
      --innodb-log-file-size=64M >"$dir/install.log" 2>&1 ||
      { cat "$dir/install.log" >&2; die "mariadb-install-db failed"; }
  fi

  local port pid=""
  for _ in 1 2 3 4 5; do
    port=${SANDBOX_FIXED_PORT:-$(free_port)}
    {
      echo "# written by scripts/sandbox.sh; regenerated on every start"
      echo "[mariadbd]"
      echo "datadir=$data"
      echo "tmpdir=$dir/tmp"
      echo "socket=$sock"
      echo "pid-file=$pidfile"
      echo "log-error=$dir/error.log"
      echo "bind-address=127.0.0.1"
      echo "port=$port"
      echo "skip-name-resolve"
      echo "character-set-server=utf8mb4"
      echo "collation-server=utf8mb4_general_ci"
      echo "server-id=1"
      echo "log-bin=$binlog/mysql-bin"
      echo "log-bin-index=$binlog/mysql-bin.index"
      echo "binlog-format=ROW"
      echo "binlog-row-image=FULL"
      echo "binlog-checksum=CRC32"
      echo "binlog-row-metadata=$meta"
      echo "max-binlog-size=${MAX_BINLOG_SIZE:-1073741824}"
      echo "max-allowed-packet=256M"
      echo "innodb-log-file-size=64M"
      echo "innodb-buffer-pool-size=256M"
      echo "innodb-flush-log-at-trx-commit=2"
      echo "innodb-doublewrite=0"
      echo "innodb-use-native-aio=0"
      echo "sync-binlog=0"
      if [[ -n "${SANDBOX_EXTRA_CNF:-}" ]]; then tr ';' '\n' <<<"$SANDBOX_EXTRA_CNF"; fi
      echo "[client]"
      echo "socket=$sock"
      echo "user=root"
    } >"$cnf"

    rm -f "$pidfile" "$sock"
    : >"$dir/error.log"
    # setsid + closed stdio: the server must not keep a caller's pipe open
    # (popen() in tests waits for EOF on stdout).
    setsid mariadbd --defaults-file="$cnf" --user="$(id -un)" \
      </dev/null >>"$log" 2>&1 &
    pid=$!

    local i ok=0
    for ((i = 0; i < 300; i++)); do # up to 30 s
      if ! kill -0 "$pid" 2>/dev/null; then break; fi
      if [[ -S $sock ]] && mariadb-admin --no-defaults --socket="$sock" -uroot \
        --connect-timeout=2 ping >/dev/null 2>&1; then
        ok=1
        break
      fi
      sleep 0.1
    done
    ((ok)) && break
    if kill -0 "$pid" 2>/dev/null; then
      kill -KILL "$pid" 2>/dev/null || true
      wait "$pid" 2>/dev/null || true
      tail -n 30 "$dir/error.log" >&2
      die "mariadbd did not answer within 30 s (see $dir/error.log)"
    fi
    wait "$pid" 2>/dev/null || true
    if grep -qiE "address already in use|Do you already have another" "$dir/error.log"; then
      echo "sandbox: port $port taken meanwhile, retrying" >&2
      continue
    fi
    tail -n 30 "$dir/error.log" >&2
    die "mariadbd exited during start (see $dir/error.log)"
  done
  [[ -S $sock ]] || die "could not start mariadbd after 5 attempts"

  # Users. bintrail is what the product asks a DBA to create; dbtrail_admin is
  # root-like for tests (DDL, --schema-from). Random passwords, files of mode 600.
  local pw_file=$dir/bintrail.password admin_file=$dir/admin.password
  [[ -s $pw_file ]] || (umask 077 && random_password >"$pw_file")
  [[ -s $admin_file ]] || (umask 077 && random_password >"$admin_file")
  chmod 600 "$pw_file" "$admin_file"
  local pw admin_pw
  pw=$(cat "$pw_file")
  admin_pw=$(cat "$admin_file")
  local h sql=""
  for h in "%" "127.0.0.1" "localhost"; do
    sql+="CREATE USER IF NOT EXISTS 'bintrail'@'$h' IDENTIFIED BY '$pw';"
    sql+="ALTER USER 'bintrail'@'$h' IDENTIFIED BY '$pw';"
    sql+="GRANT REPLICATION SLAVE, REPLICATION CLIENT, SELECT ON *.* TO 'bintrail'@'$h';"
    sql+="CREATE USER IF NOT EXISTS 'dbtrail_admin'@'$h' IDENTIFIED BY '$admin_pw';"
    sql+="ALTER USER 'dbtrail_admin'@'$h' IDENTIFIED BY '$admin_pw';"
    sql+="GRANT ALL PRIVILEGES ON *.* TO 'dbtrail_admin'@'$h' WITH GRANT OPTION;"
  done
  # The user set-up is not row data: keep it out of the binlog so tests see
  # only their own events from a fresh sandbox.
  mariadb --no-defaults --socket="$sock" -uroot --batch \
    -e "SET SESSION sql_log_bin=0; $sql FLUSH PRIVILEGES;" </dev/null ||
    die "creating users failed"

  pid=$(cat "$pidfile" 2>/dev/null || echo "$pid")
  # A watcher that stops the server once its owner is gone (crashed test,
  # ctest timeout). It ends by itself when the server stops first.
  if [[ -n "${SANDBOX_OWNER_PID:-}" ]] && kill -0 "$SANDBOX_OWNER_PID" 2>/dev/null; then
    setsid bash -c 'while kill -0 "$1" 2>/dev/null && kill -0 "$2" 2>/dev/null; do sleep 1; done
      kill -0 "$2" 2>/dev/null && exec bash "$3" stop "$4"' sandbox-watcher \
      "$SANDBOX_OWNER_PID" "$pid" "$SELF" "$dir" </dev/null >/dev/null 2>&1 &
  fi

  local first_binlog
  first_binlog=$(head -n 1 "$binlog/mysql-bin.index" 2>/dev/null || true)
  (
    umask 077
    cat >"$dir/env" <<EOF
SANDBOX_DIR=$dir
SANDBOX_HOST=127.0.0.1
SANDBOX_PORT=$port
SANDBOX_SOCKET=$sock
SANDBOX_BINLOG_DIR=$binlog
SANDBOX_DATADIR=$data
SANDBOX_FIRST_BINLOG=$first_binlog
SANDBOX_USER=bintrail
SANDBOX_PASSWORD_FILE=$pw_file
SANDBOX_ADMIN_USER=dbtrail_admin
SANDBOX_ADMIN_PASSWORD_FILE=$admin_file
SANDBOX_PID=$pid
SANDBOX_ROW_METADATA=$meta
EOF
  )
  cat "$dir/env"
}

mariadb_stop() {
  local dir
  [[ -d "$1" ]] || return 0
  dir=$(cd "$1" && pwd -P)
  local pidfile=$dir/mariadbd.pid pid="" sock=""
  [[ -f $pidfile ]] && pid=$(cat "$pidfile" 2>/dev/null || true)
  [[ -z $pid && -f $dir/env ]] && pid=$(sed -n 's/^SANDBOX_PID=//p' "$dir/env")
  [[ -f $dir/env ]] && sock=$(sed -n 's/^SANDBOX_SOCKET=//p' "$dir/env")
  if pid_is_ours "$pid" "$dir"; then
    if [[ -S $sock ]]; then
      timeout 20 mariadb-admin --no-defaults --socket="$sock" -uroot \
        --connect-timeout=2 shutdown >/dev/null 2>&1 </dev/null || true
    fi
    local i
    for ((i = 0; i < 200 && ${#pid} > 0; i++)); do # 20 s
      pid_is_ours "$pid" "$dir" || break
      sleep 0.1
    done
    if pid_is_ours "$pid" "$dir"; then
      kill -TERM "$pid" 2>/dev/null || true
      for ((i = 0; i < 100; i++)); do
        pid_is_ours "$pid" "$dir" || break
        sleep 0.1
      done
      pid_is_ours "$pid" "$dir" && kill -KILL "$pid" 2>/dev/null || true
    fi
    echo "sandbox: stopped $dir" >&2
  fi
  rm -f "$pidfile"
  # A short socket dir outside DIR (long DIR paths) is ours to remove.
  if [[ $sock == /tmp/dbtrail-sock.*/mysqld.sock ]]; then
    rm -rf "$(dirname "$sock")"
  fi
  return 0
}

mariadb_env() {
  local dir; dir=$(cd "$1" 2>/dev/null && pwd -P) || die "no sandbox in $1"
  [[ -f $dir/env ]] || die "no sandbox in $dir (run: scripts/sandbox.sh start $1)"
  cat "$dir/env"
}

# ------------------------------------------------------------------- sshd --

sshd_start() {
  local dir; dir=$(abs_dir "$1")/sshd
  mkdir -p "$dir"
  chmod 700 "$dir"
  local pidfile=$dir/sshd.pid
  if [[ -f $pidfile ]] && pid_is_ours "$(cat "$pidfile")" "$dir"; then
    echo "sandbox: sshd already running in $dir" >&2
    cat "$dir/env"
    return 0
  fi
  local sshd=/usr/sbin/sshd # sshd re-executes itself: needs an absolute path
  [[ -x $sshd ]] || die "sshd not found (run scripts/setup.sh)"

  [[ -f $dir/host_ed25519_key ]] ||
    ssh-keygen -q -t ed25519 -N '' -C dbtrail-sandbox-host -f "$dir/host_ed25519_key" </dev/null
  # Client keys for the test user: an OpenSSH ed25519 key and a PEM RSA key
  # (the two formats tunnel code meets most).
  [[ -f $dir/id_ed25519 ]] ||
    ssh-keygen -q -t ed25519 -N '' -C dbtrail-sandbox-client -f "$dir/id_ed25519" </dev/null
  [[ -f $dir/id_rsa ]] ||
    ssh-keygen -q -t rsa -b 2048 -m PEM -N '' -C dbtrail-sandbox-client -f "$dir/id_rsa" </dev/null
  cat "$dir/id_ed25519.pub" "$dir/id_rsa.pub" >"$dir/authorized_keys"
  chmod 600 "$dir/authorized_keys" "$dir"/id_* "$dir"/host_*

  # Privilege separation directory, normally created by the system service.
  if [[ ! -d /run/sshd ]]; then mkdir -p /run/sshd && chmod 755 /run/sshd; fi

  local port pid="" user
  user=$(id -un)
  for _ in 1 2 3 4 5; do
    port=$(free_port)
    cat >"$dir/sshd_config" <<EOF
# written by scripts/sandbox.sh
Port $port
ListenAddress 127.0.0.1
HostKey $dir/host_ed25519_key
PidFile $pidfile
AuthorizedKeysFile $dir/authorized_keys
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
AllowTcpForwarding yes
PermitOpen any
X11Forwarding no
PrintMotd no
AllowUsers $user
LogLevel VERBOSE
EOF
    rm -f "$pidfile"
    : >"$dir/sshd.log"
    $sshd -t -f "$dir/sshd_config" || die "sshd rejected $dir/sshd_config"
    # -D: no daemonizing, so the pid is ours; setsid + closed stdio as for mariadbd.
    setsid $sshd -D -f "$dir/sshd_config" -E "$dir/sshd.log" </dev/null >/dev/null 2>&1 &
    pid=$!
    local i ok=0
    for ((i = 0; i < 100; i++)); do # 10 s
      kill -0 "$pid" 2>/dev/null || break
      if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then ok=1; break; fi
      sleep 0.1
    done
    if ((ok)); then
      for ((i = 0; i < 50; i++)); do [[ -s $pidfile ]] && break; sleep 0.1; done
      break
    fi
    wait "$pid" 2>/dev/null || true
    if grep -qi "address already in use" "$dir/sshd.log"; then continue; fi
    cat "$dir/sshd.log" >&2
    die "sshd did not start"
  done
  [[ -s $pidfile ]] && pid=$(cat "$pidfile") || echo "$pid" >"$pidfile"
  echo "[127.0.0.1]:$port $(cut -d' ' -f1,2 "$dir/host_ed25519_key.pub")" >"$dir/known_hosts"
  cat >"$dir/env" <<EOF
SSHD_DIR=$dir
SSHD_HOST=127.0.0.1
SSHD_PORT=$port
SSHD_USER=$user
SSHD_KEY=$dir/id_ed25519
SSHD_KEY_RSA_PEM=$dir/id_rsa
SSHD_HOST_KEY_PUB=$dir/host_ed25519_key.pub
SSHD_KNOWN_HOSTS=$dir/known_hosts
SSHD_PID=$pid
EOF
  cat "$dir/env"
}

sshd_stop() {
  [[ -d "$1/sshd" ]] || return 0
  local dir; dir=$(cd "$1/sshd" && pwd -P)
  local pid=""
  [[ -f $dir/sshd.pid ]] && pid=$(cat "$dir/sshd.pid" 2>/dev/null || true)
  if pid_is_ours "$pid" "$dir"; then
    # Open sessions (tunnels) are children of the listener; end them too.
    local child
    for child in $(pgrep -P "$pid" 2>/dev/null || true); do kill -TERM "$child" 2>/dev/null || true; done
    kill -TERM "$pid" 2>/dev/null || true
    local i
    for ((i = 0; i < 50; i++)); do
      pid_is_ours "$pid" "$dir" || break
      sleep 0.1
    done
    pid_is_ours "$pid" "$dir" && kill -KILL "$pid" 2>/dev/null || true
    echo "sandbox: sshd stopped in $dir" >&2
  fi
  rm -f "$dir/sshd.pid"
  return 0
}

usage() {
  sed -n '2,20p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

(($# == 2)) || usage
case "$1" in
  start) mariadb_start "$2" ;;
  stop) mariadb_stop "$2" ;;
  env) mariadb_env "$2" ;;
  sshd-start) sshd_start "$2" ;;
  sshd-stop) sshd_stop "$2" ;;
  *) usage ;;
esac
