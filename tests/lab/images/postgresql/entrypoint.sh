#!/bin/bash
# The official postgres image's contract, on Debian's packages: a first start with an
# empty PGDATA runs initdb with POSTGRES_USER as the superuser and POSTGRES_PASSWORD as
# its password, creates POSTGRES_DB (default: the user's name), runs the *.sh, *.sql and
# *.sql.gz files of /docker-entrypoint-initdb.d, and opens the server to every address
# with POSTGRES_HOST_AUTH_METHOD (scram-sha-256); the socket and localhost stay trusted,
# as initdb leaves them there. Later starts keep the data. Arguments starting with "-"
# are the server's (`command: ["-c", "max_connections=50"]`).
set -euo pipefail

if [[ ${1:-} == -* ]]; then set -- postgres "$@"; fi
if [[ ${1:-} != postgres ]]; then exec "$@"; fi

if [[ $(id -u) -eq 0 ]]; then
  mkdir -p "$PGDATA" /var/run/postgresql
  chown postgres:postgres "$PGDATA" /var/run/postgresql
  chmod 0700 "$PGDATA"
  find "$PGDATA" ! -user postgres -exec chown postgres:postgres {} +
  exec setpriv --reuid=postgres --regid=postgres --init-groups "$0" "$@"
fi

if [[ ! -s $PGDATA/PG_VERSION ]]; then
  auth=${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}
  if [[ -z ${POSTGRES_PASSWORD:-} && $auth != trust ]]; then
    echo "postgres-from-debian: POSTGRES_PASSWORD is required on first start (the password of POSTGRES_USER)" >&2
    exit 1
  fi
  user=${POSTGRES_USER:-postgres}
  database=${POSTGRES_DB:-$user}
  echo "postgres-from-debian: initialising $PGDATA (superuser $user, database $database)"
  # The password goes through a pipe, never a command line.
  # shellcheck disable=SC2086 # POSTGRES_INITDB_ARGS is a list of initdb options, as in the official image
  initdb --username="$user" --pwfile=<(printf '%s\n' "${POSTGRES_PASSWORD:-}") --encoding=UTF8 --locale=C.UTF-8 ${POSTGRES_INITDB_ARGS:-} >/tmp/initdb.log 2>&1 \
    || { cat /tmp/initdb.log >&2; exit 1; }
  printf "listen_addresses = '*'\n" >>"$PGDATA/postgresql.conf"
  printf 'host all all all %s\n' "$auth" >>"$PGDATA/pg_hba.conf"

  # A server on the socket only, for the set-up; nothing outside sees the half-made database.
  pg_ctl -D "$PGDATA" -o "-c listen_addresses='' -c unix_socket_directories=/var/run/postgresql" -w start >/dev/null
  psql_init=(psql -v ON_ERROR_STOP=1 --no-psqlrc --quiet --username "$user" --host /var/run/postgresql)
  if [[ $database != postgres ]]; then
    "${psql_init[@]}" --dbname postgres --set db="$database" <<<'CREATE DATABASE :"db";'
  fi
  for file in /docker-entrypoint-initdb.d/*; do
    case "$file" in
      *.sh) echo "postgres-from-debian: running $file"; POSTGRES_USER=$user POSTGRES_DB=$database bash "$file" ;;
      *.sql) echo "postgres-from-debian: running $file"; "${psql_init[@]}" --dbname "$database" -f "$file" ;;
      *.sql.gz) echo "postgres-from-debian: running $file"; gunzip -c "$file" | "${psql_init[@]}" --dbname "$database" ;;
      *) ;;
    esac
  done
  pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null
  echo "postgres-from-debian: initialised; starting the server"
fi

exec "$@"
