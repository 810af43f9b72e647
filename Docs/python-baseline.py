#!/usr/bin/env python3
"""The issue's baseline for the first-load figure: Python's csv module plus one
sqlite3 executemany upsert into a 13-column table, in one transaction, with WAL and
synchronous=NORMAL, or with --journal delete SQLite's rollback journal (synchronous=FULL,
Python's default mode). No reconciliation, no audit.
Usage: python-baseline.py [--journal wal|delete] EXPORT.csv (an LA export written by
ehcsync-bench --keep). Prints rows/s (wall) and rows per CPU-s."""
import csv, os, sqlite3, sys, tempfile, time

def main(path, journal="wal"):
    with tempfile.TemporaryDirectory() as d:
        db = sqlite3.connect(os.path.join(d, "baseline.sqlite"), isolation_level=None)
        if journal == "wal":
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA synchronous = NORMAL")
        else:
            db.execute("PRAGMA journal_mode = DELETE")
            db.execute("PRAGMA synchronous = FULL")
        wall, cpu = time.perf_counter(), time.process_time()
        with open(path, newline="", encoding="utf-8") as f:
            rows = csv.reader(f)
            header = next(rows)
            columns = ", ".join(f"c{i}" for i in range(len(header)))
            db.execute(f"CREATE TABLE advice ({columns}, PRIMARY KEY (c0)) WITHOUT ROWID")
            updates = ", ".join(f"c{i} = excluded.c{i}" for i in range(1, len(header)))
            marks = ", ".join("?" * len(header))
            db.execute("BEGIN")
            db.executemany(f"INSERT INTO advice VALUES ({marks}) ON CONFLICT(c0) DO UPDATE SET {updates}", rows)
            db.execute("COMMIT")
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        n = db.execute("SELECT count(*) FROM advice").fetchone()[0]
        print(f"{n} rows in {wall:.2f} s: {n / wall:,.0f} rows/s ({n / cpu:,.0f} rows per CPU-second); "
              f"journal {journal}; Python {sys.version.split()[0]}, SQLite {sqlite3.sqlite_version}")

if __name__ == "__main__":
    args = sys.argv[1:]
    if len(args) == 3 and args[0] == "--journal" and args[1] in ("wal", "delete"):
        main(args[2], args[1])
    elif len(args) == 1:
        main(args[0])
    else:
        sys.exit("usage: python-baseline.py [--journal wal|delete] EXPORT.csv")
