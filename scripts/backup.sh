#!/usr/bin/env bash
# Back up hoctap: the database and the media files (evidence, uploads, exports) into one directory.
#
#   scripts/backup.sh [directory]        default: $HOCTAP_VAR_DIR/backups/<UTC time>, HOCTAP_VAR_DIR=var
#
# Reads the app's own environment:
#   DATABASE_URL  postgres://…  → pg_dump -Fc (custom format, for pg_restore), file db.dump
#                 empty/unset   → the embedded SQLite file $HOCTAP_VAR_DIR/hoctap.sqlite3 (or sqlite:///path),
#                                 copied with sqlite3's online ".backup", file db.sqlite3
#   MEDIA_ROOT    default $HOCTAP_VAR_DIR/media → media.tar.gz
#   S3_BUCKET     set: the files are in that bucket, not here; the script writes bucket.txt (which
#                 bucket and prefix) instead of media.tar.gz, and the bucket is copied by the object
#                 store's own tools right after this dump (docs/deployment.md, "Backups").
# and writes SHA256SUMS over both. It may run while the app serves: the database copy is one
# consistent snapshot, taken before the media, and media files are added, not rewritten (evidence is
# stored by its SHA-256), so every file a backed-up row names is in the archive.
set -euo pipefail
cd "$(dirname "$0")/.."
VAR_DIR=${HOCTAP_VAR_DIR:-var}
MEDIA=${MEDIA_ROOT:-$VAR_DIR/media}
OUT=${1:-$VAR_DIR/backups/$(date -u +%Y%m%dT%H%M%SZ)}
URL=${DATABASE_URL:-sqlite:///$VAR_DIR/hoctap.sqlite3}

mkdir -p "$OUT"
case "$URL" in
  postgres://*|postgresql://*)
    pg_dump --format=custom --no-owner --file="$OUT/db.dump" --dbname="$URL"
    DB_FILE=db.dump ;;
  sqlite:///*)
    DB=${URL#sqlite:///}
    [ -f "$DB" ] || { echo "backup: no SQLite database at $DB" >&2; exit 1; }
    sqlite3 "$DB" ".backup '$OUT/db.sqlite3'"
    DB_FILE=db.sqlite3 ;;
  *) echo "backup: cannot back up DATABASE_URL of this kind: ${URL%%:*}" >&2; exit 1 ;;
esac
if [ -n "${S3_BUCKET:-}" ]; then
  printf 'bucket=%s\nprefix=%s\nendpoint=%s\n' "$S3_BUCKET" "${S3_PREFIX:-}" "${S3_ENDPOINT_URL:-}" > "$OUT/bucket.txt"
  FILES=bucket.txt
  echo "files are in bucket $S3_BUCKET: copy it now (rclone copy / aws s3 sync without --delete), after this dump"
else
  mkdir -p "$MEDIA"
  tar -C "$MEDIA" -czf "$OUT/media.tar.gz" .
  FILES=media.tar.gz
fi
(cd "$OUT" && sha256sum "$DB_FILE" "$FILES" > SHA256SUMS)
echo "backup written to $OUT ($DB_FILE, $FILES, SHA256SUMS)"
