"""The PostgreSQL backend: Umami 3.1's own schema (umami_tables, schema). Not wired into the
server yet; nothing outside storage/ imports it."""
