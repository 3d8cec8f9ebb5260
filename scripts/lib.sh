# Shared by the setup scripts: makes sure Node >= 22, PostgreSQL and Redis are there, on loopback only
# (and, for the tests, promtool and pgbouncer; redis-server and redis-cli also start the tests' own Sentinel
# and Cluster servers).
# Sourced, not run. Installs from Debian's packages when something is missing (these machines run as root).

export PATH="/usr/local/bin:$PATH"
PG_URL_DEFAULT="postgres://postgres@127.0.0.1:5432/pics_worker"

log() { printf '\033[1m[setup]\033[0m %s\n' "$*" >&2; }

apt_install() {
  if [ -z "${APT_UPDATED:-}" ]; then apt-get update -qq >/dev/null; APT_UPDATED=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

ensure_node() {
  local major
  major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
  if [ "$major" -lt 22 ]; then
    log "Node $(node --version 2>/dev/null || echo none) is too old; installing Node 24 LTS into /usr/local"
    # A plain `npm i -g` would collide with the system node; --prefix keeps it beside it.
    npm i -g --prefix /usr/local node@24 >/dev/null 2>&1
    hash -r
    major=$(node -p 'process.versions.node.split(".")[0]')
    [ "$major" -ge 22 ] || { log "could not install Node >= 22"; exit 1; }
  fi
  log "node $(node --version)"
}

ensure_postgres() {
  if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then log "postgres is running"; return; fi
  if ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
    log "installing PostgreSQL from Debian's packages"
    apt_install postgresql
    local version; version=$(ls /etc/postgresql | sort -n | tail -1)
    local conf="/etc/postgresql/$version/main"
    # Development machine only: loopback, trusted, like the machines this project runs on.
    sed -i "s/^#\?listen_addresses.*/listen_addresses = '127.0.0.1'/" "$conf/postgresql.conf"
    printf 'host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust\nlocal all all trust\n' > "$conf/pg_hba.conf.new"
    cat "$conf/pg_hba.conf" >> "$conf/pg_hba.conf.new" && mv "$conf/pg_hba.conf.new" "$conf/pg_hba.conf"
  fi
  log "starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -n | tail -1)" main start
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && return; sleep 1; done
  log "PostgreSQL did not come up"; exit 1
}

ensure_redis() {
  if redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then log "redis is running"; return; fi
  if ! command -v redis-server >/dev/null; then
    log "installing Redis from Debian's packages"
    apt_install redis-server
  fi
  log "starting Redis on 127.0.0.1:6379"
  mkdir -p /var/lib/redis /var/log/redis
  # noeviction: BullMQ must never lose keys to memory pressure.
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --maxmemory-policy noeviction --dir /var/lib/redis --logfile /var/log/redis/ci.log
  for _ in $(seq 1 30); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && return; sleep 1; done
  log "Redis did not come up"; exit 1
}

# promtool checks and unit-tests deploy/prometheus/alerts.yml (test/ops/alerts.test.ts). Debian ships it in
# the prometheus package; only the binary is used (the package's own service is not started here).
ensure_promtool() {
  if command -v promtool >/dev/null; then log "$(promtool --version 2>&1 | head -1)"; return; fi
  log "installing promtool (Debian's prometheus package)"
  apt_install prometheus
  command -v promtool >/dev/null || { log "could not install promtool"; exit 1; }
  log "$(promtool --version 2>&1 | head -1)"
}

# test/integration/pgbouncer.test.ts starts PgBouncers of its own (transaction and session pooling) on loopback;
# only the binary is used (the package's own service is not started here).
ensure_pgbouncer() {
  if command -v pgbouncer >/dev/null; then log "$(pgbouncer --version 2>&1 | head -1)"; return; fi
  log "installing pgbouncer (Debian's package)"
  apt_install pgbouncer
  command -v pgbouncer >/dev/null || { log "could not install pgbouncer"; exit 1; }
  log "$(pgbouncer --version 2>&1 | head -1)"
}

ensure_dependencies() {
  local stamp=node_modules/.package-lock.json
  if [ ! -d node_modules ] || [ package-lock.json -nt "$stamp" ]; then
    log "installing npm dependencies from package-lock.json"
    # npm 11 writes lock files without other platforms' optional binaries (@swc/core-*, …) and `npm ci` then
    # refuses them as out of sync; `npm install --no-save` installs the locked versions and changes nothing.
    npm ci --no-audit --no-fund --loglevel=silent 2>/dev/null || npm install --no-save --no-audit --no-fund --loglevel=error
  fi
}

ensure_all() {
  ensure_node
  ensure_postgres
  ensure_redis
  ensure_dependencies
}
