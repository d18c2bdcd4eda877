#!/usr/bin/env bash
# Restore a backup made by scripts/backup.sh into the database and media root named by the app's
# environment (DATABASE_URL, MEDIA_ROOT, HOCTAP_VAR_DIR: see backup.sh). Stop the app and the task
# worker first.
#
#   scripts/restore.sh <backup directory>
#
# The checksums are verified before anything is touched. PostgreSQL: the database must exist
# (`createdb`); everything the dump holds is dropped and recreated in one transaction
# (pg_restore --clean --if-exists --single-transaction), so a failed restore changes nothing.
# SQLite: the file is rewritten through sqlite3's ".restore" (created if it is missing). Media: the
# archive is unpacked into MEDIA_ROOT (files already there stay; restore into an empty directory for
# an exact copy); a backup taken with S3_BUCKET set has bucket.txt instead, and the bucket is restored
# from its own copy (docs/deployment.md, "Backups"). Afterwards run `manage.py migrate` (a backup of an older version) and
# `manage.py stats verify`.
set -euo pipefail
cd "$(dirname "$0")/.."
SRC=${1:?usage: scripts/restore.sh <backup directory>}
VAR_DIR=${HOCTAP_VAR_DIR:-var}
MEDIA=${MEDIA_ROOT:-$VAR_DIR/media}
URL=${DATABASE_URL:-sqlite:///$VAR_DIR/hoctap.sqlite3}

(cd "$SRC" && sha256sum --check --quiet SHA256SUMS) || { echo "restore: $SRC fails its checksums; nothing restored" >&2; exit 1; }
case "$URL" in
  postgres://*|postgresql://*)
    [ -f "$SRC/db.dump" ] || { echo "restore: $SRC has no db.dump (a PostgreSQL backup)" >&2; exit 1; }
    pg_restore --clean --if-exists --no-owner --exit-on-error --single-transaction --dbname="$URL" "$SRC/db.dump" ;;
  sqlite:///*)
    [ -f "$SRC/db.sqlite3" ] || { echo "restore: $SRC has no db.sqlite3 (an SQLite backup)" >&2; exit 1; }
    DB=${URL#sqlite:///}
    mkdir -p "$(dirname "$DB")"
    sqlite3 "$DB" ".restore '$SRC/db.sqlite3'" ;;
  *) echo "restore: cannot restore into DATABASE_URL of this kind: ${URL%%:*}" >&2; exit 1 ;;
esac
if [ -f "$SRC/media.tar.gz" ]; then
  mkdir -p "$MEDIA"
  tar -C "$MEDIA" -xzf "$SRC/media.tar.gz"
else
  echo "files were in a bucket ($(tr '\n' ' ' < "$SRC/bucket.txt")): restore them from the bucket's copy"
fi
echo "restored $SRC; now run: manage.py migrate && manage.py stats verify"
