#ifndef EHCSYNC_SQLITE_CONFIG_SHIM_H
#define EHCSYNC_SQLITE_CONFIG_SHIM_H
/* sqlite3_config is variadic, which Swift cannot call: one typed wrapper for the one
 * setting EHC Sync makes before SQLite starts. */
#include <sqlite3.h>

/* SQLITE_CONFIG_MEMSTATUS: whether SQLite counts its memory, under a mutex taken on
 * every allocation. Returns SQLITE_MISUSE once SQLite has started. */
static inline int ehc_sqlite3_config_memstatus(int on) { return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, on); }

#endif
