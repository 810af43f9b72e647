#!/usr/bin/env python3
"""The issue's baseline for the first-load figure: Python's csv module plus one
sqlite3 executemany upsert into a 13-column table, in one transaction, with WAL and
synchronous=NORMAL. No reconciliation, no audit. Usage: python-baseline.py EXPORT.csv
(an LA export written by ehcsync-bench --keep). Prints rows/s (wall) and rows per CPU-s."""
import csv, os, sqlite3, sys, tempfile, time

def main(path):
    with tempfile.TemporaryDirectory() as d:
        db = sqlite3.connect(os.path.join(d, "baseline.sqlite"), isolation_level=None)
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = NORMAL")
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
              f"Python {sys.version.split()[0]}, SQLite {sqlite3.sqlite_version}")

if __name__ == "__main__":
    main(sys.argv[1])
