"""All database I/O lives in this package: callers pass a Connection, never write SQL themselves."""

from dailypapers.store.db import Database

__all__ = ["Database"]
