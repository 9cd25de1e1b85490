"""Background jobs that must run once across every process and host sharing the database.

`catalog` lists every recurring job (what, when, which lease); `runner` runs them in threads, each pass under a
lease (`lease`) so two processes never run the same job at once and another takes over when the holder dies.
"""
