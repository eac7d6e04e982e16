#!/bin/bash
# The official mysql image's contract, on MariaDB: a first start with an empty data
# directory creates the root password, MYSQL_DATABASE and MYSQL_USER/MYSQL_PASSWORD
# from the environment; later starts keep the data. MySQL 8.4's
# --mysql-native-password=ON is dropped: MariaDB always has that plugin.
set -euo pipefail

args=()
for arg in "$@"; do
  case "$arg" in
    --mysql-native-password=*) ;;
    *) args+=("$arg") ;;
  esac
done

sql_string() { local value=${1//\\/\\\\}; printf "'%s'" "${value//\'/\'\'}"; }

mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld
if [[ ! -d /var/lib/mysql/mysql ]]; then
  : "${MYSQL_ROOT_PASSWORD:?MYSQL_ROOT_PASSWORD is required on first start}"
  echo "mysql-from-mariadb: initialising /var/lib/mysql"
  mariadb-install-db --user=mysql --datadir=/var/lib/mysql --skip-test-db >/dev/null
  mariadbd --user=mysql --skip-networking --socket=/run/mysqld/init.sock &
  init_pid=$!
  for _ in $(seq 1 60); do mariadb-admin --socket=/run/mysqld/init.sock ping --silent 2>/dev/null && break; sleep 0.5; done
  {
    echo "ALTER USER 'root'@'localhost' IDENTIFIED BY $(sql_string "$MYSQL_ROOT_PASSWORD");"
    echo "CREATE USER 'root'@'%' IDENTIFIED BY $(sql_string "$MYSQL_ROOT_PASSWORD");"
    echo "GRANT ALL ON *.* TO 'root'@'%' WITH GRANT OPTION;"
    if [[ -n "${MYSQL_DATABASE:-}" ]]; then echo "CREATE DATABASE IF NOT EXISTS \`$MYSQL_DATABASE\`;"; fi
    if [[ -n "${MYSQL_USER:-}" ]]; then
      echo "CREATE USER $(sql_string "$MYSQL_USER")@'%' IDENTIFIED BY $(sql_string "${MYSQL_PASSWORD:?MYSQL_PASSWORD is required with MYSQL_USER}");"
      if [[ -n "${MYSQL_DATABASE:-}" ]]; then echo "GRANT ALL ON \`$MYSQL_DATABASE\`.* TO $(sql_string "$MYSQL_USER")@'%';"; fi
    fi
    echo "FLUSH PRIVILEGES;"
  } | mariadb --socket=/run/mysqld/init.sock -uroot
  kill "$init_pid"
  wait "$init_pid" || true
fi
exec mariadbd --user=mysql --bind-address=0.0.0.0 --port=3306 "${args[@]}"
